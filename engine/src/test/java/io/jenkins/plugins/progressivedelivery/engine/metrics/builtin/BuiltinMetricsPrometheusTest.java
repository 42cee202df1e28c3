package io.jenkins.plugins.progressivedelivery.engine.metrics.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.judge.Classification;
import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeRun;
import io.jenkins.plugins.progressivedelivery.engine.judge.MetricJudgement;
import io.jenkins.plugins.progressivedelivery.engine.judge.Verdict;
import io.jenkins.plugins.progressivedelivery.engine.metrics.MetricProvider;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.RequestMetricSpec;
import io.jenkins.plugins.progressivedelivery.testkit.LocalPrometheus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built-in queries and the judge against a real Prometheus holding Istio-shaped series ({@link IstioSeries}). */
class BuiltinMetricsPrometheusTest {
    private static final Instant AT = IstioSeries.T0.plus(Duration.ofMinutes(30));
    private static LocalPrometheus prometheus;
    private static ProviderMeasurementSource source;

    @BeforeAll
    static void start() {
        prometheus = LocalPrometheus.builder().backfill(IstioSeries.openMetrics()).start();
        source = new ProviderMeasurementSource(PrometheusAuth.none());
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    private static double instant(String query) throws Exception {
        MetricProvider provider = source.provider(new PrometheusSpec(prometheus.url(), null, null, null));
        MetricValue value = provider.query(query, AT);
        assertThat(value.values()).as(query).hasSize(1);
        return value.values().get(0);
    }

    private static CanaryPlan plan(String namespace, boolean baseline, String judge) {
        return PlanLoader.loadCanary("""
                target: {namespace: %s, deployment: web, container: web, image: web:2}
                traffic:
                  istio: {virtualService: web, stableService: web-stable, canaryService: web-canary}
                baseline: %s
                metrics:
                  prometheus: {address: '%s'}
                steps:
                  - setWeight: 10
                  - judge: %s
                """.formatted(namespace, baseline, prometheus.url(), judge), "plan.yaml");
    }

    private static JudgeRun.Outcome judge(CanaryPlan plan) {
        JudgeSpec spec = ((PlanStep.Judge) plan.steps().get(1)).judge();
        return new JudgeRun(plan, source).run(spec, AT);
    }

    @Test
    void theIstioQueriesReadTheDestinationReporterOfOneWorkload() throws Exception {
        MeshQueries istio = MeshQueries.istio("bad");
        assertThat(istio.successRate("web-canary", Duration.ofMinutes(10))).isEqualTo("100 * (sum(rate("
                + "istio_requests_total{reporter=\"destination\",destination_workload_namespace=\"bad\","
                + "destination_workload=\"web-canary\",response_code!~\"5..\"}[10m])) or vector(0)) / sum(rate("
                + "istio_requests_total{reporter=\"destination\",destination_workload_namespace=\"bad\","
                + "destination_workload=\"web-canary\"}[10m]))");

        // reporter="source" carries ten times the errors: reading it would give a much lower success rate.
        assertThat(instant(istio.successRate("web-canary", Duration.ofMinutes(10)))).isCloseTo(85, within(2.0));
        assertThat(instant(MeshQueries.istio("good").successRate("web", Duration.ofMinutes(10))))
                .isCloseTo(99.8, within(0.1));
        assertThat(instant(istio.latency(0.5, "web-canary", Duration.ofMinutes(10)))).isBetween(100.0, 250.0);
        assertThat(instant(istio.latency(0.99, "web", Duration.ofMinutes(10)))).isBetween(50.0, 100.0);
        assertThat(instant(istio.requestCount("web-canary", Duration.ofMinutes(2)))).isCloseTo(1200, within(150.0));
        assertThat(instant(MeshQueries.istio("good").requestCount("no-such-workload", Duration.ofMinutes(2))))
                .isZero();
    }

    @Test
    void anApplicationsOwnRequestMetricWorksTheSame() throws Exception {
        MeshQueries own = MeshQueries.requests(new RequestMetricSpec(null, null, null, null, "version",
                Map.of("canary", "canary"), Map.of("app", "web")), Map.of("canary", "web-canary", "stable", "web"));
        assertThat(own.successRate("web-canary", Duration.ofMinutes(10))).contains(
                "http_requests_total{app=\"web\",version=\"canary\",code!~\"5..\"}[10m]");
        assertThat(instant(own.successRate("web-canary", Duration.ofMinutes(10))))
                .isEqualTo(instant(MeshQueries.istio("good").successRate("web-canary", Duration.ofMinutes(10))));
    }

    @Test
    void aGoodCanaryPassesAgainstItsBaseline() {
        JudgeRun.Outcome outcome = judge(plan("good", true, "{metrics: [success-rate, latency-p99], window: 10m}"));

        assertThat(outcome.scorecard().verdict()).as(outcome.scorecard().message()).isEqualTo(Verdict.PASS);
        assertThat(outcome.scorecard().score()).isEqualTo(100.0);
        assertThat(outcome.controlWorkload()).isEqualTo("web-baseline");
        assertThat(outcome.scorecard().metrics()).allSatisfy(m -> {
            assertThat(m.canarySamples()).isEqualTo(20);
            assertThat(m.controlSamples()).isEqualTo(20);
        });
        assertThat(outcome.queries().get(0).control()).contains("destination_workload=\"web-baseline\"");
    }

    @Test
    void aBadCanaryFailsWithEveryMetricBad() {
        JudgeRun.Outcome outcome = judge(plan("bad", true,
                "{metrics: [success-rate, latency-p50, latency-p99], window: 10m}"));

        assertThat(outcome.scorecard().verdict()).isEqualTo(Verdict.FAIL);
        assertThat(outcome.scorecard().score()).isZero();
        MetricJudgement successRate = outcome.scorecard().metrics().get(0);
        assertThat(successRate.classification()).isEqualTo(Classification.LOW);
        assertThat(successRate.estimate()).isBetween(-17.0, -13.0);
        assertThat(successRate.pValue()).isLessThan(1e-6);
        assertThat(outcome.scorecard().metrics().get(1).classification()).isEqualTo(Classification.HIGH);
        assertThat(outcome.scorecard().metrics().get(2).classification()).isEqualTo(Classification.HIGH);
    }

    @Test
    void withoutABaselineTheStableIsTheControl() {
        JudgeRun.Outcome outcome = judge(plan("bad", false, "{metrics: [success-rate], window: 10m}"));

        assertThat(outcome.controlWorkload()).isEqualTo("web");
        assertThat(outcome.scorecard().control()).isEqualTo("stable");
        assertThat(outcome.scorecard().metrics().get(0).reason()).contains("vs stable");
    }

    @Test
    void tooLittleTrafficIsNotAPass() {
        JudgeRun.Outcome outcome = judge(plan("quiet", true, "{metrics: [success-rate], window: 2m}"));

        assertThat(outcome.scorecard().verdict()).isEqualTo(Verdict.NODATA);
        assertThat(outcome.canaryRequests()).isBetween(1L, 4L);
        assertThat(outcome.scorecard().message()).isEqualTo("canary saw " + outcome.canaryRequests()
                + " requests in 2m; at this traffic a canary cannot tell good from bad \u2014 raise the weight or"
                + " the window, or use blueGreenSwitch (minRequests 50)");
    }

    @Test
    void aCriticalMetricWithoutDataFailsTheCanary() {
        JudgeRun.Outcome outcome = judge(plan("good", true, "{metrics: [success-rate, {name: custom, critical: true,"
                + " direction: increase, query: 'sum(rate(no_such_metric{workload=\"{{workload}}\"}[{{window}}]))'}],"
                + " window: 10m}"));

        assertThat(outcome.scorecard().verdict()).isEqualTo(Verdict.FAIL);
        assertThat(outcome.scorecard().metrics().get(1).classification()).isEqualTo(Classification.NODATA);
        assertThat(outcome.scorecard().message()).contains("critical metric 'custom' was Nodata");
    }

    @Test
    void aGatesBuiltinMetricReadsTheRequestMetricOfTheWorkloadItNames() throws Exception {
        io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec spec = PlanLoader.loadAnalysis("""
                metrics: [{name: success-rate, min: 99, interval: 10m, count: 1, workload: web-canary}]
                """, "gate.yaml");
        RequestMetricSpec requests = new RequestMetricSpec(null, null, null, null, "version",
                null, Map.of("app", "web"));
        java.util.function.IntFunction<io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec> resolve =
                minRequests -> BuiltinThresholds.resolve(spec, BuiltinThresholds.Context.gate(new io.jenkins.plugins.progressivedelivery.engine.plan
                                .MeshMetricsSpec(new PrometheusSpec(prometheus.url(), null, null, null), requests,
                                minRequests), null)).spec().metrics().get(0);
        // the app labels its series version="canary": the workload label's value is the one the gate names
        io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec byVersion = BuiltinThresholds.resolve(
                PlanLoader.loadAnalysis("""
                        metrics: [{name: success-rate, min: 99, interval: 10m, count: 1, workload: canary}]
                        """, "gate.yaml"), BuiltinThresholds.Context.gate(
                        new io.jenkins.plugins.progressivedelivery.engine.plan.MeshMetricsSpec(
                                new PrometheusSpec(prometheus.url(), null, null, null), requests, null), null))
                .spec().metrics().get(0);

        MetricValue value = source.measure(byVersion, AT);
        assertThat(value.outcome()).isNull();
        assertThat(value.values().get(0)).isCloseTo(99.8, within(0.2));
        assertThat(io.jenkins.plugins.progressivedelivery.engine.analysis.Verdicts.assessMeasurement(
                io.jenkins.plugins.progressivedelivery.engine.analysis.Condition.compile(byVersion.successCondition(),
                        null), null, value).phase())
                .isEqualTo(io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase.SUCCESSFUL);

        // a workload with no series saw no requests: Inconclusive, never a pass
        MetricValue none = source.measure(resolve.apply(50), AT);
        assertThat(none.outcome()).isEqualTo(io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase
                .INCONCLUSIVE);
        assertThat(none.json()).startsWith("web-canary saw 0 requests in 10m; at this traffic a measurement cannot"
                + " tell good from bad");
    }
}
