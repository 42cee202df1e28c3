package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * An analysis, as an Argo Rollouts AnalysisTemplate's {@code spec}: the arguments it declares and its metrics. The
 * value of {@code blueGreenSwitch}'s {@code prePromotionAnalysis} and {@code postPromotionAnalysis}
 * ({@code [args: [...], metrics: [...]]} binds to it) and the content of a canary {@code analysis} step.
 *
 * <p>Where analyses learn more (Argo's {@code templates: [[templateName: ..., clusterScope: ...]]}, background
 * analysis' {@code startingStep}): a typed field here (a small Describable for a template reference), copied in
 * {@link AnalysisStep}, and a line in {@link #toPlan()}.
 */
public final class Analysis extends AbstractDescribableImpl<Analysis> {
    private List<AnalysisArgument> args;
    private List<Metric> metrics;
    private String template;

    @DataBoundConstructor
    public Analysis() {
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

    public String getTemplate() {
        return template;
    }

    /** The name of an analysis template configured in Manage Jenkins » System, instead of (or before) the metrics. */
    @DataBoundSetter
    public void setTemplate(String template) {
        this.template = template == null || template.isBlank() ? null : template.trim();
    }

    /**
     * {@code {args: [...], metrics: [...]}} for the engine; a named template is kept as {@code template} for the step
     * to replace with the template's own spec before the engine reads the plan.
     */
    public Map<String, Object> toPlan() {
        Map<String, Object> analysis = new LinkedHashMap<>();
        if (template != null) {
            analysis.put(TEMPLATE_KEY, template);
        }
        if (args != null && !args.isEmpty()) {
            analysis.put("args", args.stream().map(AnalysisArgument::toPlan).toList());
        }
        if (metrics != null && !metrics.isEmpty()) {
            analysis.put("metrics", metrics.stream().map(Metric::toPlan).toList());
        }
        return analysis;
    }

    /** The key under which {@link #toPlan()} names a configured template, for {@code AnalysisTemplates} to expand. */
    public static final String TEMPLATE_KEY = "template";

    @Extension
    public static final class DescriptorImpl extends Descriptor<Analysis> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Analysis";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(Analysis.class, arguments);
        }
    }
}
