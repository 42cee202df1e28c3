package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.io.Serializable;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes Jobs run to completion for the engine: created from a manifest (or an existing CronJob's
 * {@code jobTemplate}) under a deterministic name, polled (never watched from a blocked thread: the caller polls
 * on its scheduler) with their pods' new log lines, and deleted with their pods. Creating a Job that already exists
 * with the engine's label adopts it, so a caller that resumes after a restart keeps following the same Job.
 */
public final class Jobs {
    /** Marks the Jobs the engine created, so that it adopts only its own. */
    public static final String RUN_BY_LABEL = "progressive-delivery.jenkins.io/run-by";
    /** Kubernetes labels a Job's pods with it (and with {@code job-name} before 1.27). */
    static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
    static final String LEGACY_JOB_NAME_LABEL = "job-name";
    /** Sidecars a mesh injects into a Job's pods: their logs are not the hook's. */
    static final java.util.Set<String> MESH_SIDECARS = java.util.Set.of("istio-proxy", "linkerd-proxy");

    private final KubernetesClient client;
    private final String namespace;

    public Jobs(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Where a Job is: running, or finished one way or the other. */
    public enum State { RUNNING, SUCCEEDED, FAILED }

    /**
     * A poll's answer.
     *
     * @param newLines   log lines of the Job's pods that the last poll had not returned, each prefixed with the pod
     * @param linesSeen  how many lines have been returned so far, for the next poll
     * @param message    why it failed, or the counts while it runs
     */
    public record Progress(State state, List<String> newLines, int linesSeen, String message) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Progress {
            newLines = List.copyOf(newLines);
        }
    }

    /**
     * Creates Job {@code name} from {@code manifest} (a batch/v1 Job, or just its spec) with {@code labels}, the
     * variables {@code env} in every container (unless the manifest sets them), a
     * deadline the API server enforces too ({@code activeDeadlineSeconds}), and, unless the manifest says
     * otherwise, no retries ({@code backoffLimit: 0}: a failed migration is a failed hook, not something to run
     * again blindly). An existing Job of that name that the engine created is adopted.
     */
    public String create(String name, Map<String, Object> manifest, Map<String, String> labels,
                         Map<String, String> env, Duration deadline) {
        Map<String, Object> job = manifest.containsKey("spec") ? manifest : Map.of("spec", manifest);
        Job parsed = client.getKubernetesSerialization().convertValue(job, Job.class);
        return create(name, parsed.getSpec(), labels, env, deadline);
    }

    /** Creates Job {@code name} from the {@code jobTemplate} of CronJob {@code cronJob}, as kubectl create job --from. */
    public String createFromCronJob(String name, String cronJob, Map<String, String> labels, Map<String, String> env,
                                    Duration deadline) {
        KubeRef ref = new KubeRef("batch", "cronjobs", "CronJob", namespace, cronJob);
        CronJob found;
        try {
            found = client.batch().v1().cronjobs().inNamespace(namespace).withName(cronJob).get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.toClusterException(e, "get", ref);
        }
        if (found == null || found.getSpec() == null || found.getSpec().getJobTemplate() == null) {
            throw new ClusterException(ref + " does not exist (or has no jobTemplate); check the hook's cronJob",
                    false, null);
        }
        return create(name, found.getSpec().getJobTemplate().getSpec(), labels, env, deadline);
    }

