package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.EnvVars;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Built-in metrics with a threshold as Pipeline binds them in the three steps: the map literal
 * ({@code [name: 'success-rate', min: 99]}) and the symbol ({@code metric(name: 'success-rate', min: 99)}) give the
 * same plan, and bad input stops the step, naming the field, before anything reaches the cluster.
 */
class BuiltinThresholdParametersTest {

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> canary(Object analysisStep, Object background) {
        Map<String, Object> args = map("namespace", "shop", "deployment", "checkout", "container", "app",
                "image", "checkout:2", "virtualService", "checkout", "stableService", "checkout-stable",
                "canaryService", "checkout-canary",
                "metrics", map("prometheus", map("address", "http://prometheus:9090"), "minRequests", 20));
        args.put("steps", List.of(map("setWeight", 10), analysisStep));
        if (background != null) {
            args.put("analysis", background);
        }
        return args;
    }

    private static Map<String, Object> blueGreen(Object pre, Object post) {
        return map("namespace", "pay", "deployment", "payments", "container", "app", "image", "payments:2",
                "activeService", "payments", "previewService", "payments-preview",
                "metrics", map("prometheus", map("address", "http://prometheus:9090")),
                "prePromotionAnalysis", pre, "postPromotionAnalysis", post);
    }

    @Test
    void aCanaryStepAnalysisAndItsBackgroundAnalysisBindFromTheLiteralAndTheSymbol() throws Exception {
        CanaryPlan literal = Structs.instantiate(CanaryRolloutStep.class, canary(
                map("analysis", map("metrics", List.of(map("name", "success-rate", "min", 99, "interval", "1m",
                        "count", 3, "failureLimit", 1)))),
                map("startingStep", 1, "metrics", List.of(map("name", "checkout-p99", "builtin", "latency-p99",
                        "max", 500, "interval", "1m"))))).loadPlan(null);
        CanaryPlan symbols = Structs.instantiate(CanaryRolloutStep.class, canary(
                Structs.symbol("analysis", map("metrics", List.of(Structs.symbol("metric", map("name",
                        "success-rate", "min", 99.0, "interval", "1m", "count", 3, "failureLimit", 1))))),
                Structs.symbol("backgroundAnalysis", map("startingStep", 1, "metrics", List.of(Structs.symbol(
                        "metric", map("name", "checkout-p99", "builtin", "latency-p99", "max", 500.0,
                                "interval", "1m"))))))).loadPlan(null);

        assertThat(symbols).isEqualTo(literal);
        MetricSpec successRate = ((PlanStep.Analysis) literal.steps().get(1)).analysis().metrics().get(0);
        assertThat(successRate.min()).isEqualTo(99.0);
        assertThat(successRate.builtinName()).isEqualTo("success-rate");
        assertThat(successRate.effectiveFailureLimit()).isEqualTo(1);
        assertThat(successRate.interval()).isEqualTo(Duration.ofMinutes(1));
        MetricSpec latency = literal.analysis().metrics().get(0);
        assertThat(latency.builtinName()).isEqualTo("latency-p99");
        assertThat(latency.max()).isEqualTo(500.0);
        assertThat(literal.metrics().effectiveMinRequests()).isEqualTo(20);
    }

    @Test
    void blueGreensAnalysesBindFromTheLiteralAndTheSymbol() throws Exception {
        Map<String, Object> pre = map("metrics", List.of(map("name", "success-rate", "min", 99.5)));
        Map<String, Object> post = map("metrics", List.of(map("name", "latency-p90", "max", 300, "interval", "1m",
                "count", 5)));
        BlueGreenPlan literal = Structs.instantiate(BlueGreenSwitchStep.class, blueGreen(pre, post)).loadPlan(null);
        BlueGreenPlan symbols = Structs.instantiate(BlueGreenSwitchStep.class, blueGreen(
                map("metrics", List.of(Structs.symbol("metric", map("name", "success-rate", "min", 99.5)))),
                map("metrics", List.of(Structs.symbol("metric", map("name", "latency-p90", "max", 300,
                        "interval", "1m", "count", 5)))))).loadPlan(null);

        assertThat(symbols).isEqualTo(literal);
        assertThat(literal.prePromotionAnalysis().metrics().get(0).min()).isEqualTo(99.5);
        assertThat(literal.postPromotionAnalysis().metrics().get(0).max()).isEqualTo(300.0);
        assertThat(literal.metrics().prometheus().address()).isEqualTo("http://prometheus:9090");
    }

