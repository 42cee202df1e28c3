package io.jenkins.plugins.progressivedelivery.engine.metrics.job;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Argo Rollouts' {@code job} provider: each measurement creates a Kubernetes Job from the metric's spec and waits
 * (on a watch, not a sleep) until it completes: condition {@code Complete} is Successful, {@code Failed} is Failed,
 * as in Argo's {@code metricproviders/job}. The last lines of its pod's log come with the value, so the build log
 * says why a smoke test failed. The Job is deleted afterwards (its pods with it). RBAC: create, get, watch and
 * delete {@code jobs} (batch), get and list {@code pods} and get {@code pods/log} in the namespace.
 */
public final class JobProvider {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String METRIC_LABEL = "progressive-delivery.jenkins.io/metric";
    static final int LOG_TAIL_LINES = 20;
    /** How long a Job may run when its spec sets no {@code activeDeadlineSeconds}. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(15);

    private final KubernetesClient client;
    private final String namespace;

    public JobProvider(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    /** The Job's name for a measurement: the metric's name and the time, within Kubernetes' 63 characters. */
    static String jobName(String metric, Instant at) {
        String base = dnsLabel(metric);
        String suffix = "-" + at.getEpochSecond();
        if (base.length() + suffix.length() > 63) {
            base = base.substring(0, 63 - suffix.length()).replaceAll("-+$", "");
        }
        return base + suffix;
    }

    private static String dnsLabel(String text) {
        String label = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        label = label.length() > 50 ? label.substring(0, 50).replaceAll("-+$", "") : label;
        return label.isEmpty() ? "analysis" : label;
    }

    /**
     * Runs the Job and returns its outcome; an outcome Successful or Failed, never a number.
     *
     * @throws MeasurementException when the Job cannot be created or read, or does not finish within its deadline
     */
    public MetricValue run(String metricName, String metadata, String spec, Instant at)
            throws MeasurementException {
        String name = jobName(metricName, at);
        Job job;
        try {
            job = build(name, metricName, metadata, spec);
        } catch (IllegalArgumentException e) {
            throw new MeasurementException("the Job spec of metric '" + metricName + "' is not a Job spec: "
                    + e.getMessage(), e);
        }
        Duration deadline = job.getSpec().getActiveDeadlineSeconds() == null ? DEFAULT_DEADLINE
                : Duration.ofSeconds(job.getSpec().getActiveDeadlineSeconds()).plusSeconds(30);
        try {
            client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
        } catch (KubernetesClientException e) {
            throw new MeasurementException("cannot create Job " + namespace + "/" + name + ": " + reason(e), e);
        }
        try {
            Job finished;
            try {
                finished = client.batch().v1().jobs().inNamespace(namespace).withName(name)
                        .waitUntilCondition(j -> j == null || outcome(j).isPresent(), deadline.toMillis(),
                                TimeUnit.MILLISECONDS);
            } catch (KubernetesClientTimeoutException e) {
                throw new MeasurementException("Job " + namespace + "/" + name + " did not finish within "
                        + deadline.toSeconds() + "s", e);
            }
            if (finished == null) {
                throw new MeasurementException("Job " + namespace + "/" + name + " was deleted before it finished");
            }
            AnalysisPhase phase = outcome(finished).orElseThrow();
            String log = logTail(name);
            String description = "Job " + namespace + "/" + name + " " + (phase == AnalysisPhase.SUCCESSFUL
                    ? "completed" : "failed" + failure(finished)) + (log.isEmpty() ? "" : "; log tail:\n" + log);
            return MetricValue.outcome(phase, description);
        } catch (KubernetesClientException e) {
            throw new MeasurementException("cannot read Job " + namespace + "/" + name + ": " + reason(e), e);
        } finally {
            delete(name);
        }
    }

    private Job build(String name, String metricName, String metadata, String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("it is empty");
        }
        JobSpec jobSpec = Serialization.unmarshal(spec, JobSpec.class);
        ObjectMeta meta = metadata == null ? new ObjectMeta() : Serialization.unmarshal(metadata, ObjectMeta.class);
        Map<String, String> labels = new LinkedHashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
        labels.put(MANAGED_BY, "progressive-delivery");
        labels.put(METRIC_LABEL, dnsLabel(metricName));
        return new JobBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels)
                        .withAnnotations(meta.getAnnotations()).build())
                .withSpec(jobSpec)
                .build();
    }

    /** Argo's reading of a Job: condition Complete is Successful, Failed is Failed; otherwise still running. */
    static Optional<AnalysisPhase> outcome(Job job) {
        List<JobCondition> conditions = job.getStatus() == null || job.getStatus().getConditions() == null
                ? List.of() : job.getStatus().getConditions();
        for (JobCondition condition : conditions) {
            if (!"True".equals(condition.getStatus())) {
                continue;
            }
            if ("Complete".equals(condition.getType()) || "SuccessCriteriaMet".equals(condition.getType())) {
                return Optional.of(AnalysisPhase.SUCCESSFUL);
            }
            if ("Failed".equals(condition.getType()) || "FailureTarget".equals(condition.getType())) {
                return Optional.of(AnalysisPhase.FAILED);
            }
        }
        return Optional.empty();
    }

    private static String failure(Job job) {
        return job.getStatus().getConditions().stream()
                .filter(c -> "Failed".equals(c.getType()) && c.getReason() != null)
                .map(c -> " (" + c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()) + ")")
                .findFirst().orElse("");
    }

    private String logTail(String jobName) {
        try {
            List<Pod> pods = client.pods().inNamespace(namespace).withLabel("job-name", jobName).list().getItems();
            if (pods.isEmpty()) {
                return "";
            }
            Pod last = pods.get(pods.size() - 1);
            String log = client.pods().inNamespace(namespace).withName(last.getMetadata().getName())
                    .tailingLines(LOG_TAIL_LINES).getLog();
            return log == null ? "" : log.strip();
        } catch (KubernetesClientException e) {
            // the verdict stands without the log; say why it is missing
            return "(no log: " + reason(e) + ")";
        }
    }

    private void delete(String name) {
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            // a leftover finished Job is harmless; its labels say who made it
        }
    }

    private static String reason(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
    }
}
