package io.jenkins.plugins.progressivedelivery.engine.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.IstioSeries;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.CountingProxy;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeGateSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import io.jenkins.plugins.progressivedelivery.testkit.LocalPrometheus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code analysisGate}'s judge: two label sets compared over a window without a rollout, against a real Prometheus
 * holding Istio-shaped series ({@link IstioSeries}), behind a proxy that counts the HTTP requests.
 */
class JudgeGateTest {
    private static final Instant START = IstioSeries.T0.plus(Duration.ofMinutes(5));
    private static LocalPrometheus prometheus;
    private static CountingProxy proxy;

    private final ManualScheduler scheduler = new ManualScheduler(START);
    private final List<AuditEvent> events = new ArrayList<>();
    private final AtomicReference<JudgeGate.Result> result = new AtomicReference<>();
    private final ProviderMeasurementSource source = new ProviderMeasurementSource(PrometheusAuth.none());

    @BeforeAll
    static void start() throws Exception {
        prometheus = LocalPrometheus.builder().backfill(IstioSeries.openMetrics()).start();
        proxy = new CountingProxy(prometheus.url());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        prometheus.close();
    }

    @BeforeEach
    void fresh() {
        proxy.clear();
    }

    private static Map<String, Object> side(String workload, String namespace) {
        Map<String, Object> side = new LinkedHashMap<>();
        side.put("workload", workload);
        side.put("namespace", namespace);
        return side;
    }

    private static JudgeGateSpec spec(Map<String, Object> judge, Object control, Object experiment) {
        Map<String, Object> withPrometheus = new LinkedHashMap<>(judge);
        withPrometheus.putIfAbsent("prometheus", Map.of("address", proxy.url()));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("judge", withPrometheus);
        map.put("control", control);
        map.put("experiment", experiment);
        return PlanLoader.judgeGateFromMap(map, "analysisGate");
    }

    private JudgeGate start(JudgeGateSpec spec) {
        return JudgeGate.start("checkout", spec, source, scheduler, Runnable::run, events::add, result::set);
    }

    private AuditEvent verdict() {
        return events.stream().filter(e -> e.action() == AuditAction.VERDICT && e.details().containsKey("verdict"))
                .findFirst().orElseThrow();
    }

