package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.model.AbstractDescribableImpl;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What an {@link Analysis} and a {@link BackgroundAnalysis} both hold: an Argo Rollouts AnalysisTemplate's spec
 * ({@code args}, {@code metrics}, {@code templates}, {@code dryRun}, {@code measurementRetention}) and the condition
 * language. Each subclass adds its own field ({@code template}, {@code startingStep}) and binds as before: structs
 * reads the inherited setters, and each keeps its help files.
 */
public abstract class AnalysisParameters<T extends AnalysisParameters<T>> extends AbstractDescribableImpl<T> {
    private List<AnalysisArgument> args;
    private List<Metric> metrics;
    private List<AnalysisTemplateRef> templates;
    private List<DryRunMetric> dryRun;
    private List<MeasurementRetention> measurementRetention;
    private String conditionLanguage;

    public List<AnalysisArgument> getArgs() {
        return args;
    }

    @DataBoundSetter
    public void setArgs(List<AnalysisArgument> args) {
        this.args = Literals.copy(args);
    }

    public List<Metric> getMetrics() {
        return metrics;
    }

    @DataBoundSetter
    public void setMetrics(List<Metric> metrics) {
        this.metrics = Literals.copy(metrics);
    }

    public List<AnalysisTemplateRef> getTemplates() {
        return templates;
    }

    /** Argo Rollouts AnalysisTemplates in the cluster, {@code [[templateName: 'x', clusterScope: true]]}. */
    @DataBoundSetter
    public void setTemplates(List<AnalysisTemplateRef> templates) {
        this.templates = Literals.copy(templates);
    }

    public List<DryRunMetric> getDryRun() {
        return dryRun;
    }

    @DataBoundSetter
    public void setDryRun(List<DryRunMetric> dryRun) {
        this.dryRun = Literals.copy(dryRun);
    }

    public List<MeasurementRetention> getMeasurementRetention() {
        return measurementRetention;
    }

    @DataBoundSetter
    public void setMeasurementRetention(List<MeasurementRetention> measurementRetention) {
        this.measurementRetention = Literals.copy(measurementRetention);
    }

    public String getConditionLanguage() {
        return conditionLanguage;
    }

    @DataBoundSetter
    public void setConditionLanguage(String conditionLanguage) {
        this.conditionLanguage = conditionLanguage;
    }

    /** The shared fields into the engine's analysis map, in the plan's order, what was not given left out. */
    protected void putShared(Map<String, Object> analysis) {
        Literals.put(analysis, "templates", Literals.plans(templates, AnalysisTemplateRef::toPlan));
        Literals.put(analysis, "args", Literals.plans(args, AnalysisArgument::toPlan));
        Literals.put(analysis, "metrics", Literals.plans(metrics, Metric::toPlan));
        Literals.put(analysis, "dryRun", Literals.plans(dryRun, DryRunMetric::toPlan));
        Literals.put(analysis, "measurementRetention", Literals.plans(measurementRetention,
                MeasurementRetention::toPlan));
        Literals.put(analysis, "conditionLanguage", conditionLanguage);
    }
}
