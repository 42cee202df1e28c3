package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code canaryRollout}'s {@code analysis}: Argo Rollouts' {@code strategy.canary.analysis}, an analysis that runs in
 * the background from step {@code startingStep} (0-based, as in Argo) until the rollout ends; a Failed or Error verdict
 * rolls back at once. {@code [startingStep: 1, templates: [[templateName: 'success-rate']], args: [...]]} binds to it.
 */
public final class BackgroundAnalysis extends AbstractDescribableImpl<BackgroundAnalysis> {
    private Integer startingStep;
    private List<AnalysisTemplateRef> templates;
    private List<AnalysisArgument> args;
    private List<Metric> metrics;
    private List<DryRunMetric> dryRun;
    private List<MeasurementRetention> measurementRetention;
    private String conditionLanguage;

    @DataBoundConstructor
    public BackgroundAnalysis() {
    }

    public Integer getStartingStep() {
        return startingStep;
    }

    @DataBoundSetter
    public void setStartingStep(Integer startingStep) {
        this.startingStep = startingStep;
    }

    public List<AnalysisTemplateRef> getTemplates() {
        return templates;
    }

    @DataBoundSetter
    public void setTemplates(List<AnalysisTemplateRef> templates) {
        this.templates = Literals.copy(templates);
    }

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

    public Map<String, Object> toPlan() {
        Map<String, Object> analysis = new LinkedHashMap<>();
        Literals.put(analysis, "startingStep", startingStep);
        Literals.put(analysis, "templates", Literals.plans(templates, AnalysisTemplateRef::toPlan));
        Literals.put(analysis, "args", Literals.plans(args, AnalysisArgument::toPlan));
        Literals.put(analysis, "metrics", Literals.plans(metrics, Metric::toPlan));
        Literals.put(analysis, "dryRun", Literals.plans(dryRun, DryRunMetric::toPlan));
        Literals.put(analysis, "measurementRetention", Literals.plans(measurementRetention, MeasurementRetention::toPlan));
        Literals.put(analysis, "conditionLanguage", conditionLanguage);
        return analysis;
    }

    @Extension
    @Symbol("backgroundAnalysis")
    public static final class DescriptorImpl extends Descriptor<BackgroundAnalysis> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Background analysis";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(BackgroundAnalysis.class, arguments);
        }
    }
}
