package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.time.Instant;

/**
 * One measurement of one metric, kept for the record.
 *
 * @param value   what the provider returned; null when the measurement errored
 * @param message why it is Inconclusive or Error ({@code the query returned no series}), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Measurement(Instant startedAt, Instant finishedAt, AnalysisPhase phase, MetricValue value,
                          String message) implements Serializable {
    private static final long serialVersionUID = 1L;
}