    @Test
    void badInputStopsTheStepNamingTheField() {
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, canary(map("analysis", map("metrics",
                List.of(map("name", "success-rate", "min", 120)))), null)).loadPlan(null))
                .hasMessageContaining("steps[1].analysis.metrics[0].min: 120.0 is not a percentage; use 0 to 100");
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, canary(map("analysis", map("metrics",
                List.of(map("name", "latency-p99", "min", 100)))), null)).loadPlan(null))
                .hasMessageContaining("steps[1].analysis.metrics[0].min: latency-p99 is a latency in milliseconds");
        assertThatThrownBy(() -> Structs.instantiate(BlueGreenSwitchStep.class, blueGreen(
                map("metrics", List.of(map("name", "error-rate", "max", 1))),
                map("metrics", List.of(map("name", "success-rate", "min", 99))))).loadPlan(null))
                .hasMessageContaining("prePromotionAnalysis.metrics[0].name: 'error-rate' is not a built-in metric");
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, canary(map("analysis", map("metrics",
                List.of(map("name", "success-rate", "minimum", 99)))), null)))
                .hasMessageContaining("unknown parameter 'minimum'");
    }

    // ---- analysisGate against the fakes --------------------------------------------------------------------------

    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    private final FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
    private final List<String> queries = new ArrayList<>();
    private final Harness harness = new Harness(new FakeCluster("unused"), (metric, at) -> {
        queries.add(metric.provider().prometheus().query());
        return MetricValue.vector(List.of(99.7));
    }, (id, r) -> null);

    private static AnalysisGateStep gate(Object metric) {
        return Structs.instantiate(AnalysisGateStep.class, map("name", "checkout-health", "metrics", List.of(metric),
                "builtinMetrics", map("prometheus", map("address", "http://prometheus:9090"))));
    }

    @Test
    void analysisGateMeasuresTheWorkloadItsBuiltinMetricNames() throws Exception {
        AnalysisGateStep literal = gate(map("name", "success-rate", "min", 99, "workload", "checkout",
                "namespace", "prod", "interval", "1m", "count", 2));
        AnalysisGateStep symbol = gate(Structs.symbol("metric", map("name", "success-rate", "min", 99.0,
                "workload", "checkout", "namespace", "prod", "interval", "1m", "count", 2)));
        AnalysisSpec spec = literal.loadSpec(null);
        assertThat(symbol.loadSpec(null)).isEqualTo(spec);
        assertThat(spec.metrics().get(0).successCondition()).isEqualTo("result[0] >= 99.0");

        AnalysisGateStep.Execution execution = new AnalysisGateStep.Execution(literal, context, harness.runtime);
        assertThat(execution.start()).isFalse();
        harness.advance(Duration.ofMinutes(2));

        assertThat(queries).hasSize(2).allSatisfy(query -> assertThat(query).contains(
                "destination_workload_namespace=\"prod\",destination_workload=\"checkout\"", "[1m]"));
        assertThat(context.success()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "Successful");
        assertThat(log.text()).contains("metric success-rate: built-in success-rate of checkout in prod (istio,"
                + " window 1m) for analysis checkout-health, passes when result[0] >= 99.0: 100 * (sum(rate(");
    }

    @Test
    void analysisGateRefusesABuiltinMetricWithoutAWorkload() {
        AnalysisGateStep step = gate(map("name", "success-rate", "min", 99, "namespace", "prod"));
        assertThatThrownBy(() -> step.loadSpec(null)).isInstanceOf(AbortException.class)
                .hasMessageContaining("metrics[0].workload: is missing: analysisGate has no Deployment of its own");
        assertThat(queries).isEmpty();
    }
}
