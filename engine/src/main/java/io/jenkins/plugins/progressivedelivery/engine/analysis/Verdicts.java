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
 * {@code generateMetricTasks}, read at commit 045c1cf0) and {@code utils/analysis/helpers.go} ({@code IsTerminating},
 * {@code IsWorse}), with one deliberate difference: a query that returned no series is never a pass
 * (Argo evaluates the conditions on the empty list and, with no conditions, calls it Successful).
 */
public final class Verdicts {

    /**
     * How long to wait before measuring again after an Error when the metric has no {@code interval}: Argo's
     * {@code DefaultErrorRetryInterval} ({@code analysis/analysis.go}: {@code 10 * time.Second}). When the metric has
     * an interval, Argo measures again after the interval whatever the outcome ({@code generateMetricTasks}).
     */
    public static final Duration ERROR_RETRY_INTERVAL = Duration.ofSeconds(10);

    /** Measurements kept per metric, as Argo's {@code DefaultMeasurementHistoryLimit}. */
    public static final int MEASUREMENT_HISTORY_LIMIT = 10;

    /** Why a measurement of an empty vector is Inconclusive. */
    public static final String NO_SERIES = "the query returned no series";

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
        boolean judgesEmptiness = (successCondition != null && successCondition.inspectsEmptiness())
                || (failureCondition != null && failureCondition.inspectsEmptiness());
        if (!value.scalar() && value.isEmpty() && !judgesEmptiness) {
            return new Assessment(AnalysisPhase.INCONCLUSIVE, NO_SERIES);
        }
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
        if (measurements.size() > MEASUREMENT_HISTORY_LIMIT) {
            measurements = measurements.subList(measurements.size() - MEASUREMENT_HISTORY_LIMIT, measurements.size());
        }
        return new MetricResult(result.name(), result.phase(), count, successful, failed, inconclusive, error,
                consecutiveError, measurements, result.message());
    }

    /**
     * The phase of a metric, as Argo's {@code assessMetricStatus}, checked in this order: Failed when failed
     * measurements exceed {@code failureLimit}; Inconclusive when inconclusive ones exceed {@code inconclusiveLimit};
     * Error when consecutive errors exceed {@code consecutiveErrorLimit}; Successful when {@code count} is reached
     * (failures within the limit do not fail it) or the run is terminating; otherwise Running (Pending before the
     * first measurement).
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
        if (result.failed() > metric.effectiveFailureLimit()) {
            return new Assessment(AnalysisPhase.FAILED, plural(result.failed(), "failed measurement")
                    + ", more than failureLimit " + metric.effectiveFailureLimit() + last);
        }
        if (result.inconclusive() > metric.effectiveInconclusiveLimit()) {
            return new Assessment(AnalysisPhase.INCONCLUSIVE, plural(result.inconclusive(), "inconclusive measurement")
                    + ", more than inconclusiveLimit " + metric.effectiveInconclusiveLimit() + last);
        }
        if (result.consecutiveError() > metric.effectiveConsecutiveErrorLimit()) {
            return new Assessment(AnalysisPhase.ERROR, plural(result.consecutiveError(), "consecutive error")
                    + ", more than consecutiveErrorLimit " + metric.effectiveConsecutiveErrorLimit() + last);
        }
        Integer effectiveCount = metric.effectiveCount();
        if (effectiveCount != null && result.count() >= effectiveCount) {
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
     * How long after a measurement finished the next one is due, for a metric that is still running: its
     * {@code interval}, or {@link #ERROR_RETRY_INTERVAL} when it has none (only an Error leaves such a metric
     * running, since its count is 1), as Argo's {@code generateMetricTasks}.
     */
    public static Duration delayBeforeNextMeasurement(MetricSpec metric) {
        return metric.interval() != null ? metric.interval() : ERROR_RETRY_INTERVAL;
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
