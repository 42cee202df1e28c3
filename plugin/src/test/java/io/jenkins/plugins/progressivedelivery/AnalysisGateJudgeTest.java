package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.EnvVars;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeGateSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code analysisGate(judge: [...])}: two label sets judged without a rollout, as Pipeline binds the parameters and as
 * the step runs on the manual clock, with a measurement source that answers range queries with series in which the
 * experiment {@code checkout-canary} is six times slower than the control {@code checkout}.
 */
class AnalysisGateJudgeTest {
    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    private final FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
    /** Each query: its evaluation time and its PromQL, {@code range} or {@code instant}. */
    private final List<String> queries = new ArrayList<>();
    private final List<Instant> rangeEnds = new ArrayList<>();
    private final Harness harness = harness(Harness.START);

    private Harness harness(Instant start) {
        return new Harness(start, new FakeCluster("unused"), this::answer, (id, r) -> null);
    }

    private MetricValue answer(MetricSpec metric, Instant at) {
        var prometheus = metric.provider().prometheus();
        String query = prometheus.query();
        if (prometheus.rangeQuery() == null) {
            queries.add("instant " + query);
            return MetricValue.vector(List.of(1200.0));
        }
        queries.add("range " + query);
        rangeEnds.add(at);
        boolean experiment = query.contains("checkout-canary");
        List<Double> series = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            series.add(query.contains("histogram_quantile") ? (experiment ? 180.0 : 30.0) + i % 7
                    : 99.5 + (i % 5) * 0.1);
        }
        return MetricValue.vector(series);
    }

    private static Map<String, Object> judgeLiteral() {
        Map<String, Object> judge = new LinkedHashMap<>();
        judge.put("metrics", List.of("success-rate", Map.of("name", "latency-p99", "critical", true)));
        judge.put("control", Map.of("workload", "checkout", "namespace", "prod"));
        judge.put("experiment", Map.of("workload", "checkout-canary", "namespace", "prod"));
        judge.put("window", "10m");
        judge.put("confidence", new BigDecimal("0.95"));
        judge.put("prometheus", Map.of("address", "http://prometheus:9090", "timeout", "5s"));
        return judge;
    }

    private static AnalysisGateStep step(Map<String, Object> judge, boolean returnResult) {
        AnalysisGateStep step = Structs.instantiate(AnalysisGateStep.class, Map.of("name", "checkout", "judge", judge,
                "returnResult", returnResult));
        return step;
    }

    private AnalysisGateJudgeExecution start(AnalysisGateStep step) throws Exception {
        AnalysisGateJudgeExecution execution = new AnalysisGateJudgeExecution(step, context, harness.runtime);
        assertThat(execution.start()).isFalse();
        return execution;
    }

    @Test
    void theMapLiteralAndTheSymbolsBindToTheSameComparison() throws Exception {
        JudgeGateSpec literal = AnalysisGateJudgeExecution.spec(step(judgeLiteral(), false));
        JudgeGateSpec symbols = AnalysisGateJudgeExecution.spec(Structs.instantiate(AnalysisGateStep.class, Map.of(
                "name", "checkout", "judge", Structs.symbol("judgeComparison", Map.of(
                        "metrics", List.of(Structs.symbol("judgeMetric", Map.of("name", "success-rate")),
                                Structs.symbol("judgeMetric", Map.of("name", "latency-p99", "critical", true))),
                        "control", Structs.symbol("judgeSide", Map.of("workload", "checkout", "namespace", "prod")),
                        "experiment", Structs.symbol("judgeSide", Map.of("workload", "checkout-canary",
                                "namespace", "prod")),
                        "window", "10m", "confidence", 0.95, "address", "http://prometheus:9090",
                        "timeout", "5s")))));

        assertThat(symbols).isEqualTo(literal);
        assertThat(literal.control().workload()).isEqualTo("checkout");
        assertThat(literal.experiment().namespace()).isEqualTo("prod");
        assertThat(literal.judge().effectiveWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(literal.judge().metrics().get(1).effectiveCritical()).isTrue();

        Map<String, Object> labels = new LinkedHashMap<>(judgeLiteral());
        labels.put("control", Map.of("labels", Map.of("version", "v1", "app", "checkout")));
        labels.put("experiment", Structs.symbol("judgeSide", Map.of("labels", List.of(
                Structs.symbol("seriesLabel", Map.of("name", "version", "value", "v2")),
                Structs.symbol("seriesLabel", Map.of("name", "app", "value", "checkout"))))));
        JudgeGateSpec byLabels = AnalysisGateJudgeExecution.spec(step(labels, false));
        assertThat(byLabels.control().labels()).containsEntry("version", "v1").containsEntry("app", "checkout");
        assertThat(byLabels.experiment().labels()).containsEntry("version", "v2");
    }

    @Test
    void whatTheJudgeDoesNotGiveComesFromTheStepsBuiltinMetrics() throws Exception {
        Map<String, Object> judge = new LinkedHashMap<>(judgeLiteral());
        judge.remove("prometheus");
        AnalysisGateStep step = Structs.instantiate(AnalysisGateStep.class, Map.of("name", "checkout", "judge", judge,
                "builtinMetrics", Map.of("prometheus", Map.of("address", "http://shared:9090", "timeout", "7s"),
                        "minRequests", 2000, "requests", Map.of("workloadLabel", "version"))));

        JudgeGateSpec spec = AnalysisGateJudgeExecution.spec(step);

        assertThat(spec.judge().prometheus().address()).isEqualTo("http://shared:9090");
        assertThat(spec.judge().prometheus().effectiveTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(spec.judge().minRequests()).isEqualTo(2000);
        assertThat(spec.requests().workloadLabel()).isEqualTo("version");
        assertThat(AnalysisGateJudgeExecution.spec(step(judgeLiteral(), false)).judge().prometheus().address())
                .isEqualTo("http://prometheus:9090");
    }

    @Test
    void waitsForItsWindowWithoutAThreadThenReturnsTheScoreAndOneRowPerMetric() throws Exception {
        start(step(judgeLiteral(), true));
        harness.settle();
        assertThat(queries).isEmpty();
        assertThat(harness.io.pending()).isZero();
        assertThat(harness.scheduler.nextDueIn()).contains(Duration.ofMinutes(10));
        assertThat(context.completions()).isZero();

        harness.advance(Duration.ofMinutes(10));

        assertThat(queries).filteredOn(q -> q.startsWith("range ")).hasSize(4);
        assertThat(rangeEnds).containsOnly(Harness.START.plus(Duration.ofMinutes(10)));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.success();
        CanaryRolloutStepTest.assertOnlyJdkTypes(result);
        assertThat(result).containsEntry("name", "checkout").containsEntry("verdict", "Failed")
                .containsEntry("judgement", "Fail").containsEntry("score", 50.0)
                .containsEntry("control", "checkout (prod)").containsEntry("experimentRequests", 1200L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) result.get("metrics");
        assertThat(metrics).extracting(m -> m.get("name") + " " + m.get("classification"))
                .containsExactly("success-rate Pass", "latency-p99 High");
        assertThat(metrics.get(1)).containsEntry("critical", true).containsEntry("experimentSamples", 20)
                .containsEntry("controlSamples", 20).containsKeys("pValue", "estimate", "lower", "upper",
                        "effectSize");
        assertThat((Double) metrics.get(1).get("estimate")).isGreaterThan(100);

        assertThat(log.text()).contains("judge checkout compares the experiment checkout-canary (prod) with the"
                + " control checkout (prod) over 10m, a sample every 30s; the experiment served 1200 requests")
                .contains("judge checkout metric latency-p99 High (critical)")
                .contains("judge checkout Fail, score 50 against the control");
        DeliveryAction record = run.getAction(DeliveryAction.class);
        assertThat(record.getVerdict()).isEqualTo("Failed");
        assertThat(record.getJudgeHtml()).contains("<h3>Judge checkout: Fail, score 50 / 100")
                .contains("<td>latency-p99 (critical)</td><td>High</td>").contains("<svg");
    }

    @Test
    void aFailedJudgementFailsTheBuildUnlessOnlyTheResultIsWanted() throws Exception {
        start(step(judgeLiteral(), false));
        harness.advance(Duration.ofMinutes(10));

        assertThat(context.failure()).isInstanceOf(AbortException.class)
                .hasMessageContaining("analysisGate 'checkout': Failed: score 50, but critical metric 'latency-p99' was High, which fails the experiment whatever the score");
    }

    @Test
    void aJudgeWaitingForItsWindowResumesAfterARestartAndCollectsTheSameWindow() throws Exception {
        AnalysisGateJudgeExecution execution = start(step(judgeLiteral(), true));
        harness.advance(Duration.ofMinutes(4));
        byte[] programState = CanaryRolloutStepTest.serialise(execution);

        Harness restarted = harness(Harness.START.plus(Duration.ofMinutes(7)));
        AnalysisGateJudgeExecution restored = (AnalysisGateJudgeExecution) CanaryRolloutStepTest
                .deserialise(programState);
        restored.resume(restarted.runtime);
        restarted.settle();
        assertThat(queries).isEmpty();
        restarted.advance(Duration.ofMinutes(3));

        assertThat(rangeEnds).hasSize(4).containsOnly(Harness.START.plus(Duration.ofMinutes(10)));
        assertThat(context.success()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("judgement", "Fail");
        assertThat(log.text()).contains("resuming the judge 'checkout' after a restart");
    }

    @Test
    void badInputIsNamedByFieldBeforeAnythingIsQueried() throws Exception {
        Map<String, Object> judge = new LinkedHashMap<>(judgeLiteral());
        judge.put("control", Map.of("workload", "checkout"));
        start(step(judge, false));
        harness.settle();

        assertThat(context.failure()).isInstanceOf(AbortException.class)
                .hasMessageContaining("judge.control.namespace: is required with workload");
        assertThat(queries).isEmpty();

        AnalysisGateStep both = step(judgeLiteral(), false);
        both.setTemplate("success-rate");
        assertThatThrownBy(() -> AnalysisGateJudgeExecution.spec(both)).hasMessageContaining("give either judge:"
                + " [...] or metrics/template/templates/templateFile, not both");
        Map<String, Object> misspelt = new LinkedHashMap<>(judgeLiteral());
        misspelt.put("windw", "10m");
        assertThatThrownBy(() -> step(misspelt, false)).hasMessageContaining("unknown parameter 'windw'");
        Map<String, Object> side = new LinkedHashMap<>(judgeLiteral());
        side.put("control", Map.of("workload", "checkout", "namspace", "prod"));
        assertThatThrownBy(() -> step(side, false)).hasMessageContaining("unknown parameter 'namspace'");
    }
}
