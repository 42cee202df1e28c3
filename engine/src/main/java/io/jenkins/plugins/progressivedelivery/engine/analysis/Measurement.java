package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.time.Instant;

/**
 * One measurement of one metric, kept for the record: a reviewer sees its phase, the query that produced it (with
 * the arguments substituted) and its value without opening Prometheus.
 *
 * @param value   what the provider returned; null when the measurement errored. Its text is Argo's
 *                ({@link MetricValue#toString()})
 * @param message why it is Inconclusive or Error ({@code the query returned no series}), else null
 * @param query   what was asked: the resolved PromQL, the web URL, or the Job's name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Measurement(Instant startedAt, Instant finishedAt, AnalysisPhase phase, MetricValue value,
                          String message, String query) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Measurement(Instant startedAt, Instant finishedAt, AnalysisPhase phase, MetricValue value, String message) {
        this(startedAt, finishedAt, phase, value, message, null);
    }
}
