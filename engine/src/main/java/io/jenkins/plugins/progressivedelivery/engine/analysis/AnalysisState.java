package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * Everything needed to continue an {@link AnalysisRun} after a restart: the resolved spec, each metric's counters
 * and measurements, and when each metric is next due. Taken with {@link AnalysisRun#snapshot()}, continued with
 * {@link AnalysisRun#resume}.
 *
 * @param terminationReason why the run was stopped early, if it was
 * @param message           the verdict's explanation once the run completed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnalysisState(
        String name,
        AnalysisSpec spec,
        Instant startedAt,
        AnalysisPhase phase,
        List<MetricState> metrics,
        String terminationReason,
        String message) implements Serializable {

    private static final long serialVersionUID = 1L;

    public AnalysisState {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }

    /**
     * One metric's progress.
     *
     * @param nextMeasurementAt when the next measurement is due; a measurement that was in flight when the state
     *                          was taken is due at the time it started, so a resumed run takes it again at once.
     *                          Null once the metric completed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MetricState(MetricResult result, Instant nextMeasurementAt) implements Serializable {
        private static final long serialVersionUID = 1L;
    }
}
