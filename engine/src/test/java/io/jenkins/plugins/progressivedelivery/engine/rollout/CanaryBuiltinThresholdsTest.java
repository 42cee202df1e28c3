package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Measurement;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricResult;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.IstioSeries;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.testkit.LocalPrometheus;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Built-in metrics with a threshold in canary analyses ({@code {name: success-rate, min: 99}}), measured in a real
 * Prometheus holding Istio-shaped series ({@link IstioSeries}): in namespace {@code demo} the canary succeeds 99.8 %
 * of the time but is six times slower than its stable; in {@code bad} it fails 15 % of its requests; in
 * {@code quiet} it serves a request every minute.
 */
class CanaryBuiltinThresholdsTest {
    private static MockCluster cluster;
    private static LocalPrometheus prometheus;
    private RolloutHarness harness;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start();
        prometheus = LocalPrometheus.builder().backfill(IstioSeries.openMetrics()).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
        prometheus.close();
    }

    @BeforeEach
    void freshCluster() {
        harness = new RolloutHarness(cluster.reset()).withHostSplit();
    }

    private static CanaryPlan plan(String extra, String steps) {
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 0s
                metrics:
                  prometheus: {address: '%s'}
                %s
                steps:
                %s
                """.formatted(prometheus.url(), extra, steps.indent(2)), "canary.yaml");
    }

    @Test
    void aHealthyCanaryIsPromotedBySuccessRateMin99() {
        RolloutResult result = harness.start(plan("", """
                - setWeight: 10
                - analysis: {metrics: [{name: success-rate, min: 99, interval: 1m, count: 2}]}
                - setWeight: 40
                """)).runToEnd();

        assertThat(result.phase()).as(String.join("\n", harness.log)).isEqualTo(RolloutPhase.PROMOTED);
        MetricResult metric = result.analyses().get(0).metric("success-rate").orElseThrow();
        assertThat(metric.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(metric.successful()).isEqualTo(2);
        String query = "100 * (sum(rate(istio_requests_total{reporter=\"destination\","
                + "destination_workload_namespace=\"demo\",destination_workload=\"web-canary\",response_code!~\"5..\"}"
                + "[1m])) or vector(0)) / sum(rate(istio_requests_total{reporter=\"destination\","
                + "destination_workload_namespace=\"demo\",destination_workload=\"web-canary\"}[1m]))";
        // the resolved PromQL is in the record of every measurement, and logged once when the analysis starts
        assertThat(metric.measurements()).extracting(Measurement::query).containsOnly(query);
        List<AuditEvent> starts = harness.trail.events().stream().filter(e -> e.action() == AuditAction.START
                && "success-rate".equals(e.details().get("builtin"))).toList();
        assertThat(starts).singleElement().satisfies(e -> {
            assertThat(e.toLogLine()).isEqualTo("[start] metric success-rate: built-in success-rate of web-canary"
                    + " in demo (istio, window 1m) for analysis step-2, passes when result[0] >= 99.0: " + query
                    + " (fewer than 50 requests in 1m make a measurement Inconclusive)");
            assertThat(e.details()).containsEntry("query", query).containsEntry("requestsQuery",
                    "sum(increase(istio_requests_total{reporter=\"destination\",destination_workload_namespace="
                            + "\"demo\",destination_workload=\"web-canary\"}[1m])) or vector(0)");
        });
    }

    @Test
    void aFailingCanaryIsRolledBackBySuccessRateMin99() {
        RolloutResult result = harness.start(plan("", """
                - setWeight: 10
                - analysis: {metrics: [{name: success-rate, min: 99, namespace: bad, interval: 1m, count: 3,
                    failureLimit: 1}]}
                - setWeight: 40
                """)).runToEnd();

        assertThat(result.phase()).as(String.join("\n", harness.log)).isEqualTo(RolloutPhase.ROLLED_BACK);
        MetricResult metric = result.analyses().get(0).metric("success-rate").orElseThrow();
        assertThat(metric.phase()).isEqualTo(AnalysisPhase.FAILED);
        // failureLimit 1: Argo's rule, unchanged: the second failed measurement fails the metric
        assertThat(metric.failed()).isEqualTo(2);
        assertThat(result.message()).startsWith("rolled back: analysis step-2 was Failed");
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(harness.image("web")).isEqualTo("web:1.0");
    }

    @Test
    void tooLittleTrafficIsInconclusiveNotAPass() {
        RolloutResult result = harness.start(plan("onInconclusive: abort", """
                - setWeight: 10
                - analysis: {metrics: [{name: success-rate, min: 99, namespace: quiet}]}
                - setWeight: 40
                """)).runToEnd();

        MetricResult metric = result.analyses().get(0).metric("success-rate").orElseThrow();
        assertThat(metric.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        Measurement measurement = metric.measurements().get(0);
        assertThat(measurement.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        assertThat(measurement.message()).matches("canary saw [0-4] requests in 1m; at this traffic a canary cannot"
                + " tell good from bad \u2014 raise the weight or the window, or use blueGreenSwitch \\(minRequests"
                + " 50\\)");
        assertThat(result.phase()).isNotEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void aBackgroundAnalysisWithALatencyCeilingRollsTheSlowCanaryBack() {
        RolloutResult result = harness.start(plan("""
                analysis:
                  metrics: [{name: latency-p99, max: 250, interval: 1m}]
                """, """
                - setWeight: 10
                - pause: 5m
                - setWeight: 40
                """)).runToEnd();

        assertThat(result.phase()).as(String.join("\n", harness.log)).isEqualTo(RolloutPhase.ROLLED_BACK);
        MetricResult metric = result.analyses().get(0).metric("latency-p99").orElseThrow();
        assertThat(metric.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(metric.measurements().get(0).query()).isEqualTo("histogram_quantile(0.99, sum by (le) (rate("
                + "istio_request_duration_milliseconds_bucket{reporter=\"destination\",destination_workload_namespace="
                + "\"demo\",destination_workload=\"web-canary\"}[1m])))");
        assertThat(harness.logged(AuditAction.START, "built-in latency-p99 of web-canary in demo (istio, window 1m)"
                + " for analysis background, passes when result[0] <= 250.0")).isTrue();
    }
}
