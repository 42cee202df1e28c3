package io.jenkins.plugins.progressivedelivery.engine.metrics.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisRun;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Measurement;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricResult;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Argo's job example templates against fabric8's mock API server: the test plays the Job controller, setting each
 * Job's status as Kubernetes would; the engine reads Complete as Successful and Failed as Failed.
 */
class JobProviderTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("argo.templates.dir",
            "../../shared/argo-analysis-templates"));
    private static final Instant T0 = Instant.parse("2026-02-01T08:00:00Z");
    private static MockCluster cluster;

    private final ManualScheduler scheduler = new ManualScheduler(T0);
    private final AuditTrail audit = new AuditTrail();
    private final List<AnalysisResult> completed = new CopyOnWriteArrayList<>();
    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final Set<String> handled = new HashSet<>();

    @BeforeAll
    static void startCluster() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void stopIo() {
        io.shutdownNow();
        cluster.reset();
    }

    /** Finishes every new Job of the metric: {@code outcomes} is consumed one per Job, true = Complete. */
    private void finishJobs(String metric, List<Boolean> outcomes) {
        for (Job job : cluster.client.batch().v1().jobs().inNamespace(MockCluster.NS).list().getItems()) {
            String name = job.getMetadata().getName();
            if (!metric.equals(job.getMetadata().getLabels().get(JobProvider.METRIC_LABEL)) || !handled.add(name)) {
                continue;
            }
            cluster.client.pods().inNamespace(MockCluster.NS).resource(new PodBuilder().withNewMetadata()
                    .withName(name + "-pod").withLabels(Map.of("job-name", name)).endMetadata().build()).create();
            boolean complete = outcomes.remove(0);
            job.setStatus(new JobStatusBuilder().withConditions(new JobConditionBuilder()
                    .withType(complete ? "Complete" : "Failed").withStatus("True")
                    .withReason(complete ? null : "BackoffLimitExceeded").build()).build());
            cluster.client.batch().v1().jobs().inNamespace(MockCluster.NS).resource(job).updateStatus();
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    @Test
    void argosPassAndRandomFailTemplatesRunAsKubernetesJobs() throws Exception {
        assumeTrue(Files.isDirectory(EXAMPLES), "Argo's example templates are not at " + EXAMPLES);
        AnalysisSpec spec = PlanLoader.loadAnalysis(Files.readString(EXAMPLES.resolve(
                "10-examples-job-pass-and-random-fail.yaml")), "10");
        ProviderMeasurementSource source = new ProviderMeasurementSource(PrometheusAuth.none())
                .withJobs(new JobProvider(cluster.client, MockCluster.NS));
        AnalysisRun run = AnalysisRun.start("jobs", spec, source, scheduler, io, audit, completed::add);
        List<Boolean> pass = new ArrayList<>(List.of(true));
        List<Boolean> randomFail = new ArrayList<>(List.of(false, true));

        scheduler.runDue();
        await(() -> {
            tryFinish(pass, randomFail);
            return handled.size() == 2;
        }, "the first two Jobs");
        await(() -> metricMeasured(run, "random-fail", 1), "the first batch");
        assertThat(run.result().metric("pass").orElseThrow().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(run.result().metric("random-fail").orElseThrow().failed()).isEqualTo(1);

        scheduler.advance(Duration.ofSeconds(5));
        await(() -> {
            tryFinish(pass, randomFail);
            return !completed.isEmpty();
        }, "the second Job of random-fail");

        // random-fail: 1 failed (within failureLimit 1) + 1 successful = count 2 reached: Successful
        assertThat(completed).extracting(AnalysisResult::phase).containsExactly(AnalysisPhase.SUCCESSFUL);
        MetricResult randomFailResult = run.result().metric("random-fail").orElseThrow();
        assertThat(randomFailResult.measurements()).extracting(Measurement::phase)
                .containsExactly(AnalysisPhase.FAILED, AnalysisPhase.SUCCESSFUL);
        assertThat(randomFailResult.measurements().get(0).value().toString())
                .contains("failed (BackoffLimitExceeded)");
        // the Jobs were deleted once read
        await(() -> cluster.client.batch().v1().jobs().inNamespace(MockCluster.NS).list().getItems().isEmpty(),
                "the Jobs to be deleted");
        assertThat(audit.events()).extracting(AuditEvent::toLogLine)
                .anyMatch(line -> line.startsWith("[measurement] metric random-fail: Job demo/random-fail-")
                        && line.contains("Failed"));
    }

    private void tryFinish(List<Boolean> pass, List<Boolean> randomFail) {
        if (!pass.isEmpty()) {
            finishJobs("pass", pass);
        }
        if (!randomFail.isEmpty()) {
            finishJobs("random-fail", randomFail);
        }
    }

    private static boolean metricMeasured(AnalysisRun run, String metric, int measured) {
        return run.result().metric(metric).map(MetricResult::measured).orElse(0) >= measured;
    }

}