    private String create(String name, JobSpec spec, Map<String, String> labels, Map<String, String> env,
                          Duration deadline) {
        KubeRef ref = ref(name);
        if (spec == null || spec.getTemplate() == null) {
            throw new ClusterException("the Job for " + ref + " has no spec.template", false, null);
        }
        Map<String, String> allLabels = new LinkedHashMap<>(labels);
        allLabels.put(RUN_BY_LABEL, "progressive-delivery");
        spec.setActiveDeadlineSeconds(Math.max(1, deadline.toSeconds()));
        if (spec.getBackoffLimit() == null) {
            spec.setBackoffLimit(0);
        }
        if (spec.getTtlSecondsAfterFinished() == null) {
            spec.setTtlSecondsAfterFinished(3600); // should the engine be gone before it deletes the Job
        }
        if (spec.getTemplate().getSpec() != null && spec.getTemplate().getSpec().getRestartPolicy() == null) {
            spec.getTemplate().getSpec().setRestartPolicy("Never");
        }
        if (spec.getTemplate().getSpec() != null) {
            for (io.fabric8.kubernetes.api.model.Container container : spec.getTemplate().getSpec().getContainers()) {
                List<io.fabric8.kubernetes.api.model.EnvVar> vars = container.getEnv() == null ? new ArrayList<>()
                        : new ArrayList<>(container.getEnv());
                env.forEach((key, value) -> {
                    if (vars.stream().noneMatch(v -> key.equals(v.getName()))) {
                        vars.add(new io.fabric8.kubernetes.api.model.EnvVar(key, value, null));
                    }
                });
                container.setEnv(vars);
            }
        }
        Job job = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(allLabels).endMetadata()
                .withSpec(spec).build();
        try {
            client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
            return name;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                Job existing = get(name);
                if (existing != null && existing.getMetadata().getLabels() != null
                        && existing.getMetadata().getLabels().containsKey(RUN_BY_LABEL)) {
                    return name; // ours, from before a restart: follow it
                }
                throw new ClusterException(ref + " already exists and was not created by progressive-delivery;"
                        + " rename the hook or delete the Job", false, e);
            }
            throw KubeErrors.toClusterException(e, "create", ref);
        }
    }

    /** The Job's state and the log lines of its pods since {@code linesSeen}. */
    public Progress progress(String name, int linesSeen) {
        Job job = get(name);
        if (job == null) {
            return new Progress(State.FAILED, List.of(), linesSeen, ref(name) + " was deleted while it ran");
        }
        List<String> lines = logLines(name);
        List<String> fresh = lines.size() > linesSeen ? lines.subList(linesSeen, lines.size()) : List.of();
        int seen = Math.max(linesSeen, lines.size());
        var status = job.getStatus();
        int completions = job.getSpec().getCompletions() == null ? 1 : job.getSpec().getCompletions();
        if (status != null) {
            for (JobCondition condition : status.getConditions() == null ? List.<JobCondition>of()
                    : status.getConditions()) {
                if ("True".equals(condition.getStatus()) && ("Failed".equals(condition.getType())
                        || "FailureTarget".equals(condition.getType()))) {
                    return new Progress(State.FAILED, fresh, seen, (condition.getReason() == null ? "failed"
                            : condition.getReason()) + (condition.getMessage() == null ? ""
                            : ": " + condition.getMessage()));
                }
                if ("True".equals(condition.getStatus()) && "Complete".equals(condition.getType())) {
                    return new Progress(State.SUCCEEDED, fresh, seen, "complete");
                }
            }
            if (status.getSucceeded() != null && status.getSucceeded() >= completions) {
                return new Progress(State.SUCCEEDED, fresh, seen, status.getSucceeded() + " succeeded");
            }
        }
        int active = status == null || status.getActive() == null ? 0 : status.getActive();
        int failed = status == null || status.getFailed() == null ? 0 : status.getFailed();
        return new Progress(State.RUNNING, fresh, seen, active + " active, " + failed + " failed");
    }

    /** Deletes the Job and its pods (in the background, as kubectl does); a Job already gone is fine. */
    public void delete(String name) {
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(name)
                    .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw KubeErrors.toClusterException(e, "delete", ref(name));
            }
        }
    }

    private Job get(String name) {
        try {
            return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.toClusterException(e, "get", ref(name));
        }
    }

    /** Every log line of the Job's pods, oldest pod first, as {@code pod: line} (or {@code pod/container: line}). */
    private List<String> logLines(String name) {
        List<Pod> pods;
        try {
            pods = new ArrayList<>(client.pods().inNamespace(namespace).withLabel(JOB_NAME_LABEL, name).list()
                    .getItems());
            if (pods.isEmpty()) {
                pods.addAll(client.pods().inNamespace(namespace).withLabel(LEGACY_JOB_NAME_LABEL, name).list()
                        .getItems());
            }
        } catch (KubernetesClientException e) {
            throw KubeErrors.toClusterException(e, "list", new KubeRef("", "pods", "Pod", namespace, ""));
        }
        pods.sort(Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
                .thenComparing(p -> p.getMetadata().getName()));
        List<String> lines = new ArrayList<>();
        for (Pod pod : pods) {
            String podName = pod.getMetadata().getName();
            List<String> containers = pod.getSpec() == null || pod.getSpec().getContainers() == null
                    ? List.of() : pod.getSpec().getContainers().stream().map(c -> c.getName())
                    .filter(container -> !MESH_SIDECARS.contains(container)).toList();
            if (containers.size() <= 1) {
                // one container (or a pod whose spec is not known): the API server picks it
                addLog(lines, podName, containers.isEmpty() ? null : containers.get(0), podName);
            } else {
                // a pod with several containers must name one; the mesh's sidecar says nothing about the hook
                for (String container : containers) {
                    addLog(lines, podName, container, podName + "/" + container);
                }
            }
        }
        return lines;
    }

    private void addLog(List<String> lines, String podName, String container, String prefix) {
        String log;
        try {
            var pod = client.pods().inNamespace(namespace).withName(podName);
            log = container == null ? pod.getLog() : pod.inContainer(container).getLog();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_BAD_REQUEST || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return; // still being created: no log yet
            }
            throw KubeErrors.toClusterException(e, "get", new KubeRef("", "pods/log", "Pod", namespace, podName));
        }
        if (log != null) {
            log.lines().forEach(line -> lines.add(prefix + ": " + line));
        }
    }

    private KubeRef ref(String name) {
        return new KubeRef("batch", "jobs", "Job", namespace, name);
    }
}
