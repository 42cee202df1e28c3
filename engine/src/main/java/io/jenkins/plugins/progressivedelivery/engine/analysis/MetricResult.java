package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * Where one metric of an analysis stands, with Argo Rollouts' counters.
 *
 * @param count            measurements that count toward the metric's {@code count}: Successful, Failed and
 *                         Inconclusive ones; an Error is retried and does not count (Argo)
 * @param consecutiveError errors since the last measurement that was not an Error
 * @param consecutiveSuccess Successful measurements since the last one that was not (for
 *                         {@code consecutiveSuccessLimit})
 * @param dryRun           the metric is measured and recorded but never decides the verdict
 * @param measurements     the most recent measurements, oldest first (at most
 *                         {@link Verdicts#MEASUREMENT_HISTORY_LIMIT}; the audit trail has them all)
 * @param message          why the metric is in its phase ({@code 1 failed measurement, more than failureLimit 0})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricResult(
        String name,
        AnalysisPhase phase,
        int count,
        int successful,
        int failed,
        int inconclusive,
        int error,
        int consecutiveError,
        List<Measurement> measurements,
        String message,
        int consecutiveSuccess,
        boolean dryRun) implements Serializable {

    private static final long serialVersionUID = 1L;

    public MetricResult {
        measurements = measurements == null ? List.of() : List.copyOf(measurements);
    }

    public MetricResult(String name, AnalysisPhase phase, int count, int successful, int failed, int inconclusive,
                        int error, int consecutiveError, List<Measurement> measurements, String message) {
        this(name, phase, count, successful, failed, inconclusive, error, consecutiveError, measurements, message, 0,
                false);
    }

    /** A metric that has not been measured yet. */
    public static MetricResult pending(String name) {
        return new MetricResult(name, AnalysisPhase.PENDING, 0, 0, 0, 0, 0, 0, List.of(), null);
    }

    public MetricResult asDryRun(boolean isDryRun) {
        return new MetricResult(name, phase, count, successful, failed, inconclusive, error, consecutiveError,
                measurements, message, consecutiveSuccess, isDryRun);
    }

    /** How many measurements were taken, errors included. */
    public int measured() {
        return successful + failed + inconclusive + error;
    }

    public Optional<Measurement> lastMeasurement() {
        return measurements.isEmpty() ? Optional.empty() : Optional.of(measurements.get(measurements.size() - 1));
    }

    public MetricResult withPhase(AnalysisPhase newPhase, String newMessage) {
        return new MetricResult(name, newPhase, count, successful, failed, inconclusive, error, consecutiveError,
                measurements, newMessage, consecutiveSuccess, dryRun);
    }
}