    @Test
    void waitsForItsWindowThenJudgesTheExperimentAgainstTheControlWithTwoRangeQueriesPerMetric() {
        start(spec(Map.of("metrics", List.of("success-rate", "latency-p99"), "window", "10m"),
                side("web-baseline", "bad"), side("web-canary", "bad")));

        scheduler.runDue();
        assertThat(result.get()).isNull();
        assertThat(proxy.requests()).isEmpty();
        assertThat(events.get(0).toLogLine()).contains("judge checkout compares the experiment web-canary (bad)"
                + " with the control web-baseline (bad) over 10m, collected at 2026-01-01T00:15:00Z");

        scheduler.advance(Duration.ofMinutes(10));

        JudgeGate.Result judged = result.get();
        assertThat(judged.analysis().phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(judged.analysis().message()).contains("; the experiment was compared with the control");
        assertThat(judged.outcome().scorecard().score()).isZero();
        assertThat(judged.outcome().scorecard().metrics()).extracting(MetricJudgement::classification)
                .containsExactly(Classification.LOW, Classification.HIGH);
        assertThat(judged.outcome().scorecard().metrics().get(1).reason()).contains("experiment median")
                .contains(" vs control ");
        assertThat(verdict().time()).isEqualTo(START.plus(Duration.ofMinutes(10)));
        assertThat(proxy.to("/api/v1/query_range")).hasSize(4);
        assertThat(proxy.to("/api/v1/query")).hasSize(1);
        assertThat(proxy.to("/api/v1/query_range")).filteredOn(r -> r.form().contains(
                "destination_workload_namespace=\"bad\",destination_workload=\"web-baseline\"")).hasSize(2);
        assertThat(events).extracting(AuditEvent::toLogLine).anySatisfy(line -> assertThat(line).contains(
                "judge checkout compares the experiment web-canary (bad) with the control web-baseline (bad) over"
                        + " 10m, a sample every 30s; the experiment served")).noneSatisfy(line -> assertThat(line)
                .contains("biased"));
    }

    @Test
    void twoEqualWorkloadsPassAndBareLabelSetsWorkToo() {
        Map<String, Object> control = Map.of("labels", Map.of("destination_workload", "web-baseline",
                "destination_workload_namespace", "good"));
        Map<String, Object> experiment = Map.of("labels", Map.of("destination_workload", "web-canary",
                "destination_workload_namespace", "good"));
        start(spec(Map.of("metrics", List.of("success-rate", "latency-p99"), "window", "10m"), control,
                experiment));
        scheduler.advance(Duration.ofMinutes(10));

        assertThat(result.get().analysis().phase()).as(result.get().analysis().message())
                .isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(result.get().outcome().scorecard().score()).isEqualTo(100.0);
        assertThat(result.get().outcome().controlWorkload())
                .isEqualTo("{destination_workload=\"web-baseline\",destination_workload_namespace=\"good\"}");
    }

    @Test
    void pointsThatAreNotNumbersAreRemovedAndASideWithoutSeriesIsNodata() {
        // one request a minute: in most 30s windows there is no request, and the latency quantile is NaN
        start(spec(Map.of("metrics", List.of("latency-p50", Map.of("name", "absent", "direction", "increase",
                "query", "sum(rate(no_such_metric{{{labels}}}[{{window}}]))")), "window", "10m", "minRequests", 0,
                "minSamples", 15), side("web-baseline", "quiet"), side("web-canary", "quiet")).withRetrospective());
        scheduler.runDue();

        MetricJudgement latency = result.get().outcome().scorecard().metrics().get(0);
        assertThat(latency.classification()).isEqualTo(Classification.NODATA);
        assertThat(latency.canarySamples()).isBetween(1, 19);
        assertThat(latency.canaryValues()).allSatisfy(v -> assertThat(v).isFinite());
        assertThat(latency.reason()).startsWith("too few samples to compare: experiment " + latency.canarySamples());
        MetricJudgement absent = result.get().outcome().scorecard().metrics().get(1);
        assertThat(absent.classification()).isEqualTo(Classification.NODATA);
        assertThat(absent.reason()).isEqualTo("the experiment has no samples in the window");
        assertThat(proxy.to("/api/v1/query_range")).filteredOn(r -> r.form().contains("no_such_metric{reporter="
                + "\"destination\",destination_workload_namespace=\"quiet\",destination_workload=\"web-canary\"}"))
                .hasSize(1);
    }

    @Test
    void retrospectiveJudgesTheWindowThatEndedAtOnce() {
        start(spec(Map.of("metrics", List.of("latency-p50"), "window", "5m"), side("web-baseline", "bad"),
                side("web-canary", "bad")).withRetrospective());
        scheduler.runDue();

        assertThat(result.get().analysis().phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(verdict().time()).isEqualTo(START);
        assertThat(proxy.to("/api/v1/query_range")).allSatisfy(r -> assertThat(r.form())
                .contains("&end=" + START.getEpochSecond() + ".000&"));
    }

    @Test
    void aGateWaitingForItsWindowResumesAfterARestartAndCollectsTheSameWindow() throws Exception {
        JudgeGate gate = start(spec(Map.of("metrics", List.of("success-rate"), "window", "10m"),
                side("web-baseline", "good"), side("web-canary", "good")));
        scheduler.advance(Duration.ofMinutes(4));
        JudgeGate.State saved = roundTrip(gate.snapshot());

        ManualScheduler restarted = new ManualScheduler(START.plus(Duration.ofMinutes(7)));
        AtomicReference<JudgeGate.Result> after = new AtomicReference<>();
        JudgeGate.resume(saved, source, restarted, Runnable::run, events::add, after::set);
        restarted.runDue();
        assertThat(after.get()).isNull();
        restarted.advance(Duration.ofMinutes(3));

        assertThat(after.get().analysis().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(proxy.to("/api/v1/query_range")).hasSize(2).allSatisfy(r -> assertThat(r.form())
                .contains("&end=" + START.plus(Duration.ofMinutes(10)).getEpochSecond() + ".000&"));
    }

    @Test
    void aStoppedGateIsInconclusiveAndQueriesNothing() {
        JudgeGate gate = start(spec(Map.of("metrics", List.of("success-rate"), "window", "10m"),
                side("web-baseline", "good"), side("web-canary", "good")));
        gate.terminate("the build was aborted");
        scheduler.advance(Duration.ofMinutes(11));

        assertThat(result.get().analysis().phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        assertThat(result.get().analysis().message()).contains("the build was aborted");
        assertThat(proxy.requests()).isEmpty();
    }

    @Test
    void badInputIsNamedByFieldBeforeAnythingIsQueried() {
        assertThatThrownBy(() -> spec(Map.of("metrics", List.of("success-rate")), Map.of("workload", "checkout"),
                Map.of()))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("judge.control.namespace: is required with workload")
                .hasMessageContaining("judge.experiment: selects nothing: give workload (and namespace) or labels");
        assertThatThrownBy(() -> spec(Map.of("metrics", List.of("success-rate")), side("checkout", "prod"),
                side("checkout", "prod"))).hasMessageContaining("judge.experiment: selects the same series as"
                + " control (checkout (prod))");
        assertThatThrownBy(() -> spec(Map.of("metrics", List.of(Map.of("name", "queue", "direction", "increase",
                "query", "max(queue{workload=\"{{workload}}\"})"))), Map.of("labels", Map.of("version", "v1")),
                Map.of("labels", Map.of("version", "v2")))).hasMessageContaining("judge.metrics[0].query: uses"
                + " {{workload}}, but a side is a bare label set");
        assertThatThrownBy(() -> PlanLoader.judgeGateFromMap(Map.of("judge", Map.of("metrics",
                List.of("success-rate")), "control", side("a", "prod"), "experiment", side("b", "prod")),
                "analysisGate")).hasMessageContaining("judge.prometheus: is required");
        assertThatThrownBy(() -> spec(Map.of("metrics", List.of("success-rate")), Map.of("labels",
                Map.of("9bad", "x")), side("b", "prod"))).hasMessageContaining("judge.control.labels: '9bad' is"
                + " not a Prometheus label name");
    }

    @SuppressWarnings("unchecked")
    private static <T extends java.io.Serializable> T roundTrip(T value) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
