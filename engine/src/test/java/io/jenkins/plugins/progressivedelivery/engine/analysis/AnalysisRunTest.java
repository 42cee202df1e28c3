package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus.T0;
import static io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus.errorRatioQuery;
import static io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus.successRateQuery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ArgumentSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ExecutorScheduler;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against a real Prometheus with backfilled data, on a manual clock, with queries run on the calling thread. */
class AnalysisRunTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();

    private static final Executor DIRECT = Runnable::run;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final ManualScheduler scheduler = new ManualScheduler(T0);
    private final AuditTrail audit = new AuditTrail();
    private final List<AnalysisResult> completed = new ArrayList<>();
    private final ProviderMeasurementSource prometheus = new ProviderMeasurementSource(PrometheusAuth.none());

    @Test
    void aHealthySuccessRatePassesAfterCountMeasurements() {
        MetricSpec successRate = metric("success-rate", Duration.ofMinutes(1), 5, null, "result[0] >= 0.95", null,
                successRateQuery("checkout"));

        AnalysisRun run = start("canary-health", successRate);
        scheduler.advance(Duration.ofMinutes(3).plusSeconds(59));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.RUNNING);
        assertThat(completed).isEmpty();

        scheduler.advance(Duration.ofSeconds(1));

        assertThat(completed).hasSize(1);
        AnalysisResult result = completed.get(0);
        assertThat(result.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(result.message()).isEqualTo("metric 'success-rate' Successful: count 5 reached (5 successful,"
                + " 0 failed, 0 inconclusive, 0 errors)");
        assertThat(result.metrics().get(0).measurements()).extracting(Measurement::startedAt)
                .containsExactly(T0, T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180), T0.plusSeconds(240));
        assertThat(measurementLines()).containsOnly("[measurement] metric success-rate: [0.998] Successful")
                .hasSize(5);
        AuditEvent first = events(AuditAction.MEASUREMENT).get(0);
        assertThat(first.details()).containsEntry("metric", "success-rate").containsEntry("value", "[0.998]")
                .containsEntry("phase", "Successful").containsEntry("successCondition", "result[0] >= 0.95")
                .containsEntry("threshold", "0.95").containsEntry("analysis", "canary-health");
        assertThat(verdictLines()).containsExactly(
                "[verdict] metric success-rate: Successful (count 5 reached (5 successful, 0 failed, 0 inconclusive,"
                        + " 0 errors))",
                "[verdict] analysis canary-health: Successful (metric 'success-rate' Successful: count 5 reached"
                        + " (5 successful, 0 failed, 0 inconclusive, 0 errors))");
        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void anErrorRatioFailingAtTheFirstMeasurementFailsAtOnce() {
        MetricSpec errorRate = metric("error-rate", Duration.ofMinutes(1), 5, null, null, "result[0] > 0.05",
                errorRatioQuery("broken"));

        AnalysisRun run = start("canary-errors", errorRate);
        scheduler.runDue();

        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(completed).extracting(AnalysisResult::phase).containsExactly(AnalysisPhase.FAILED);
        assertThat(completed.get(0).message()).isEqualTo("metric 'error-rate' Failed: 1 failed measurement, more than"
                + " failureLimit 0; last measurement [0.12] Failed: failureCondition result[0] > 0.05 is true");
        assertThat(measurementLines()).containsExactly(
                "[measurement] metric error-rate: [0.12] Failed (failureCondition result[0] > 0.05 is true; query: "
                        + oneLine(errorRatioQuery("broken")) + ")");
        assertThat(events(AuditAction.MEASUREMENT).get(0).details()).containsEntry("threshold", "0.05")
                .containsEntry("thresholdOf", "failureCondition");
        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void aQueryWithoutSeriesIsInconclusiveNeverAPass() {
        MetricSpec noData = metric("success-rate", null, null, null, "result[0] >= 0.95", null,
                successRateQuery("not-deployed"));

        start("canary-health", noData);
        scheduler.runDue();

        assertThat(completed).extracting(AnalysisResult::phase).containsExactly(AnalysisPhase.INCONCLUSIVE);
        assertThat(measurementLines()).containsExactly(
                "[measurement] metric success-rate: [] Inconclusive (the query returned no series; query: "
                        + oneLine(successRateQuery("not-deployed")) + ")");
        assertThat(completed.get(0).message()).isEqualTo("metric 'success-rate' Inconclusive: 1 inconclusive"
                + " measurement, more than inconclusiveLimit 0; last measurement [] Inconclusive: the query returned"
                + " no series");
    }

    @Test
    void anUnreachablePrometheusErrsAfterConsecutiveErrorLimitPlusOneMeasurements() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        MetricSpec unreachable = new MetricSpec("success-rate", null, null, null, "result[0] >= 0.95", null, null,
                null, null, new MetricProviderSpec(new PrometheusSpec("http://127.0.0.1:" + closedPort,
                successRateQuery("checkout"), null, List.of())));

        AnalysisRun run = start("canary-health", unreachable);
        scheduler.advance(Duration.ofSeconds(39));
        assertThat(run.phase()).isEqualTo(AnalysisPhase.RUNNING);
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(completed).extracting(AnalysisResult::phase).containsExactly(AnalysisPhase.ERROR);
        MetricResult metric = completed.get(0).metrics().get(0);
        assertThat(metric.error()).isEqualTo(5);
        assertThat(metric.count()).isZero();
        // without an interval, Argo retries an error after DefaultErrorRetryInterval (10s)
        assertThat(metric.measurements()).extracting(Measurement::startedAt).containsExactly(T0, T0.plusSeconds(10),
                T0.plusSeconds(20), T0.plusSeconds(30), T0.plusSeconds(40));
        assertThat(measurementLines()).hasSize(5).allMatch(line -> line.equals("[measurement] metric success-rate:"
                + " Error (cannot connect to Prometheus at http://127.0.0.1:" + closedPort + ": connection refused;"
                + " query: " + oneLine(successRateQuery("checkout")) + ")"));
        assertThat(completed.get(0).message()).startsWith("metric 'success-rate' Error: 5 consecutive errors, more"
                + " than consecutiveErrorLimit 4");
    }

    @Test
    void aFailingSourceIsAnErrorNeverASuccess() {
        MeasurementSource broken = (metric, at) -> {
            throw new IllegalStateException("boom");
        };
        MetricSpec metric = metric("m", Duration.ofSeconds(30), 3, null, "result[0] >= 0.95", null, "up");

        AnalysisRun.start("a", new AnalysisSpec(List.of(), List.of(metric)), broken, scheduler, DIRECT, audit,
                completed::add);
        scheduler.advance(Duration.ofMinutes(3));

        assertThat(completed).extracting(AnalysisResult::phase).containsExactly(AnalysisPhase.ERROR);
        assertThat(completed.get(0).metrics().get(0).measurements()).extracting(Measurement::message)
                .containsOnly("IllegalStateException: boom");
    }

    @Test
    void twoMetricsRunSideBySideAndTheFirstFailureTerminatesTheOther() {
        MetricSpec successRate = metric("success-rate", Duration.ofMinutes(1), 5, null, "result[0] >= 0.95", null,
                successRateQuery("checkout"));
        MetricSpec errorRate = metric("error-rate", Duration.ofMinutes(1), 5, Duration.ofSeconds(30), null,
                "result[0] > 0.05", errorRatioQuery("degrading"));

        AnalysisRun run = start("canary", successRate, errorRate);
        scheduler.advance(Duration.ofMinutes(10));

        assertThat(completed).hasSize(1);
        AnalysisResult result = completed.get(0);
        assertThat(result.phase()).isEqualTo(AnalysisPhase.FAILED);
        MetricResult errors = result.metric("error-rate").orElseThrow();
        MetricResult success = result.metric("success-rate").orElseThrow();
        assertThat(errors.phase()).isEqualTo(AnalysisPhase.FAILED);
        Instant failedAt = errors.lastMeasurement().orElseThrow().startedAt();
        // the error rate degrades at T0+2m; measurements began after the initialDelay of 30s
        assertThat(errors.measurements()).extracting(Measurement::startedAt).first().isEqualTo(T0.plusSeconds(30));
        assertThat(failedAt).isAfter(T0.plusSeconds(120)).isBefore(T0.plusSeconds(240));
        assertThat(errors.measurements()).filteredOn(m -> m.phase() == AnalysisPhase.FAILED).hasSize(1);
        assertThat(success.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(success.count()).isLessThan(5);
        assertThat(success.measurements()).allMatch(m -> !m.startedAt().isAfter(failedAt));
        assertThat(success.message()).startsWith("run terminated (").endsWith(": metric 'error-rate' completed Failed");
        assertThat(result.message()).startsWith("metric 'error-rate' Failed: 1 failed measurement, more than"
                + " failureLimit 0; last measurement [0.");
        assertThat(verdictLines()).hasSize(3).last().asString().startsWith("[verdict] analysis canary: Failed");
        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(scheduler.pendingCount()).isZero();
        // the measurements of both metrics are interleaved in time order in the audit trail
        assertThat(events(AuditAction.MEASUREMENT)).extracting(AuditEvent::time).isSorted();
    }

    @Test
    void metricsMeasureConcurrentlyOnRealThreadsWithoutHoldingOneWhileWaiting() throws Exception {
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        ExecutorService io = Executors.newFixedThreadPool(2);
        try {
            Clock startingAtT0 = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), T0));
            ExecutorScheduler realTime = new ExecutorScheduler(timers, startingAtT0);
            CyclicBarrier bothInFlight = new CyclicBarrier(2);
            Set<String> metricsThatMetAtTheBarrier = ConcurrentHashMap.newKeySet();
            MeasurementSource firstMeasurementsMeet = (metric, at) -> {
                if (metricsThatMetAtTheBarrier.add(metric.name())) {
                    try {
                        // only passes if the other metric's first query is in flight at the same time
                        bothInFlight.await(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new MeasurementException("the metrics did not measure concurrently: " + e);
                    }
                }
                return prometheus.measure(metric, at);
            };
            AtomicInteger completions = new AtomicInteger();
            CompletableFuture<AnalysisResult> done = new CompletableFuture<>();
            MetricSpec successRate = metric("success-rate", Duration.ofMillis(200), 4, null, "result[0] >= 0.95",
                    null, successRateQuery("checkout"));
            MetricSpec latency = metric("latency", Duration.ofMillis(150), 4, null, "result.all(x, x < 0.5)", null,
                    "latency_p99_seconds{app=\"checkout\"}");

            AnalysisRun.start("canary", new AnalysisSpec(List.of(), List.of(successRate, latency)),
                    firstMeasurementsMeet, realTime, io, audit, result -> {
                        completions.incrementAndGet();
                        done.complete(result);
                    });
            AnalysisResult result = done.get(60, TimeUnit.SECONDS);

            assertThat(result.phase()).as(result.message()).isEqualTo(AnalysisPhase.SUCCESSFUL);
            assertThat(result.metrics()).extracting(MetricResult::successful).containsExactly(4, 4);
            assertThat(result.message()).isEqualTo("all 2 metrics Successful");
            // on a loaded machine a 150 ms query can still be out when the next is due: that one is skipped and said
            assertThat(measurementLines()).filteredOn(line -> !line.contains(": skipped (")).hasSize(8);
            assertThat(events(AuditAction.VERDICT)).hasSize(3);
            assertThat(completions).hasValue(1);
        } finally {
            timers.shutdownNow();
            io.shutdownNow();
        }
    }

    @Test
    void snapshotSurvivesJavaAndJacksonSerialisationAndResumeFinishesWithTheSameVerdict() throws Exception {
        MetricSpec successRate = metric("success-rate", Duration.ofMinutes(1), 5, null, "result[0] >= 0.95", null,
                successRateQuery("checkout"));
        MetricSpec errorRate = metric("error-rate", Duration.ofMinutes(1), 6, Duration.ofSeconds(30), null,
                "result[0] > 0.05", errorRatioQuery("degrading"));
        ManualScheduler reference = new ManualScheduler(T0);
        List<AnalysisResult> uninterrupted = new ArrayList<>();
        AnalysisRun.start("canary", new AnalysisSpec(List.of(), List.of(successRate, errorRate)), prometheus,
                reference, DIRECT, new AuditTrail(), uninterrupted::add);
        reference.advance(Duration.ofMinutes(10));

        AnalysisRun first = start("canary", successRate, errorRate);
        scheduler.advance(Duration.ofSeconds(100));
        AnalysisState state = first.snapshot();
        AnalysisState restored = JSON.readValue(JSON.writeValueAsString(javaRoundTrip(state)), AnalysisState.class);

        assertThat(restored).isEqualTo(state);
        assertThat(restored.metrics()).extracting(AnalysisState.MetricState::nextMeasurementAt)
                .containsExactly(T0.plusSeconds(120), T0.plusSeconds(150));

        ManualScheduler afterRestart = new ManualScheduler(T0.plusSeconds(100));
        List<AnalysisResult> resumed = new ArrayList<>();
        AnalysisRun.resume(restored, prometheus, afterRestart, DIRECT, audit, resumed::add);
        afterRestart.advance(Duration.ofMinutes(10));

        assertThat(resumed).hasSize(1);
        assertThat(resumed.get(0)).isEqualTo(uninterrupted.get(0));
        assertThat(resumed.get(0).phase()).isEqualTo(AnalysisPhase.FAILED);
    }

    @Test
    void aDueTimeThatPassedDuringTheRestartRunsAtOnce() throws Exception {
        MetricSpec successRate = metric("success-rate", Duration.ofMinutes(1), 5, null, "result[0] >= 0.95", null,
                successRateQuery("checkout"));
        AnalysisRun first = start("canary", successRate);
        scheduler.advance(Duration.ofSeconds(90));
        AnalysisState state = javaRoundTrip(first.snapshot());

        ManualScheduler afterRestart = new ManualScheduler(T0.plusSeconds(300));
        List<AnalysisResult> resumed = new ArrayList<>();
        AnalysisRun.resume(state, prometheus, afterRestart, DIRECT, audit, resumed::add);
        afterRestart.runDue();
        afterRestart.advance(Duration.ofMinutes(3));

        assertThat(resumed).extracting(AnalysisResult::phase).containsExactly(AnalysisPhase.SUCCESSFUL);
        assertThat(resumed.get(0).metrics().get(0).measurements()).extracting(Measurement::startedAt)
                .containsExactly(T0, T0.plusSeconds(60), T0.plusSeconds(300), T0.plusSeconds(360), T0.plusSeconds(420));
    }

    @Test
    void aMeasurementInFlightAtTheSnapshotIsTakenAgainOnResume() throws Exception {
        MetricSpec metric = metric("m", Duration.ofMinutes(1), 2, null, "result[0] >= 0.95", null, "up");
        List<AnalysisState> snapshots = new ArrayList<>();
        AnalysisRun[] run = new AnalysisRun[1];
        MeasurementSource snapshotWhileMeasuring = (spec, at) -> {
            snapshots.add(run[0].snapshot());
            return MetricValue.vector(List.of(1.0));
        };
        run[0] = AnalysisRun.start("a", new AnalysisSpec(List.of(), List.of(metric)), snapshotWhileMeasuring,
                scheduler, DIRECT, audit, completed::add);
        scheduler.advance(Duration.ofSeconds(30));

        AnalysisState inFlight = snapshots.get(0);
        assertThat(inFlight.metrics().get(0).nextMeasurementAt()).isEqualTo(T0);
        ManualScheduler afterRestart = new ManualScheduler(T0.plusSeconds(5));
        List<AnalysisResult> resumed = new ArrayList<>();
        AnalysisRun.resume(inFlight, (spec, at) -> MetricValue.vector(List.of(1.0)), afterRestart, DIRECT, audit,
                resumed::add);
        afterRestart.advance(Duration.ofMinutes(2));

        assertThat(resumed.get(0).metrics().get(0).measurements()).extracting(Measurement::startedAt)
                .containsExactly(T0.plusSeconds(5), T0.plusSeconds(65));
    }

    @Test
    void terminateEndsABackgroundAnalysisOnceAndStopsMeasuring() {
        MetricSpec background = metric("success-rate", Duration.ofMinutes(1), null, null, "result[0] >= 0.95", null,
                successRateQuery("checkout"));
        AnalysisRun run = start("background", background);
        scheduler.advance(Duration.ofMinutes(2));

        run.terminate("the rollout was promoted");
        run.terminate("again");
        scheduler.advance(Duration.ofMinutes(5));

        assertThat(completed).hasSize(1);
        assertThat(completed.get(0).phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(completed.get(0).message()).isEqualTo("terminated: the rollout was promoted");
        assertThat(completed.get(0).metrics().get(0).message()).isEqualTo("run terminated (3 successful, 0 failed,"
                + " 0 inconclusive, 0 errors): the rollout was promoted");
        assertThat(measurementLines()).hasSize(3);
        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void aCompletedStateResumedReportsItsVerdictAgain() {
        AnalysisRun run = start("canary-errors", metric("error-rate", null, null, null, null, "result[0] > 0.05",
                errorRatioQuery("broken")));
        scheduler.runDue();
        List<AnalysisResult> resumed = new ArrayList<>();

        AnalysisRun.resume(run.snapshot(), prometheus, scheduler, DIRECT, audit, resumed::add);
        scheduler.runDue();

        assertThat(resumed).containsExactlyElementsOf(completed);
    }

    @Test
    void anArgumentIsALabelValueAndCannotRewriteTheQuery() {
        AnalysisSpec template = new AnalysisSpec(List.of(new ArgumentSpec("app", null)), List.of(
                metric("requests", null, null, null, "result[0] >= 1", null,
                        "sum(rate(http_requests_total{app=\"{{args.app}}\"}[1m]))")));

        AnalysisRun.start("quoted", Arguments.resolve(template, Map.of("app", "we\"ird")), prometheus, scheduler,
                DIRECT, audit, completed::add);
        AnalysisRun.start("injected", Arguments.resolve(template, Map.of("app", "nope\"}[1m])) or vector(1) #")),
                prometheus, scheduler, DIRECT, audit, completed::add);
        scheduler.runDue();

        assertThat(measurementLines()).containsExactly(
                "[measurement] metric requests: [1] Successful",
                // the value stayed inside the label's quotes: the log shows the query that ran
                "[measurement] metric requests: [] Inconclusive (the query returned no series; query:"
                        + " sum(rate(http_requests_total{app=\"nope\\\"}[1m])) or vector(1) #\"}[1m])))");
        assertThat(completed).extracting(AnalysisResult::phase)
                .containsExactly(AnalysisPhase.SUCCESSFUL, AnalysisPhase.INCONCLUSIVE);
    }

    @Test
    void anUnresolvedOrInvalidSpecIsRefusedBeforeAnythingRuns() {
        MetricSpec unresolved = metric("m", null, null, null, "result[0] >= 0.95", null, "up{app=\"{{args.app}}\"}");
        MetricSpec invalid = metric("m", null, 3, null, "all(result, # < )", null, "up");

        assertThatThrownBy(() -> start("a", unresolved))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("metrics[0].provider.prometheus.query");
        assertThatThrownBy(() -> start("a", invalid))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("metrics[0].interval: is required when count > 1")
                .hasMessageContaining("all(result, # < )");
        assertThat(scheduler.pendingCount()).isZero();
    }

    private static String oneLine(String query) {
        String line = query.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 197) + "..." : line;
    }

    private AnalysisRun start(String name, MetricSpec... metrics) {
        return AnalysisRun.start(name, new AnalysisSpec(List.of(), List.of(metrics)), prometheus, scheduler, DIRECT,
                audit, completed::add);
    }

    private static MetricSpec metric(String name, Duration interval, Integer count, Duration initialDelay,
                                     String success, String failure, String query) {
        return new MetricSpec(name, interval, count, initialDelay, success, failure, null, null, null,
                new MetricProviderSpec(new PrometheusSpec(PROMETHEUS.url(), query, null, List.of())));
    }

    private List<AuditEvent> events(AuditAction action) {
        return audit.events().stream().filter(e -> e.action() == action).collect(Collectors.toList());
    }

    private List<String> measurementLines() {
        return events(AuditAction.MEASUREMENT).stream().map(AuditEvent::toLogLine).collect(Collectors.toList());
    }

    private List<String> verdictLines() {
        return events(AuditAction.VERDICT).stream().map(AuditEvent::toLogLine).collect(Collectors.toList());
    }

    @SuppressWarnings("unchecked")
    private static <T> T javaRoundTrip(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
