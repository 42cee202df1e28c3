package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;

/**
 * Argo Rollouts' {@code strategy.canary.analysis}: an analysis that runs in the background from step
 * {@code startingStep} (0-based, as in Argo; default 0) until the rollout ends. A Failed or Error verdict rolls back
 * at once, whatever the rollout is doing; Inconclusive pauses it; Successful (its metrics reached their count) lets
 * it go on. Its metrics may have an {@code interval} and no {@code count}: they measure until the rollout ends.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record BackgroundAnalysis(Integer startingStep, List<AnalysisSpec.TemplateRef> templates,
                                 List<ArgumentSpec> args, List<MetricSpec> metrics,
                                 List<AnalysisSpec.MetricSelector> dryRun,
                                 List<AnalysisSpec.MetricSelector> measurementRetention,
                                 String conditionLanguage) implements Serializable {
    private static final long serialVersionUID = 1L;

    public int effectiveStartingStep() {
        return startingStep == null ? 0 : startingStep;
    }

    /** The analysis itself. */
    public AnalysisSpec spec() {
        return new AnalysisSpec(args, metrics, dryRun, measurementRetention, templates, conditionLanguage);
    }

    /** The same background analysis with its templates read and merged in. */
    public BackgroundAnalysis withSpec(AnalysisSpec spec) {
        return new BackgroundAnalysis(startingStep, spec.templates(), spec.args(), spec.metrics(), spec.dryRun(),
                spec.measurementRetention(), spec.conditionLanguage());
    }
}
