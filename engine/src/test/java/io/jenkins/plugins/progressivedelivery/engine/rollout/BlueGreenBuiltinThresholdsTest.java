package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricResult;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Built-in metrics with a threshold in blue-green analyses measure the new colour. The backfilled application labels
 * its requests {@code app="checkout"} (0.2 % errors) and {@code app="broken"} (12 %); the request metric's
 * {@code workloads} says which colour is which, so the verdict shows which colour was measured.
 */
class BlueGreenBuiltinThresholdsTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();

    private static MockCluster cluster;
    private BlueGreenHarness harness;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void freshCluster() {
        harness = new BlueGreenHarness(cluster.reset()).withBlueInProduction();
    }

    /** Green is the new colour (blue is in production); {@code green} and {@code blue} are the apps' labels. */
    private static BlueGreenPlan plan(String green, String blue) {
        return PlanLoader.loadBlueGreen("""
                target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
                activeService: payments
                previewService: payments-preview
                autoPromotionSeconds: 0
                scaleDownDelaySeconds: 0
                metrics:
                  prometheus: {address: '%s'}
                  requests: {workloadLabel: app, workloads: {green: %s, blue: %s}}
                prePromotionAnalysis:
                  metrics: [{name: success-rate, min: 99, interval: 30s, count: 2}]
                postPromotionAnalysis:
                  metrics: [{name: success-rate, min: 99, interval: 30s, count: 2}]
                """.formatted(PROMETHEUS.url(), green, blue), "bluegreen.yaml");
    }

    @Test
    void aHealthyNewColourIsPromotedOnItsOwnSuccessRate() {
        RolloutResult result = harness.start(plan("checkout", "broken")).runToEnd();

        assertThat(result.phase()).as(String.join("\n", harness.log)).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.production()).isEqualTo("slot=green");
        assertThat(result.analyses()).extracting(AnalysisResult::phase)
                .containsExactly(AnalysisPhase.SUCCESSFUL, AnalysisPhase.SUCCESSFUL);
        MetricResult pre = result.analyses().get(0).metric("success-rate").orElseThrow();
        assertThat(pre.measurements().get(0).query()).contains("http_requests_total{app=\"checkout\"");
        assertThat(harness.logged(AuditAction.START, "built-in success-rate of payments-green in demo"
                + " (http_requests_total, window 30s) for analysis pre-promotion, passes when result[0] >= 99.0"))
                .isTrue();
    }

    @Test
    void aFailingNewColourIsStoppedBeforePromotionAndProductionStaysOnBlue() {
        RolloutResult result = harness.start(plan("broken", "checkout")).runToEnd();

        assertThat(result.phase()).as(String.join("\n", harness.log)).isNotEqualTo(RolloutPhase.PROMOTED);
        assertThat(result.analyses().get(0).name()).isEqualTo("pre-promotion");
        assertThat(result.analyses().get(0).phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(harness.production()).isEqualTo("slot=blue");
        assertThat(harness.writesTo(BlueGreenHarness.ACTIVE_SERVICE)).isEmpty();
    }
}
