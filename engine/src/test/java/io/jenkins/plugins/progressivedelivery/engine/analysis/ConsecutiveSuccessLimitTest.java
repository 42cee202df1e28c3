package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
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

/**
 * The corner cases of {@code consecutiveSuccessLimit} (Argo Rollouts 1.8), on a manual clock with scripted
 * measurements: what resets the streak, how it meets {@code failureLimit}, {@code inconclusiveLimit},
 * {@code consecutiveErrorLimit} and {@code count}, when a metric with only the streak ends, and dry-run metrics.
 * The counter rules are those of {@code runMeasurements} in {@code analysis/analysis.go} (an Error does not count
 * toward {@code count}); the streak resets on every measurement that is not Successful, an Error included.
 */
class ConsecutiveSuccessLimitTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final Executor DIRECT = Runnable::run;
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final ManualScheduler scheduler = new ManualScheduler(T0);
    private final List<AnalysisResult> completed = new ArrayList<>();
    private final Map<String, Deque<Object>> answers = new HashMap<>();
    private final Map<String, List<Instant>> askedAt = new HashMap<>();

    /** Values for a metric's measurements in order; {@code "error"} is a failed query. */
    private void answer(String metric, Object... values) {
        Deque<Object> queue = answers.computeIfAbsent(metric, k -> new ArrayDeque<>());
        for (Object value : values) {
            queue.add(value);
        }
    }

    private final MeasurementSource script = (metric, at) -> {
        askedAt.computeIfAbsent(metric.name(), k -> new ArrayList<>()).add(scheduler.now());
        Deque<Object> queue = answers.get(metric.name());
        Object next = queue == null || queue.isEmpty() ? "error" : queue.poll();
        if (next instanceof Double d) {
            return MetricValue.vector(List.of(d));
        }
        throw new MeasurementException("Prometheus is down");
    };

    /** Successful at 0.95 and above, Failed below 0.5 (with {@code failureCondition}), Inconclusive between. */
    private static MetricSpec metric(String name, Integer count, Integer failureLimit, Integer inconclusiveLimit,
                                     Integer consecutiveSuccessLimit, boolean withFailureCondition) {
        return new MetricSpec(name, MINUTE, count, null, "result[0] >= 0.95",
                withFailureCondition ? "result[0] < 0.5" : null, failureLimit, inconclusiveLimit, null,
                new MetricProviderSpec(new PrometheusSpec("http://prometheus:9090", "q", null, null)),
                consecutiveSuccessLimit);
    }

    private AnalysisRun start(MetricSpec... metrics) {
        return start(new AnalysisSpec(List.of(), List.of(metrics)));
    }

    private AnalysisRun start(AnalysisSpec spec) {
        return AnalysisRun.start("a", spec, script, scheduler, DIRECT, new AuditTrail(), completed::add);
    }

    private List<Instant> asked(String metric) {
        return askedAt.getOrDefault(metric, List.of());
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void anErrorResetsTheStreakAndDoesNotCountTowardCount() {
        MetricSpec rate = metric("rate", 6, -1, null, 3, false);
        answer("rate", 0.99, 0.99, "error", 0.99, 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(10));

        // two successes, an Error at 120 s (retried 10 s later), then three in a row: Successful at 250 s, not 130 s
        assertThat(asked("rate")).containsExactly(at(0), at(60), at(120), at(130), at(190), at(250));
        MetricResult result = run.result().metric("rate").orElseThrow();
        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(result.count()).as("the Error is not a counted measurement").isEqualTo(5);
        assertThat(result.error()).isEqualTo(1);
        assertThat(result.consecutiveSuccess()).isEqualTo(3);
        assertThat(result.message()).contains("consecutiveSuccessLimit 3 reached");
    }

    @Test
    void anInconclusiveWithinItsLimitResetsTheStreak() {
        MetricSpec rate = metric("rate", 10, -1, 2, 2, true);
        answer("rate", 0.99, 0.7, 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(10));

        assertThat(asked("rate")).containsExactly(at(0), at(60), at(120), at(180));
        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(run.result().metric("rate").orElseThrow().inconclusive()).isEqualTo(1);
    }

    @Test
    void aFailureWithinFailureLimitResetsTheStreak() {
        MetricSpec rate = metric("rate", 10, 2, null, 2, false);
        answer("rate", 0.99, 0.1, 0.99, 0.1, 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(10));

        assertThat(asked("rate")).hasSize(6);
        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(run.result().metric("rate").orElseThrow().failed()).isEqualTo(2);
    }

    @Test
    void theDefaultFailureLimitZeroStillFailsOnTheFirstFailureBeforeAnyStreak() {
        MetricSpec rate = metric("rate", 10, null, null, 3, false);
        answer("rate", 0.99, 0.99, 0.1, 0.99, 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(10));

        assertThat(asked("rate")).containsExactly(at(0), at(60), at(120));
        assertThat(run.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(run.result().metric("rate").orElseThrow().message()).contains("more than failureLimit 0");
    }

    @Test
    void theDefaultInconclusiveLimitZeroEndsTheMetricOnTheFirstInconclusive() {
        MetricSpec rate = metric("rate", 10, -1, null, 3, true);
        answer("rate", 0.99, 0.7, 0.99, 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(10));

        assertThat(asked("rate")).containsExactly(at(0), at(60));
        assertThat(run.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
    }

    @Test
    void theStreakReachedOnTheLastCountedMeasurementIsSuccessfulNotInconclusive() {
        // both limits apply: at count without the streak Argo says Inconclusive, but the streak is assessed first
        MetricSpec rate = metric("rate", 3, 1, null, 2, false);
        answer("rate", 0.1, 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(10));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(run.result().metric("rate").orElseThrow().count()).isEqualTo(3);
    }

    @Test
    void withOnlyTheStreakAndNoCountTheMetricMeasuresUntilTheStreakWhateverTheFailures() {
        MetricSpec rate = metric("rate", null, -1, null, 3, false);
        answer("rate", 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.99, 0.1, 0.99, 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(11));
        assertThat(run.phase()).as("no count, failures do not count against it").isEqualTo(AnalysisPhase.RUNNING);

        scheduler.advance(Duration.ofMinutes(1));
        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(asked("rate")).hasSize(13).last().isEqualTo(at(720));
        assertThat(run.result().metric("rate").orElseThrow().failed()).isEqualTo(9);
        assertThat(scheduler.pendingCount()).isZero();
    }

    @Test
    void withOnlyTheStreakAndNoCountConsecutiveErrorsStillEndTheMetric() {
        MetricSpec rate = metric("rate", null, -1, null, 3, false);
        answer("rate", 0.99, 0.99);
        AnalysisRun run = start(rate);

        scheduler.advance(Duration.ofMinutes(5));

        // two successes, then Prometheus is down: errors at 120, 130, 140, 150, 160 s; the 5th exceeds the limit 4
        assertThat(asked("rate")).containsExactly(at(0), at(60), at(120), at(130), at(140), at(150), at(160));
        assertThat(run.phase()).isEqualTo(AnalysisPhase.ERROR);
        assertThat(run.result().metric("rate").orElseThrow().consecutiveSuccess()).isZero();
    }

    @Test
    void aDryRunMetricFollowsTheSameStreakRulesAndItsFailureStopsNothing() {
        MetricSpec gate = metric("gate", 3, null, null, null, false);
        MetricSpec trial = metric("trial", 3, -1, null, 2, false);
        answer("gate", 0.99, 0.99, 0.99);
        answer("trial", 0.99, 0.1, 0.99);
        AnalysisSpec spec = new AnalysisSpec(List.of(), List.of(gate, trial),
                List.of(new AnalysisSpec.MetricSelector("trial", null)), null, null, null);
        AnalysisRun run = start(spec);

        scheduler.advance(Duration.ofMinutes(5));

        MetricResult trialResult = run.result().metric("trial").orElseThrow();
        assertThat(trialResult.phase()).as("count 3 reached without 2 in a row, failureLimit -1")
                .isEqualTo(AnalysisPhase.FAILED);
        assertThat(trialResult.message()).contains("without 2 consecutive successful");
        assertThat(run.phase()).as("a dry-run metric never decides").isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(asked("gate")).as("nor terminates the others (Argo's IsTerminating skips dry-run results)")
                .hasSize(3);
    }

    @Test
    void argoRefusesALimitThatCouldNeverDecide() {
        List<ValidationError> neither = AnalysisValidation.validate(new AnalysisSpec(List.of(),
                List.of(metric("rate", 5, -1, null, null, false))), "", true);
        assertThat(neither).extracting(ValidationError::path).contains("metrics[0].failureLimit");
        List<ValidationError> longerThanCount = AnalysisValidation.validate(new AnalysisSpec(List.of(),
                List.of(metric("rate", 2, -1, null, 3, false))), "", true);
        assertThat(longerThanCount).extracting(ValidationError::path).contains("metrics[0].consecutiveSuccessLimit");
        List<ValidationError> noRoom = AnalysisValidation.validate(new AnalysisSpec(List.of(),
                List.of(metric("rate", 3, 1, null, 3, false))), "", true);
        assertThat(noRoom).extracting(ValidationError::toString)
                .containsExactly("metrics[0].count: 3 is less than failureLimit 1 + consecutiveSuccessLimit 3 (Argo"
                        + " refuses it); raise count to 4 or lower a limit");
        assertThat(AnalysisValidation.validate(new AnalysisSpec(List.of(),
                List.of(metric("rate", 4, 1, null, 3, false))), "", true))
                .as("count >= failureLimit + consecutiveSuccessLimit").isEmpty();
    }
}
