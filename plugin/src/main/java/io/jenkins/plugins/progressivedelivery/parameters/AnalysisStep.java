package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code analysis(args: [...], metrics: [...])} / {@code [analysis: [args: [...], metrics: [...]]]}: runs an analysis
 * and continues only if it is Successful. Its fields are an {@link Analysis}'s, at the top level as in Argo's
 * {@code - analysis: {templates..., args...}}; new analysis fields are added to both.
 */
public final class AnalysisStep extends CanaryPlanStep {
    private final Analysis analysis = new Analysis();

    @DataBoundConstructor
    public AnalysisStep() {
    }

    public List<AnalysisArgument> getArgs() {
        return analysis.getArgs();
    }

    @DataBoundSetter
    public void setArgs(List<AnalysisArgument> args) {
        analysis.setArgs(args);
    }

    public List<Metric> getMetrics() {
        return analysis.getMetrics();
    }

    @DataBoundSetter
    public void setMetrics(List<Metric> metrics) {
        analysis.setMetrics(metrics);
    }

    public String getTemplate() {
        return analysis.getTemplate();
    }

    @DataBoundSetter
    public void setTemplate(String template) {
        analysis.setTemplate(template);
    }

    @Override
    public Map<String, Object> toPlan() {
        return Map.of("analysis", analysis.toPlan());
    }

    @Extension
    @Symbol("analysis")
    public static final class DescriptorImpl extends CanaryPlanStepDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Analysis (continue only if it is Successful)";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(AnalysisStep.class, arguments);
        }
    }
}
