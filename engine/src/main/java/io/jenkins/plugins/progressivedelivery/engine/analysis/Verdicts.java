package io.jenkins.plugins.progressivedelivery.engine.analysis;

import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The verdict rules of Argo Rollouts as pure functions, so they can be read and tested apart from any scheduling.
 * They follow argo-rollouts {@code utils/evaluate/evaluate.go} ({@code EvaluateResult}),
 * {@code analysis/analysis.go} ({@code runMeasurements}, {@code assessMetricStatus}, {@code asssessRunStatus},
 * {@code generateMetricTasks}, {@code assessMetricFailureInconclusiveOrError}, {@code calculateNextReconcileTime},
 * read at commit c9dd7ea0) and {@code utils/analysis/helpers.go} ({@code IsTerminating}, {@code IsWorse}), with two
 * deliberate differences, both so that missing data never passes: a query that returned no series is Inconclusive
 * (Argo evaluates the conditions on the empty list and, with no conditions, calls it Successful), and a measurement
 * containing NaN is never Successful (Argo passes {@code result[0] > 0.05} as a failure condition on NaN).
 */
public final class Verdicts {

    /**
     * How long to wait before measuring again after an Error, whatever the metric's {@code interval}: Argo's
     * {@code DefaultErrorRetryInterval} ({@code analysis/analysis.go}: {@code 10 * time.Second}, used by
     * {@code generateMetricTasks} and {@code calculateNextReconcileTime} when the last measurement is an Error).
     */
    public static final Duration ERROR_RETRY_INTERVAL = Duration.ofSeconds(10);

    /** Measurements kept per metric, as Argo's {@code DefaultMeasurementHistoryLimit}. */
    public static final int MEASUREMENT_HISTORY_LIMIT = 10;

    /** Why a measurement of an empty vector is Inconclusive. */
    public static final String NO_SERIES = "the query returned no series";

    /** Why a measurement with NaN that the conditions would pass is Inconclusive. */
    public static final String NAN_NEVER_PASSES = "the result contains NaN (no data), which never passes";

    private Verdicts() {
    }

