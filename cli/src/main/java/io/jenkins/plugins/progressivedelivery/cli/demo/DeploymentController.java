package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the Deployment controller and the kubelets the embedded API server does not have: a Deployment
 * whose status lags its spec is marked rolled out ({@code observedGeneration}, replicas, updated, ready and
 * available) once it has lagged for {@code rolloutTime}, as if its pods had started and passed their readiness
 * probes. It polls on the given executor (and, {@linkplain #startWatching watching}, reacts to each change when it is
 * due); it never blocks a thread while it waits.
 */
public final class DeploymentController implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final Duration rolloutTime;
    private final Clock clock;
    private final Map<String, Instant> laggingSince = new HashMap<>();
    private final ScheduledFuture<?> polling;
    private final Watch watch;

    private DeploymentController(KubernetesClient client, String namespace, Duration rolloutTime, Clock clock,
                                 ScheduledExecutorService executor, Duration pollInterval, boolean watching) {
        this.client = client;
        this.namespace = namespace;
        this.rolloutTime = rolloutTime;
        this.clock = clock;
        this.polling = executor.scheduleWithFixedDelay(this::reconcileQuietly, 0, pollInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        this.watch = watching ? client.apps().deployments().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment deployment) {
                if (action == Action.DELETED || isRolledOut(deployment)) {
                    return;
                }
                synchronized (DeploymentController.this) {
                    laggingSince.putIfAbsent(deployment.getMetadata().getName(), clock.instant());
                }
                // the watch thread must not make calls: the reconcile runs on the executor, when the rollout is due
                executor.schedule(DeploymentController.this::reconcileQuietly, rolloutTime.toNanos(),
                        TimeUnit.NANOSECONDS);
            }

            @Override
            public void onClose(WatcherException cause) {
                // the poll goes on
            }
        }) : null;
    }

    public static DeploymentController start(KubernetesClient client, String namespace, Duration rolloutTime,
                                             Clock clock, ScheduledExecutorService executor) {
        return new DeploymentController(client, namespace, rolloutTime, clock, executor, Duration.ofMillis(200),
                false);
    }

    /** {@link #start} looking at the Deployments every {@code pollInterval} (the benchmarks: a quick controller). */
    public static DeploymentController start(KubernetesClient client, String namespace, Duration rolloutTime,
                                             Clock clock, ScheduledExecutorService executor, Duration pollInterval) {
        return new DeploymentController(client, namespace, rolloutTime, clock, executor, pollInterval, false);
    }

    /**
     * A controller that sees a Deployment change by a watch, as the real one does, and marks it rolled out
     * {@code rolloutTime} after it saw the change: no poll's delay on top (the benchmarks, where what the cluster
     * adds must be only what it is configured to take). The poll every {@code pollInterval} stays, for Jobs and in
     * case the watch drops.
     */
    public static DeploymentController startWatching(KubernetesClient client, String namespace,
                                                     Duration rolloutTime, Clock clock,
                                                     ScheduledExecutorService executor, Duration pollInterval) {
        return new DeploymentController(client, namespace, rolloutTime, clock, executor, pollInterval, true);
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (KubernetesClientException e) {
            // A conflict with the engine's own write, or the server shutting down: the next poll tries again.
        }
    }

    synchronized void reconcile() {
        Instant now = clock.instant();
        List<Deployment> deployments = client.apps().deployments().inNamespace(namespace).list().getItems();
        laggingSince.keySet().removeIf(key -> !key.startsWith("job/") && deployments.stream()
                .noneMatch(d -> d.getMetadata().getName().equals(key)));
        for (Deployment deployment : deployments) {
            String name = deployment.getMetadata().getName();
            if (isRolledOut(deployment)) {
                laggingSince.remove(name);
                continue;
            }
            Instant since = laggingSince.computeIfAbsent(name, n -> now);
            if (!now.isBefore(since.plus(rolloutTime))) {
                markReady(client, deployment, now);
                laggingSince.remove(name);
            }
        }
        reconcileJobs(now);
    }

    /** Plays the Job controller too: a Job (a rollout's hook) completes {@code rolloutTime} after it appeared. */
    private void reconcileJobs(Instant now) {
        List<io.fabric8.kubernetes.api.model.batch.v1.Job> jobs = client.batch().v1().jobs().inNamespace(namespace)
                .list().getItems();
        for (io.fabric8.kubernetes.api.model.batch.v1.Job job : jobs) {
            String key = "job/" + job.getMetadata().getName();
            var status = job.getStatus();
            boolean finished = status != null && status.getConditions() != null && !status.getConditions().isEmpty();
            if (finished) {
                laggingSince.remove(key);
                continue;
            }
            Instant since = laggingSince.computeIfAbsent(key, n -> now);
            if (!now.isBefore(since.plus(rolloutTime))) {
                job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withSucceeded(1)
                        .withStartTime(since.toString()).withCompletionTime(now.toString())
                        .addNewCondition().withType("Complete").withStatus("True")
                        .withLastTransitionTime(now.toString()).endCondition().build());
                client.batch().v1().jobs().inNamespace(namespace).resource(job).updateStatus();
                laggingSince.remove(key);
            }
        }
    }

    /** Whether the status says the current spec has fully rolled out. */
    static boolean isRolledOut(Deployment deployment) {
        DeploymentStatus status = deployment.getStatus();
        int desired = desiredReplicas(deployment);
        return status != null
                && Objects.equals(status.getObservedGeneration(), deployment.getMetadata().getGeneration())
                && orZero(status.getReplicas()) == desired
                && orZero(status.getUpdatedReplicas()) == desired
                && orZero(status.getReadyReplicas()) == desired
                && orZero(status.getAvailableReplicas()) == desired;
    }

    /** Writes the status a Deployment controller writes once all pods of the current template are ready. */
    static void markReady(KubernetesClient client, Deployment deployment, Instant time) {
        int desired = desiredReplicas(deployment);
        String now = time.toString();
        List<DeploymentCondition> conditions = List.of(
                new DeploymentConditionBuilder().withType("Available").withStatus("True")
                        .withReason("MinimumReplicasAvailable").withMessage("Deployment has minimum availability.")
                        .withLastUpdateTime(now).withLastTransitionTime(now).build(),
                new DeploymentConditionBuilder().withType("Progressing").withStatus("True")
                        .withReason("NewReplicaSetAvailable")
                        .withMessage("ReplicaSet \"" + deployment.getMetadata().getName() + "\" has successfully progressed.")
                        .withLastUpdateTime(now).withLastTransitionTime(now).build());
        deployment.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(desired).withUpdatedReplicas(desired).withReadyReplicas(desired)
                .withAvailableReplicas(desired).withConditions(conditions).build());
        // resourceVersion is the one just read: a write of the engine in between makes this a 409, retried later.
        client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace()).resource(deployment)
                .updateStatus();
    }

    private static int desiredReplicas(Deployment deployment) {
        Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    @Override
    public void close() {
        polling.cancel(false);
        if (watch != null) {
            watch.close();
        }
    }
}
