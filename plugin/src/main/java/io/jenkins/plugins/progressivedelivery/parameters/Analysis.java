package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * An analysis, as an Argo Rollouts AnalysisTemplate's {@code spec}: the arguments it declares and its metrics. The
 * value of {@code blueGreenSwitch}'s {@code prePromotionAnalysis} and {@code postPromotionAnalysis}
 * ({@code [args: [...], metrics: [...]]} binds to it) and the content of a canary {@code analysis} step.
 *
 * <p>Where analyses learn more: a typed field in {@link AnalysisParameters} (shared with {@link BackgroundAnalysis}),
 * copied in {@link AnalysisStep}, and a line in {@link AnalysisParameters#putShared}.
 */
public final class Analysis extends AnalysisParameters<Analysis> {
    private String template;

    @DataBoundConstructor
    public Analysis() {
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
        putShared(analysis);
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