    /** A phase and why. */
    public record Assessment(AnalysisPhase phase, String message) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The phase of one measurement, as Argo's {@code EvaluateResult}:
     * <ul>
     *   <li>no condition: Successful;</li>
     *   <li>only a success condition: Successful when it holds, else Failed;</li>
     *   <li>only a failure condition: Failed when it holds, else Successful;</li>
     *   <li>both: Failed when the failure condition holds, Successful when only the success condition holds,
     *       Inconclusive when neither does;</li>
     *   <li>a condition that cannot be evaluated: Error.</li>
     * </ul>
     * An empty vector is Inconclusive ({@value #NO_SERIES}) unless a condition examines emptiness
     * ({@link Condition#inspectsEmptiness()}): no data is never a pass.
     *
     * @param successCondition null when the metric has none
     * @param failureCondition null when the metric has none
     */
    public static Assessment assessMeasurement(Condition successCondition, Condition failureCondition,
                                               MetricValue value) {
        if (value.outcome() != null) {
            return new Assessment(value.outcome(), value.outcome() == AnalysisPhase.SUCCESSFUL ? null : value.json());
        }
        boolean judgesEmptiness = (successCondition != null && successCondition.inspectsEmptiness())
                || (failureCondition != null && failureCondition.inspectsEmptiness());
        if (!value.isDocument() && !value.scalar() && value.isEmpty() && !judgesEmptiness) {
            return new Assessment(AnalysisPhase.INCONCLUSIVE, NO_SERIES);
        }
        Assessment assessment = evaluate(successCondition, failureCondition, value);
        if (assessment.phase() == AnalysisPhase.SUCCESSFUL && value.values().stream().anyMatch(v -> v.isNaN())) {
            return new Assessment(AnalysisPhase.INCONCLUSIVE, NAN_NEVER_PASSES);
        }
        return assessment;
    }

    private static Assessment evaluate(Condition successCondition, Condition failureCondition, MetricValue value) {
        if (successCondition == null && failureCondition == null) {
            return new Assessment(AnalysisPhase.SUCCESSFUL, null);
        }
        boolean success = false;
        boolean failure = false;
        try {
            if (successCondition != null) {
                success = successCondition.evaluate(value);
            }
            if (failureCondition != null) {
                failure = failureCondition.evaluate(value);
            }
        } catch (ConditionException e) {
            return new Assessment(AnalysisPhase.ERROR, e.getMessage());
        }
        if (failureCondition == null) {
            return success ? new Assessment(AnalysisPhase.SUCCESSFUL, null)
                    : new Assessment(AnalysisPhase.FAILED, "successCondition " + successCondition + " is false");
        }
        if (failure) {
            return new Assessment(AnalysisPhase.FAILED, "failureCondition " + failureCondition + " is true");
        }
        if (successCondition == null || success) {
            return new Assessment(AnalysisPhase.SUCCESSFUL, null);
        }
        return new Assessment(AnalysisPhase.INCONCLUSIVE,
                "neither successCondition " + successCondition + " nor failureCondition " + failureCondition + " is true");
    }

    /**
     * Adds a completed measurement to a metric's counters as Argo's {@code runMeasurements}: Successful, Failed and
     * Inconclusive count toward {@code count} and reset the consecutive errors; an Error only adds to the errors.
     */
    public static MetricResult recordMeasurement(MetricResult result, Measurement measurement) {
        return recordMeasurement(result, measurement, MEASUREMENT_HISTORY_LIMIT);
    }

    /**
     * As {@link #recordMeasurement(MetricResult, Measurement)}, keeping the last {@code retention} measurements
     * ({@code measurementRetention}). {@code consecutiveSuccess} counts Successful measurements in a row; any other
     * phase, an Error included, resets it.
     */
    public static MetricResult recordMeasurement(MetricResult result, Measurement measurement, int retention) {
        int consecutiveSuccess = measurement.phase() == AnalysisPhase.SUCCESSFUL ? result.consecutiveSuccess() + 1 : 0;
        int count = result.count();
        int successful = result.successful();
        int failed = result.failed();
        int inconclusive = result.inconclusive();
        int error = result.error();
        int consecutiveError = result.consecutiveError();
        switch (measurement.phase()) {
            case SUCCESSFUL:
                successful++;
                count++;
                consecutiveError = 0;
                break;
            case FAILED:
                failed++;
                count++;
                consecutiveError = 0;
                break;
            case INCONCLUSIVE:
                inconclusive++;
                count++;
                consecutiveError = 0;
                break;
            case ERROR:
                error++;
                consecutiveError++;
                break;
            default:
                throw new IllegalArgumentException("a recorded measurement is completed, not " + measurement.phase());
        }
        List<Measurement> measurements = new ArrayList<>(result.measurements());
        measurements.add(measurement);
        int limit = Math.max(1, retention);
        if (measurements.size() > limit) {
            measurements = measurements.subList(measurements.size() - limit, measurements.size());
        }
        return new MetricResult(result.name(), result.phase(), count, successful, failed, inconclusive, error,
                consecutiveError, measurements, result.message(), consecutiveSuccess, result.dryRun());
    }

    /**
     * The phase of a metric, as Argo's {@code assessMetricStatus} and {@code assessMetricFailureInconclusiveOrError}:
     * <ol>
     *   <li>limits, where a later rule overrides an earlier one as in Argo: Failed when failed measurements exceed
     *       {@code failureLimit} (never with {@code failureLimit: -1}), Inconclusive when inconclusive ones exceed
     *       {@code inconclusiveLimit}, Error when consecutive errors exceed {@code consecutiveErrorLimit};</li>
     *   <li>Successful as soon as {@code consecutiveSuccessLimit} Successful measurements came in a row;</li>
     *   <li>when {@code count} is reached: Successful, unless a {@code consecutiveSuccessLimit} was not reached
     *       (then Failed with {@code failureLimit: -1}, Inconclusive when both limits apply);</li>
     *   <li>Successful when the run is terminating; otherwise Running (Pending before the first measurement).</li>
     * </ol>
     *
     * @param terminating the run is being stopped (another metric completed unsuccessfully, or on request)
     */
    public static Assessment assessMetric(MetricSpec metric, MetricResult result, boolean terminating) {
        if (result.phase().completed()) {
            return new Assessment(result.phase(), result.message());
        }
        if (result.measured() == 0) {
            return terminating ? new Assessment(AnalysisPhase.SUCCESSFUL, "run terminated before the first measurement")
                    : new Assessment(AnalysisPhase.PENDING, null);
        }
        String last = result.lastMeasurement().map(Verdicts::describe).orElse("");
        Assessment limit = null;
        if (metric.failureLimitApplies() && result.failed() > metric.effectiveFailureLimit()) {
            limit = new Assessment(AnalysisPhase.FAILED, plural(result.failed(), "failed measurement")
                    + ", more than failureLimit " + metric.effectiveFailureLimit() + last);
        }
        if (result.inconclusive() > metric.effectiveInconclusiveLimit()) {
            limit = new Assessment(AnalysisPhase.INCONCLUSIVE, plural(result.inconclusive(), "inconclusive measurement")
                    + ", more than inconclusiveLimit " + metric.effectiveInconclusiveLimit() + last);
        }
        if (result.consecutiveError() > metric.effectiveConsecutiveErrorLimit()) {
            limit = new Assessment(AnalysisPhase.ERROR, plural(result.consecutiveError(), "consecutive error")
                    + ", more than consecutiveErrorLimit " + metric.effectiveConsecutiveErrorLimit() + last);
        }
        if (limit != null) {
            return limit;
        }
        int successLimit = metric.effectiveConsecutiveSuccessLimit();
        if (successLimit > 0 && result.consecutiveSuccess() >= successLimit) {
            return new Assessment(AnalysisPhase.SUCCESSFUL, plural(result.consecutiveSuccess(),
                    "consecutive successful measurement") + ", consecutiveSuccessLimit " + successLimit + " reached ("
                    + tally(result) + ")");
        }
        Integer effectiveCount = metric.effectiveCount();
        if (effectiveCount != null && result.count() >= effectiveCount) {
            if (successLimit > 0) {
                AnalysisPhase phase = metric.failureLimitApplies() ? AnalysisPhase.INCONCLUSIVE : AnalysisPhase.FAILED;
                return new Assessment(phase, "count " + effectiveCount + " reached without "
                        + successLimit + " consecutive successful measurements (" + tally(result) + ")" + last);
            }
            return new Assessment(AnalysisPhase.SUCCESSFUL, "count " + effectiveCount + " reached (" + tally(result) + ")");
        }
        if (terminating) {
            return new Assessment(AnalysisPhase.SUCCESSFUL, "run terminated (" + tally(result) + ")");
        }
        return new Assessment(AnalysisPhase.RUNNING, null);
    }

    /**
     * The phase of a whole analysis, as Argo's {@code asssessRunStatus}: Running while any metric is, else the worst
     * of the metrics' phases (Successful &lt; Inconclusive &lt; Error &lt; Failed).
     */
    public static AnalysisPhase assessRun(Collection<AnalysisPhase> metricPhases) {
        AnalysisPhase worst = null;
        for (AnalysisPhase phase : metricPhases) {
            if (!phase.completed()) {
                return AnalysisPhase.RUNNING;
            }
            if (worst == null || phase.isWorseThan(worst)) {
                worst = phase;
            }
        }
        return worst == null ? AnalysisPhase.RUNNING : worst;
    }

    /**
     * How long after a measurement finished the next one is due, for a metric that is still running: 10 s after an
     * Error ({@link #ERROR_RETRY_INTERVAL}) whatever the interval, else its {@code interval}, as Argo's
     * {@code generateMetricTasks}.
     */
    public static Duration delayBeforeNextMeasurement(MetricSpec metric, Measurement last) {
        if ((last != null && last.phase() == AnalysisPhase.ERROR) || metric.interval() == null) {
            return ERROR_RETRY_INTERVAL;
        }
        return metric.interval();
    }

    private static String describe(Measurement measurement) {
        StringBuilder text = new StringBuilder("; last measurement ");
        if (measurement.value() != null) {
            text.append(measurement.value()).append(' ');
        }
        text.append(measurement.phase().displayName());
        if (measurement.message() != null) {
            text.append(": ").append(measurement.message());
        }
        return text.toString();
    }

    private static String tally(MetricResult result) {
        return result.successful() + " successful, " + result.failed() + " failed, " + result.inconclusive()
                + " inconclusive, " + result.error() + " errors";
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
