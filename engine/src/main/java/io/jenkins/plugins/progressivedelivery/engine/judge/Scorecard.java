package io.jenkins.plugins.progressivedelivery.engine.judge;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;

/**
 * The judge's answer: the verdict, the score and every metric's classification.
 *
 * @param score   0..100, the weighted share of scored metrics that passed; null when nothing could be scored
 * @param control what the canary was compared with: {@code baseline} or {@code stable}
 * @param message why the verdict, in words
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Scorecard(Verdict verdict, Double score, double passThreshold, double marginalThreshold,
                        String control, List<MetricJudgement> metrics, String message) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Scorecard {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }

    /** The same scorecard without the metrics' series (they are in the audit events, for the build page). */
    public Scorecard withoutSeries() {
        return new Scorecard(verdict, score, passThreshold, marginalThreshold, control,
                metrics.stream().map(MetricJudgement::withoutSeries).toList(), message);
    }
}
