package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * The verdict of a whole analysis: the worst of its metrics' phases, as in Argo Rollouts.
 *
 * @param message which metric decided and why ({@code metric 'error-rate' Failed: ...}), or why it was terminated
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnalysisResult(String name, AnalysisPhase phase, List<MetricResult> metrics, String message)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public AnalysisResult {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }

    public Optional<MetricResult> metric(String metricName) {
        return metrics.stream().filter(m -> m.name().equals(metricName)).findFirst();
    }
}
