package io.jenkins.plugins.progressivedelivery.engine.metrics.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.MeshMetricsSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.RequestMetricSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Built-in metrics with a threshold: what a plan may say, and the ordinary metric each becomes. */
class BuiltinThresholdsTest {
    private static final String CANARY = """
            target: {namespace: shop, deployment: checkout, container: app, image: "checkout:2"}
            traffic:
              istio: {virtualService: checkout, stableService: checkout-stable, canaryService: checkout-canary}
            metrics:
              prometheus: {address: 'http://prometheus:9090'}
            steps:
              - setWeight: 10
              - analysis: {metrics: [%s]}
            """;

    private static InvalidPlanException invalid(String metric) {
        return (InvalidPlanException) org.assertj.core.api.Assertions.catchThrowable(
                () -> PlanLoader.loadCanary(CANARY.formatted(metric), "plan.yaml"));
    }

    private static void assertRefused(String metric, String path, String message) {
        InvalidPlanException e = invalid(metric);
        assertThat(e).as(metric).isNotNull();
        assertThat(e.errors()).as(metric).anySatisfy(error -> {
            assertThat(error.path()).isEqualTo(path);
            assertThat(error.message()).contains(message);
        });
    }

    @Test
    void badInputIsRefusedWithTheFieldNamed() {
        assertRefused("{name: succes-rate, min: 99}", "steps[1].analysis.metrics[0].name",
                "'succes-rate' is not a built-in metric; use one of success-rate, latency-p50, latency-p90,"
                        + " latency-p99");
        assertRefused("{name: errors, builtin: error-rate, min: 99}", "steps[1].analysis.metrics[0].builtin",
                "'error-rate' is not a built-in metric");
        assertRefused("{name: latency-p99, min: 200}", "steps[1].analysis.metrics[0].min",
                "latency-p99 is a latency in milliseconds, where lower is better: give its highest acceptable value"
                        + " as max (e.g. max: 500), not min");
        assertRefused("{name: success-rate, max: 1}", "steps[1].analysis.metrics[0].max", "give its lowest"
                + " acceptable value as min (e.g. min: 99)");
        assertRefused("{name: success-rate}", "steps[1].analysis.metrics[0].min", "is missing: 'success-rate' is"
                + " the built-in metric success-rate and needs a threshold, min: 99");
        assertRefused("{name: latency-p90, interval: 1m, count: 3}", "steps[1].analysis.metrics[0].max",
                "needs a threshold, max: 500");
        assertRefused("{name: success-rate, min: 99.5e1}", "steps[1].analysis.metrics[0].min", "995.0 is not a"
                + " percentage; use 0 to 100");
        assertRefused("{name: latency-p50, max: 0}", "steps[1].analysis.metrics[0].max", "is not a latency");
        assertRefused("{name: success-rate, min: 99, successCondition: 'result[0] > 1'}",
                "steps[1].analysis.metrics[0].successCondition", "a built-in metric's condition is its min or max");
        assertRefused("{name: success-rate, min: 99, provider: {prometheus: {address: 'http://p:9090', query: up}}}",
                "steps[1].analysis.metrics[0].provider.prometheus.query", "a built-in metric builds its own query");
        assertRefused("{name: success-rate, min: 99, interval: 1m}", "steps[1].analysis.metrics[0].count",
                "is required: an analysis step must end");
        assertRefused("{name: errors, workload: checkout, provider: {prometheus: {address: 'http://p:9090', query:"
                + " up}}, successCondition: 'result[0] == 1'}", "steps[1].analysis.metrics[0].workload",
                "only a built-in metric (with min or max) takes a workload");
    }

