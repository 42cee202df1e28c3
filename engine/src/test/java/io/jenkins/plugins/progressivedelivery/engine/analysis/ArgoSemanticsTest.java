package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Argo Rollouts' outcome for each rule of {@code analysis/analysis.go}, on a manual clock with scripted
 * measurements: the phase, the measurement at which a metric ends, its counters, and when the next measurement is
 * taken.
 */
class ArgoSemanticsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final Executor DIRECT = Runnable::run;

    private final ManualScheduler scheduler = new ManualScheduler(T0);
    private final AuditTrail audit = new AuditTrail();
    private final List<AnalysisResult> completed = new ArrayList<>();
    private final Script script = new Script();

    /** Per metric, the values (or errors: null) its measurements return, in order; and when each was asked. */
    private final class Script implements MeasurementSource {
        final Map<String, Deque<Object>> answers = new HashMap<>();
        final Map<String, List<Instant>> askedAt = new HashMap<>();

        Script answer(String metric, Object... values) {
            Deque<Object> queue = answers.computeIfAbsent(metric, k -> new ArrayDeque<>());
            for (Object value : values) {
                queue.add(value);
            }
            return this;
        }

        @Override
        public MetricValue measure(MetricSpec metric, Instant at) throws MeasurementException {
            askedAt.computeIfAbsent(metric.name(), k -> new ArrayList<>()).add(scheduler.now());
            Deque<Object> queue = answers.get(metric.name());
            Object next = queue == null || queue.isEmpty() ? "error" : queue.poll();
            if (next instanceof Double d) {
                return MetricValue.vector(List.of(d));
            }
            throw new MeasurementException("Prometheus is down");
        }

        List<Instant> asked(String metric) {
            return askedAt.getOrDefault(metric, List.of());
        }
    }

    private static MetricSpec metric(String name, Duration interval, Integer count, String success, String failure,
                                     Integer failureLimit, Integer inconclusiveLimit, Integer consecutiveErrorLimit,
                                     Integer consecutiveSuccessLimit) {
        return new MetricSpec(name, interval, count, null, success, failure, failureLimit, inconclusiveLimit,
                consecutiveErrorLimit, new MetricProviderSpec(new PrometheusSpec("http://prometheus:9090", "q", null,
                null)), consecutiveSuccessLimit);
    }

    private AnalysisRun start(AnalysisSpec spec) {
        return AnalysisRun.start("a", spec, script, scheduler, DIRECT, audit, completed::add);
    }

    private AnalysisRun start(MetricSpec... metrics) {
        return start(new AnalysisSpec(List.of(), List.of(metrics)));
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    // ---- errors -------------------------------------------------------------------------------------------------

    @Test
    void afterAnErrorTheNextMeasurementIsTenSecondsLaterWhateverTheInterval() {
        MetricSpec rate = metric("rate", Duration.ofMinutes(5), 3, "result[0] >= 0.95", null, null, null, null, null);
        script.answer("rate", 0.99, "error", "error", 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(20));

        // 0: ok; 300: error; 310: error (10 s later); 320: ok (10 s later); 620: ok, count 3 reached
        assertThat(script.asked("rate")).containsExactly(at(0), at(300), at(310), at(320), at(620));
        MetricResult result = run.result().metric("rate").orElseThrow();
        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(result.count()).isEqualTo(3);
        assertThat(result.error()).isEqualTo(2);
        assertThat(result.consecutiveError()).isZero();
    }

    @Test
    void prometheusDownWithAFiveMinuteIntervalErrsAfterFortySecondsNotTwentyMinutes() {
        MetricSpec rate = metric("rate", Duration.ofMinutes(5), 10, "result[0] >= 0.95", null, null, null, null, null);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofSeconds(40));

        // consecutiveErrorLimit 4: the 5th consecutive error, at 40 s, ends the metric as Error
        assertThat(script.asked("rate")).containsExactly(at(0), at(10), at(20), at(30), at(40));
        assertThat(run.phase()).isEqualTo(AnalysisPhase.ERROR);
        assertThat(run.result().metric("rate").orElseThrow().consecutiveError()).isEqualTo(5);
        assertThat(run.result().metric("rate").orElseThrow().count()).isZero();
    }

    // ---- limits -------------------------------------------------------------------------------------------------

    @Test
    void failureLimitThreeFailsOnTheFourthFailedMeasurement() {
        MetricSpec rate = metric("rate", Duration.ofMinutes(1), null, "result[0] >= 0.95", null, 3, null, null, null);
        script.answer("rate", 0.5, 0.99, 0.5, 0.5, 0.99, 0.5, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(10));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
        MetricResult result = run.result().metric("rate").orElseThrow();
        assertThat(result.failed()).isEqualTo(4);
        assertThat(result.successful()).isEqualTo(2);
        assertThat(script.asked("rate")).hasSize(6).last().isEqualTo(at(300));
    }

    @Test
    void inconclusiveLimitThreeIsInconclusiveOnTheFourth() {
        MetricSpec web = metric("web", Duration.ofSeconds(5), null, "result[0] == 999", "result[0] == -1", null, 3,
                null, null);
        script.answer("web", 0.0, 0.0, 0.0, 0.0, 0.0);
        AnalysisRun run = start(web);

        scheduler.advance(Duration.ofMinutes(1));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        assertThat(run.result().metric("web").orElseThrow().inconclusive()).isEqualTo(4);
        assertThat(script.asked("web")).containsExactly(at(0), at(5), at(10), at(15));
    }

    @Test
    void failedWithinTheLimitStillSucceedsWhenCountIsReached() {
        MetricSpec rate = metric("rate", Duration.ofMinutes(1), 2, "result[0] >= 0.95", null, 1, null, null, null);
        script.answer("rate", 0.5, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(5));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(run.result().metric("rate").orElseThrow().failed()).isEqualTo(1);
    }

    @Test
    void consecutiveErrorsOutrankFailuresWhenBothLimitsAreExceeded() {
        // assessMetricFailureInconclusiveOrError checks failed, then inconclusive, then errors; the last one wins
        MetricSpec rate = metric("rate", Duration.ofMinutes(1), null, "result[0] >= 0.95", null, 0, null, 0, null);
        script.answer("rate", "error");
        MetricSpec other = metric("other", Duration.ofMinutes(1), null, "result[0] >= 0.95", null, 0, null, 0, null);
        script.answer("other", 0.5);
        AnalysisRun run = start(rate, other);

        scheduler.advance(Duration.ZERO);

        assertThat(run.result().metric("rate").orElseThrow().phase()).isEqualTo(AnalysisPhase.ERROR);
        assertThat(run.result().metric("other").orElseThrow().phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
    }

    @Test
    void consecutiveSuccessLimitSucceedsAsSoonAsReached() {
        MetricSpec rate = metric("rate", Duration.ofMinutes(1), 10, "result[0] >= 0.95", null, 3, null, null, 3);
        script.answer("rate", 0.99, 0.5, 0.99, 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(20));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        MetricResult result = run.result().metric("rate").orElseThrow();
        assertThat(result.count()).isEqualTo(5);
        assertThat(result.consecutiveSuccess()).isEqualTo(3);
        assertThat(script.asked("rate")).hasSize(5);
    }

    @Test
    void withBothLimitsCountReachedWithoutTheRunOfSuccessesIsInconclusive() {
        MetricSpec rate = metric("rate", Duration.ofMinutes(1), 4, "result[0] >= 0.95", null, 2, null, null, 2);
        script.answer("rate", 0.99, 0.5, 0.99, 0.5);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(10));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
    }

    @Test
    void failureLimitMinusOneLetsOnlyConsecutiveSuccessesDecideAndCountReachedWithoutThemFails() {
        MetricSpec rate = metric("rate", Duration.ofMinutes(1), 5, "result[0] >= 0.95", null, -1, null, null, 2);
        script.answer("rate", 0.5, 0.5, 0.99, 0.5, 0.5);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(10));

        MetricResult result = run.result().metric("rate").orElseThrow();
        assertThat(result.failed()).isEqualTo(4);
        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(result.message()).contains("without 2 consecutive successful");
    }

    // ---- several metrics --------------------------------------------------------------------------------------

    @ParameterizedTest(name = "spec order reversed: {0}")
    @ValueSource(booleans = {false, true})
    void metricsDueTogetherAreAssessedTogetherAndTheWorstDecidesWhateverTheSpecOrder(boolean reversed) {
        MetricSpec inconclusive = metric("latency", Duration.ofMinutes(1), 5, "result[0] < 1", "result[0] > 5", null,
                null, null, null);
        MetricSpec failed = metric("errors", Duration.ofMinutes(1), 5, "result[0] < 0.05", null, null, null, null, null);
        script.answer("latency", 3.0).answer("errors", 0.5);
        AnalysisRun run = reversed ? start(failed, inconclusive) : start(inconclusive, failed);

        scheduler.advance(Duration.ZERO);

        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(run.result().metric("latency").orElseThrow().phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        assertThat(run.result().metric("errors").orElseThrow().phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(run.result().message()).startsWith("metric 'errors' Failed");
        assertThat(completed).hasSize(1);
    }

    @ParameterizedTest(name = "failed answer first: {0}")
    @ValueSource(booleans = {false, true})
    void theVerdictDoesNotDependOnWhichAnswerArrivesFirst(boolean failedFirst) {
        List<Runnable> queued = new ArrayList<>();
        MetricSpec inconclusive = metric("latency", Duration.ofMinutes(1), 5, "result[0] < 1", "result[0] > 5", null,
                null, null, null);
        MetricSpec failed = metric("errors", Duration.ofMinutes(1), 5, "result[0] < 0.05", null, null, null, null, null);
        script.answer("latency", 3.0).answer("errors", 0.5);
        AnalysisRun run = AnalysisRun.start("a", new AnalysisSpec(List.of(), List.of(inconclusive, failed)), script,
                scheduler, queued::add, audit, completed::add);

        scheduler.advance(Duration.ZERO);
        assertThat(queued).hasSize(2);
        // the measurement tasks are queued in spec order: latency, errors
        if (failedFirst) {
            queued.get(1).run();
            assertThat(run.phase()).isEqualTo(AnalysisPhase.RUNNING);
            queued.get(0).run();
        } else {
            queued.get(0).run();
            assertThat(run.phase()).isEqualTo(AnalysisPhase.RUNNING);
            queued.get(1).run();
        }

        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(run.result().metric("latency").orElseThrow().inconclusive()).isEqualTo(1);
        assertThat(run.result().metric("errors").orElseThrow().failed()).isEqualTo(1);
    }

    @Test
    void aMetricStillRunningWhenAnotherFailsIsTerminatedSuccessfulAndTheRunFails() {
        MetricSpec slow = metric("slow", Duration.ofMinutes(5), 3, "result[0] >= 0.95", null, null, null, null, null);
        MetricSpec fast = metric("fast", Duration.ofMinutes(1), 3, "result[0] >= 0.95", null, null, null, null, null);
        script.answer("slow", 0.99, 0.99).answer("fast", 0.99, 0.5);
        AnalysisRun run = start(slow, fast);

        scheduler.advance(Duration.ofMinutes(2));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(run.result().metric("slow").orElseThrow().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(run.result().metric("slow").orElseThrow().message()).contains("terminated");
        assertThat(script.asked("fast")).containsExactly(at(0), at(60));
        assertThat(scheduler.pendingCount()).isZero();
    }

    // ---- schedule -----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "count {0}")
    @ValueSource(ints = {0, -1})
    void withAnIntervalAndNoCountAMetricMeasuresUntilStopped(int count) {
        MetricSpec rate = metric("rate", Duration.ofMinutes(1), count == 0 ? 0 : null, "result[0] >= 0.95", null,
                null, null, null, null);
        for (int i = 0; i < 100; i++) {
            script.answer("rate", 0.99);
        }
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(60));
        assertThat(run.phase()).isEqualTo(AnalysisPhase.RUNNING);
        assertThat(script.asked("rate")).hasSize(61);

        run.terminate("the rollout finished");
        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(completed).hasSize(1);
        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void noIntervalAndNoCountIsOneMeasurement() {
        MetricSpec rate = metric("rate", null, null, "result[0] >= 0.95", null, null, null, null, null);
        script.answer("rate", 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(5));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(script.asked("rate")).containsExactly(at(0));
    }

    // ---- dryRun and measurementRetention --------------------------------------------------------------------

    @Test
    void aDryRunMetricIsMeasuredAndRecordedButNeverDecides() {
        MetricSpec gate = metric("gate", Duration.ofMinutes(1), 2, "result[0] >= 0.95", null, null, null, null, null);
        MetricSpec trial = metric("trial", Duration.ofMinutes(1), 2, "result[0] >= 0.95", null, null, null, null, null);
        script.answer("gate", 0.99, 0.99).answer("trial", 0.1, 0.1);
        AnalysisSpec spec = new AnalysisSpec(List.of(), List.of(gate, trial),
                List.of(new AnalysisSpec.MetricSelector("tri.*", null)), null, null, null);
        AnalysisRun run = start(spec);

        scheduler.advance(Duration.ofMinutes(5));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        MetricResult trialResult = run.result().metric("trial").orElseThrow();
        assertThat(trialResult.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(trialResult.dryRun()).isTrue();
        // the dry-run failure did not terminate the gate: both its measurements were taken
        assertThat(script.asked("gate")).hasSize(2);
        assertThat(audit.events()).filteredOn(e -> e.action() == AuditAction.VERDICT)
                .extracting(AuditEvent::toLogLine).contains("[verdict] metric trial (dry-run): Failed (1 failed measurement,"
                        + " more than failureLimit 0; last measurement [0.1] Failed: successCondition result[0] >= 0.95"
                        + " is false)");
        assertThat(audit.events()).filteredOn(e -> e.action() == AuditAction.MEASUREMENT)
                .extracting(AuditEvent::toLogLine).containsExactly("[measurement] metric gate: [0.99] Successful",
                        "[measurement] metric trial (dry-run): [0.1] Failed (successCondition result[0] >= 0.95 is"
                                + " false; query: q)",
                        "[measurement] metric gate: [0.99] Successful");
    }

    @Test
    void measurementRetentionKeepsMoreThanTheDefaultTen() {
        MetricSpec rate = metric("rate", Duration.ofMinutes(1), 15, "result[0] >= 0.95", null, null, null, null, null);
        for (int i = 0; i < 15; i++) {
            script.answer("rate", 0.99);
        }
        AnalysisSpec spec = new AnalysisSpec(List.of(), List.of(rate), null,
                List.of(new AnalysisSpec.MetricSelector("rate", 12)), null, null);
        AnalysisRun run = start(spec);

        scheduler.advance(Duration.ofMinutes(20));

        MetricResult result = run.result().metric("rate").orElseThrow();
        assertThat(result.count()).isEqualTo(15);
        assertThat(result.measurements()).hasSize(12);
    }

    // ---- values --------------------------------------------------------------------------------------------

    @Test
    void aMeasurementKeepsItsQueryAndReadsAsArgoWritesIt() {
        MetricSpec rate = metric("rate", null, null, "result[-1] >= 3", null, null, null, null, null);
        MeasurementSource source = (m, at) -> MetricValue.vector(List.of(0.95, 1e21, -0.0,
                Double.NEGATIVE_INFINITY, 3.0));
        AnalysisRun run = AnalysisRun.start("a", new AnalysisSpec(List.of(), List.of(rate)), source, scheduler,
                DIRECT, audit, completed::add);

        scheduler.advance(Duration.ZERO);

        Measurement measurement = run.result().metric("rate").orElseThrow().measurements().get(0);
        assertThat(measurement.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(measurement.value()).hasToString("[0.95,1000000000000000000000,-0,-Inf,3]");
        assertThat(measurement.query()).isEqualTo("q");
        assertThat(MetricValue.scalar(Double.POSITIVE_INFINITY)).hasToString("+Inf");
        assertThat(MetricValue.scalar(Double.NaN)).hasToString("NaN");
        assertThat(MetricValue.vector(List.of())).hasToString("[]");
        assertThat(MetricValue.vector(List.of(1e-7, 123456.789))).hasToString("[0.0000001,123456.789]");
    }

    @Test
    void nanNeverPassesWhateverTheConditions() {
        MetricSpec failureOnly = metric("errors", null, null, null, "result[0] > 0.05", null, null, null, null);
        MetricSpec none = metric("plain", null, null, null, null, null, null, null, null);
        MeasurementSource source = (m, at) -> MetricValue.vector(List.of(Double.NaN));
        AnalysisRun run = AnalysisRun.start("a", new AnalysisSpec(List.of(), List.of(failureOnly, none)), source,
                scheduler, DIRECT, audit, completed::add);

        scheduler.advance(Duration.ZERO);

        // Argo: both Successful (NaN > 0.05 is false; no conditions pass anything)
        assertThat(run.result().metric("errors").orElseThrow().phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        assertThat(run.result().metric("plain").orElseThrow().phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        assertThat(run.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
    }
}
