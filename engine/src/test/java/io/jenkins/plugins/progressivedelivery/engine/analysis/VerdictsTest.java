package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase.ERROR;
import static io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase.FAILED;
import static io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase.INCONCLUSIVE;
import static io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase.PENDING;
import static io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase.RUNNING;
import static io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase.SUCCESSFUL;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Argo's EvaluateResult table; an empty cell is an absent condition. */
    @ParameterizedTest(name = "success={0} failure={1} value={2} -> {3}")
    @CsvSource({
        "result[0] >= 0.95,                 ,  0.99, SUCCESSFUL",
        "result[0] >= 0.95,                 ,  0.5,  FAILED",
        ",                  result[0] > 0.05, 0.01, SUCCESSFUL",
        ",                  result[0] > 0.05, 0.2,  FAILED",
        "result[0] >= 0.95, result[0] < 0.5,  0.99, SUCCESSFUL",
        "result[0] >= 0.95, result[0] < 0.5,  0.3,  FAILED",
        "result[0] >= 0.95, result[0] < 0.5,  0.7,  INCONCLUSIVE",
        "result[0] >= 0.5,  result[0] >= 0.5, 0.7,  FAILED",
        ",                  ,                 0.7,  SUCCESSFUL",
        "result[1] >= 0.95, ,                 0.99, ERROR",
        "result[0] >= 0.95, ,                 NaN,  FAILED",
        // deliberately not Argo (which passes it): NaN is no data, and no data never passes
        ",                  result[0] > 0.05, NaN,  INCONCLUSIVE",
    })
    void measurementPhaseAsArgo(String success, String failure, double value, AnalysisPhase expected) {
        Verdicts.Assessment assessment = Verdicts.assessMeasurement(compile(success), compile(failure),
                MetricValue.vector(List.of(value)));
        assertThat(assessment.phase()).isEqualTo(expected);
    }

    @Test
    void noDataIsNeverAPass() {
        MetricValue empty = MetricValue.vector(List.of());
        assertThat(Verdicts.assessMeasurement(compile("result[0] >= 0.95"), null, empty))
                .isEqualTo(new Verdicts.Assessment(INCONCLUSIVE, "the query returned no series"));
        assertThat(Verdicts.assessMeasurement(null, compile("result.exists(x, x > 0.05)"), empty))
                .isEqualTo(new Verdicts.Assessment(INCONCLUSIVE, "the query returned no series"));
        assertThat(Verdicts.assessMeasurement(null, null, empty).phase()).isEqualTo(INCONCLUSIVE);
        // a condition that asks about emptiness decides for itself
        assertThat(Verdicts.assessMeasurement(compile("len(result) == 0 || result[0] < 0.05"), null, empty).phase())
                .isEqualTo(SUCCESSFUL);
        assertThat(Verdicts.assessMeasurement(null, compile("len(result) == 0"), empty).phase()).isEqualTo(FAILED);
    }

    @Test
    void messagesSayWhichConditionDecided() {
        MetricValue value = MetricValue.vector(List.of(0.12));
        assertThat(Verdicts.assessMeasurement(null, compile("result[0] > 0.05"), value).message())
                .isEqualTo("failureCondition result[0] > 0.05 is true");
        assertThat(Verdicts.assessMeasurement(compile("result[0] >= 0.95"), null, value).message())
                .isEqualTo("successCondition result[0] >= 0.95 is false");
        assertThat(Verdicts.assessMeasurement(compile("result[3] >= 0.95"), null, value).message())
                .contains("Index out of bounds");
    }

    @Test
    void failureLimitThreeFailsOnTheFourthFailure() {
        MetricSpec metric = metric(10, 3, null, null);
        MetricResult result = MetricResult.pending("m");
        assertThat(Verdicts.assessMetric(metric, result, false).phase()).isEqualTo(PENDING);
        for (int i = 1; i <= 3; i++) {
            result = Verdicts.recordMeasurement(result, measurement(FAILED));
            assertThat(Verdicts.assessMetric(metric, result, false).phase()).as("after %d failures", i).isEqualTo(RUNNING);
        }
        result = Verdicts.recordMeasurement(result, measurement(FAILED));
        Verdicts.Assessment assessment = Verdicts.assessMetric(metric, result, false);
        assertThat(assessment.phase()).isEqualTo(FAILED);
        assertThat(assessment.message()).startsWith("4 failed measurements, more than failureLimit 3");
    }

    @Test
    void inconclusiveLimit() {
        MetricSpec metric = metric(10, null, 1, null);
        MetricResult result = Verdicts.recordMeasurement(MetricResult.pending("m"), measurement(INCONCLUSIVE));
        assertThat(Verdicts.assessMetric(metric, result, false).phase()).isEqualTo(RUNNING);
        result = Verdicts.recordMeasurement(result, measurement(INCONCLUSIVE));
        assertThat(Verdicts.assessMetric(metric, result, false).phase()).isEqualTo(INCONCLUSIVE);
    }

    @Test
    void defaultConsecutiveErrorLimitErrsOnTheFifthConsecutiveError() {
        MetricSpec metric = metric(3, null, null, null);
        MetricResult result = MetricResult.pending("m");
        for (int i = 1; i <= 4; i++) {
            result = Verdicts.recordMeasurement(result, measurement(ERROR));
            assertThat(Verdicts.assessMetric(metric, result, false).phase()).isEqualTo(RUNNING);
        }
        // a measurement that is not an error resets the streak
        result = Verdicts.recordMeasurement(result, measurement(SUCCESSFUL));
        assertThat(result.consecutiveError()).isZero();
        for (int i = 1; i <= 4; i++) {
            result = Verdicts.recordMeasurement(result, measurement(ERROR));
        }
        assertThat(Verdicts.assessMetric(metric, result, false).phase()).isEqualTo(RUNNING);
        result = Verdicts.recordMeasurement(result, measurement(ERROR));
        Verdicts.Assessment assessment = Verdicts.assessMetric(metric, result, false);
        assertThat(assessment.phase()).isEqualTo(ERROR);
        assertThat(assessment.message()).startsWith("5 consecutive errors, more than consecutiveErrorLimit 4");
        assertThat(result.error()).isEqualTo(9);
        // errors are retried: they do not count toward count
        assertThat(result.count()).isEqualTo(1);
    }

    @Test
    void countReachedIsSuccessfulEvenWithFailuresWithinTheLimit() {
        MetricSpec metric = metric(3, 1, null, null);
        MetricResult result = MetricResult.pending("m");
        result = Verdicts.recordMeasurement(result, measurement(SUCCESSFUL));
        result = Verdicts.recordMeasurement(result, measurement(FAILED));
        assertThat(Verdicts.assessMetric(metric, result, false).phase()).isEqualTo(RUNNING);
        result = Verdicts.recordMeasurement(result, measurement(SUCCESSFUL));
        Verdicts.Assessment assessment = Verdicts.assessMetric(metric, result, false);
        assertThat(assessment.phase()).isEqualTo(SUCCESSFUL);
        assertThat(assessment.message()).isEqualTo("count 3 reached (2 successful, 1 failed, 0 inconclusive, 0 errors)");
    }

    @Test
    void withoutCountOrIntervalOneMeasurementDecides() {
        MetricSpec metric = new MetricSpec("m", null, null, null, "result[0] > 1", null, null, null, null, null);
        MetricResult result = Verdicts.recordMeasurement(MetricResult.pending("m"), measurement(SUCCESSFUL));
        assertThat(Verdicts.assessMetric(metric, result, false).phase()).isEqualTo(SUCCESSFUL);
    }

    @Test
    void terminatingEndsARunningMetricAsArgo() {
        MetricSpec indefinite = new MetricSpec("m", Duration.ofMinutes(1), null, null, "result[0] > 1", null, null,
                null, null, null);
        assertThat(Verdicts.assessMetric(indefinite, MetricResult.pending("m"), true).phase()).isEqualTo(SUCCESSFUL);
        MetricResult measured = Verdicts.recordMeasurement(MetricResult.pending("m"), measurement(SUCCESSFUL));
        assertThat(Verdicts.assessMetric(indefinite, measured, false).phase()).isEqualTo(RUNNING);
        assertThat(Verdicts.assessMetric(indefinite, measured, true).phase()).isEqualTo(SUCCESSFUL);
        MetricResult failedTwice = Verdicts.recordMeasurement(
                Verdicts.recordMeasurement(MetricResult.pending("m"), measurement(FAILED)), measurement(FAILED));
        assertThat(Verdicts.assessMetric(metric(5, 1, null, null), failedTwice, true).phase()).isEqualTo(FAILED);
    }

    @Test
    void runIsTheWorstOfItsMetricsOnceAllCompleted() {
        assertThat(Verdicts.assessRun(List.of(SUCCESSFUL, SUCCESSFUL))).isEqualTo(SUCCESSFUL);
        assertThat(Verdicts.assessRun(List.of(SUCCESSFUL, INCONCLUSIVE))).isEqualTo(INCONCLUSIVE);
        assertThat(Verdicts.assessRun(List.of(ERROR, INCONCLUSIVE, SUCCESSFUL))).isEqualTo(ERROR);
        assertThat(Verdicts.assessRun(List.of(ERROR, FAILED))).isEqualTo(FAILED);
        assertThat(Verdicts.assessRun(List.of(FAILED, RUNNING))).isEqualTo(RUNNING);
        assertThat(Verdicts.assessRun(List.of(PENDING, SUCCESSFUL))).isEqualTo(RUNNING);
    }

    @Test
    void nextMeasurementAfterTheIntervalOrTenSecondsAfterAnErrorWhateverTheInterval() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Measurement ok = new Measurement(t, t, SUCCESSFUL, MetricValue.vector(List.of(1.0)), null);
        Measurement error = new Measurement(t, t, ERROR, null, "down");
        assertThat(Verdicts.delayBeforeNextMeasurement(metric(5, null, null, null), ok)).isEqualTo(Duration.ofMinutes(1));
        // analysis.go generateMetricTasks: lastMeasurement.Phase == Error -> DefaultErrorRetryInterval
        assertThat(Verdicts.delayBeforeNextMeasurement(metric(5, null, null, null), error))
                .isEqualTo(Duration.ofSeconds(10));
        MetricSpec single = new MetricSpec("m", null, null, null, "result[0] > 1", null, null, null, null, null);
        assertThat(Verdicts.delayBeforeNextMeasurement(single, error)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void keepsTheLastTenMeasurementsButCountsAll() {
        MetricResult result = MetricResult.pending("m");
        for (int i = 0; i < 12; i++) {
            result = Verdicts.recordMeasurement(result, new Measurement(T0.plusSeconds(i), T0.plusSeconds(i),
                    SUCCESSFUL, MetricValue.scalar(i), null));
        }
        assertThat(result.measurements()).hasSize(10);
        assertThat(result.measurements().get(0).value()).isEqualTo(MetricValue.scalar(2));
        assertThat(result.successful()).isEqualTo(12);
    }

    private static MetricSpec metric(Integer count, Integer failureLimit, Integer inconclusiveLimit,
                                     Integer consecutiveErrorLimit) {
        return new MetricSpec("m", Duration.ofMinutes(1), count, null, "result[0] >= 0.95", null, failureLimit,
                inconclusiveLimit, consecutiveErrorLimit, null);
    }

    private static Measurement measurement(AnalysisPhase phase) {
        return new Measurement(T0, T0, phase, phase == ERROR ? null : MetricValue.vector(List.of(0.5)), null);
    }

    private static Condition compile(String expression) {
        return expression == null || expression.isBlank() ? null : Condition.compile(expression.trim());
    }
}
