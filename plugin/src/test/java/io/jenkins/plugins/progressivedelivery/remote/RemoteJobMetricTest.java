package io.jenkins.plugins.progressivedelivery.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import io.jenkins.plugins.progressivedelivery.engine.metrics.job.JobProvider;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code job} metric measured inside {@code node {}}: the measurement crosses a channel that serialises it as
 * remoting does, runs the Job with the rollout's cached client where it lands, and comes back with the Job's outcome.
 */
class RemoteJobMetricTest {
    private static final String NS = "demo";
    private final MockKubernetes cluster = new MockKubernetes();
    private final SerialisingAgent agent = new SerialisingAgent();
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        background.shutdownNow();
        cluster.close();
    }

    @Test
    void aJobMetricRunsOnTheAgentWithTheRolloutsClientAndReturnsTheJobsOutcome() throws Exception {
        MetricSpec smoke = smokeMetric();
        String session = UUID.randomUUID().toString();
        JobAccess jobs = new JobAccess(ClusterAccess.of(KubernetesConnection.token(cluster.url(), "agent-token",
                null)), session, NS);
        RemoteMeasurementSource source = new RemoteMeasurementSource(Where.agent(agent, "linux-1"),
                PrometheusAccess.ANONYMOUS, jobs);
        long builtBefore = KubeClientCache.shared().builds();

        MetricValue first = measureFinishingJob(source, smoke, Instant.parse("2026-12-04T20:00:00Z"), true);
        MetricValue second = measureFinishingJob(source, smoke, Instant.parse("2026-12-04T20:01:00Z"), false);

        assertThat(first.outcome()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(second.outcome()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(second.toString()).contains("BackoffLimitExceeded").doesNotContain("agent-token");
        assertThat(agent.calls()).as("each measurement crossed the channel").isEqualTo(2);
        assertThat(KubeClientCache.shared().builds() - builtBefore).as("one client for the session").isEqualTo(1);
        assertThat(jobs.toString()).doesNotContain("agent-token");
        KubeClientCache.shared().release(session);
    }

    @Test
    void withoutTheRolloutsClusterAJobMetricSaysWhatIsMissing() {
        RemoteMeasurementSource source = new RemoteMeasurementSource(Where.agent(agent, "linux-1"),
                PrometheusAccess.ANONYMOUS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> source.measure(smokeMetric(), Instant.now()))
                .hasMessageContaining("metric 'smoke' runs a Job, but no Kubernetes connection");
    }

    private MetricValue measureFinishingJob(RemoteMeasurementSource source, MetricSpec metric, Instant at,
                                            boolean complete) throws Exception {
        CompletableFuture<MetricValue> value = CompletableFuture.supplyAsync(() -> {
            try {
                return source.measure(metric, at);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, background);
        String name = "smoke-" + at.getEpochSecond();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Job job;
        while ((job = cluster.client.batch().v1().jobs().inNamespace(NS).withName(name).get()) == null) {
            assertThat(System.nanoTime()).as("Job " + name + " created").isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        assertThat(job.getMetadata().getLabels()).containsEntry(JobProvider.METRIC_LABEL, "smoke");
        job.setStatus(new JobStatusBuilder().withConditions(new JobConditionBuilder()
                .withType(complete ? "Complete" : "Failed").withStatus("True")
                .withReason(complete ? null : "BackoffLimitExceeded").build()).build());
        cluster.client.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();
        return value.get(20, TimeUnit.SECONDS);
    }

    private static MetricSpec smokeMetric() throws Exception {
        AnalysisSpec spec = PlanLoader.loadAnalysis("""
                metrics:
                - name: smoke
                  provider:
                    job:
                      spec:
                        backoffLimit: 0
                        template: {spec: {restartPolicy: Never, containers: [{name: t, image: "smoke:1"}]}}
                """, "test");
        return spec.metrics().get(0);
    }
}
