package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;

/**
 * The {@code spec} of an Argo Rollouts AnalysisTemplate: arguments and metrics. Used inline in a canary step, by
 * the {@code analysisGate} step, and loaded from an AnalysisTemplate file.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AnalysisSpec(List<ArgumentSpec> args, List<MetricSpec> metrics) implements Serializable {
    private static final long serialVersionUID = 1L;

    public AnalysisSpec {
        args = args == null ? List.of() : List.copyOf(args);
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }
}