    @Test
    void aPlanWithoutAPrometheusForItsBuiltinsIsRefused() {
        assertThatThrownBy(() -> PlanLoader.loadCanary(CANARY.formatted("{name: success-rate, min: 99}")
                .replace("metrics:\n  prometheus: {address: 'http://prometheus:9090'}\n", ""), "plan.yaml"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("steps[1].analysis.metrics[0].provider.prometheus.address: is missing:"
                        + " built-in metric 'success-rate' needs a Prometheus; set the plan's metrics.prometheus");
        // its own address is enough
        PlanLoader.loadCanary(CANARY.formatted("{name: success-rate, min: 99, provider: {prometheus: {address:"
                + " 'http://other:9090'}}}").replace("metrics:\n  prometheus: {address: 'http://prometheus:9090'}\n",
                ""), "plan.yaml");
    }

    @Test
    void aBlueGreenAnalysisMeasuresTheNewColour() {
        BlueGreenPlan plan = PlanLoader.loadBlueGreen("""
                target: {namespace: shop, deployment: payments, container: app, image: "payments:2"}
                activeService: payments
                previewService: payments-preview
                metrics:
                  prometheus: {address: 'http://prometheus:9090'}
                  minRequests: 20
                prePromotionAnalysis:
                  metrics: [{name: success-rate, min: 99.5}, {name: p99, builtin: latency-p99, max: 300}]
                """, "bg.yaml");

        BuiltinThresholds.Resolution resolution = BuiltinThresholds.resolve(plan.prePromotionAnalysis(),
                BuiltinThresholds.Context.blueGreen(plan, Colour.GREEN, true));

        MetricSpec successRate = resolution.spec().metrics().get(0);
        assertThat(successRate.successCondition()).isEqualTo("result[0] >= 99.5");
        assertThat(successRate.provider().prometheus().address()).isEqualTo("http://prometheus:9090");
        assertThat(successRate.provider().prometheus().query()).contains("destination_workload=\"payments-green\"",
                "destination_workload_namespace=\"shop\"", "[1m]");
        assertThat(successRate.declaresBuiltin()).isFalse();
        assertThat(successRate.minimumTraffic().requests()).isEqualTo(20);
        assertThat(successRate.minimumTraffic().message(3)).isEqualTo("the new colour green (payments-green) saw 3"
                + " requests in 1m; at this traffic a measurement cannot tell good from bad \u2014 send test traffic to"
                + " the preview service or lengthen the interval (minRequests 20)");
        MetricSpec latency = resolution.spec().metrics().get(1);
        assertThat(latency.name()).isEqualTo("p99");
        assertThat(latency.successCondition()).isEqualTo("result[0] <= 300.0");
        assertThat(latency.provider().prometheus().query()).startsWith("histogram_quantile(0.99, sum by (le) (rate("
                + "istio_request_duration_milliseconds_bucket{");
        assertThat(resolution.events("pre-promotion", java.time.Instant.EPOCH)).hasSize(2);

        // without Istio: the request metric's label value for the new colour
        BlueGreenPlan own = PlanLoader.loadBlueGreen("""
                target: {namespace: shop, deployment: payments, container: app, image: "payments:2"}
                activeService: payments
                previewService: payments-preview
                metrics:
                  prometheus: {address: 'http://prometheus:9090'}
                  requests: {workloadLabel: colour, workloads: {blue: b, green: g}, labels: {app: payments}}
                postPromotionAnalysis:
                  metrics: [{name: success-rate, min: 99.5}]
                """, "bg.yaml");
        assertThat(BuiltinThresholds.resolve(own.postPromotionAnalysis(),
                BuiltinThresholds.Context.blueGreen(own, Colour.GREEN, false)).spec().metrics().get(0).provider()
                .prometheus().query()).contains("http_requests_total{app=\"payments\",colour=\"g\"}[1m]");
    }

    @Test
    void theGateNamesItsWorkloadAndTheRequestMetricMayStandInForIstio() {
        AnalysisSpec spec = PlanLoader.loadAnalysis("""
                metrics:
                  - {name: success-rate, min: 99, interval: 2m, count: 3}
                """, "gate.yaml");
        MeshMetricsSpec istio = new MeshMetricsSpec(new PrometheusSpec("http://prometheus:9090", null, null, null),
                null, 0);
        assertThatThrownBy(() -> BuiltinThresholds.resolve(spec, BuiltinThresholds.Context.gate(istio, "prod")))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("metrics[0].workload: is missing: analysisGate has no Deployment of its own,"
                        + " so built-in metric 'success-rate' must say whose requests it measures, e.g. workload:"
                        + " 'checkout'");

        AnalysisSpec named = PlanLoader.loadAnalysis("""
                metrics:
                  - {name: success-rate, min: 99, interval: 2m, count: 3, workload: checkout}
                """, "gate.yaml");
        MeshMetricsSpec own = new MeshMetricsSpec(new PrometheusSpec("http://prometheus:9090", null, null, null),
                new RequestMetricSpec(null, null, null, null, "service", null, Map.of("env", "prod")), null);
        MetricSpec resolved = BuiltinThresholds.resolve(named, BuiltinThresholds.Context.gate(own, null)).spec()
                .metrics().get(0);
        assertThat(resolved.provider().prometheus().query()).isEqualTo("100 * (sum(rate(http_requests_total{"
                + "env=\"prod\",service=\"checkout\",code!~\"5..\"}[2m])) or vector(0)) / sum(rate(http_requests_total{"
                + "env=\"prod\",service=\"checkout\"}[2m]))");
        assertThat(resolved.minimumTraffic().query()).isEqualTo("sum(increase(http_requests_total{env=\"prod\","
                + "service=\"checkout\"}[2m])) or vector(0)");
        // minRequests 0 turns the guard off
        assertThat(BuiltinThresholds.resolve(PlanLoader.loadAnalysis("""
                metrics: [{name: success-rate, min: 99, workload: checkout}]
                """, "gate.yaml"), BuiltinThresholds.Context.gate(istio, "prod")).spec().metrics().get(0)
                .minimumTraffic()).isNull();
    }

    @Test
    void theResolvedAnalysisSurvivesTheRecordAndARestart() throws Exception {
        CanaryPlan plan = PlanLoader.loadCanary(CANARY.formatted("{name: success-rate, min: 99, interval: 1m,"
                + " count: 3}"), "plan.yaml");
        AnalysisSpec resolved = BuiltinThresholds.resolve(((PlanStep.Analysis) plan.steps().get(1)).analysis(),
                BuiltinThresholds.Context.canary(plan)).spec();

        String json = EngineJson.JSON.writeValueAsString(resolved);
        assertThat(json).contains("\"minimumTraffic\"", "\"window\":\"1m\"").doesNotContain("\"min\":");
        assertThat(EngineJson.JSON.readValue(json, AnalysisSpec.class)).isEqualTo(resolved);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(resolved);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(resolved);
        }
        // an ordinary metric now: it validates as one
        assertThat(io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation.validate(resolved, "",
                true)).isEmpty();
    }

    @Test
    void aMetricOfYourOwnIsUntouched() {
        AnalysisSpec spec = PlanLoader.loadAnalysis("""
                metrics:
                  - name: success-rate
                    successCondition: result[0] >= 0.99
                    provider: {prometheus: {address: 'http://p:9090', query: 'my_success_ratio'}}
                """, "own.yaml");
        BuiltinThresholds.Resolution resolution = BuiltinThresholds.resolve(spec,
                BuiltinThresholds.Context.gate(null, "prod"));
        assertThat(resolution.spec()).isEqualTo(spec);
        assertThat(resolution.builtins()).isEmpty();
    }

    @Test
    void thresholdsAreDoubleLiteralsInBothConditionLanguages() {
        assertThat(BuiltinThresholds.number(99)).isEqualTo("99.0");
        assertThat(BuiltinThresholds.number(99.95)).isEqualTo("99.95");
        assertThat(BuiltinThresholds.number(1500)).isEqualTo("1500.0");
    }
}
