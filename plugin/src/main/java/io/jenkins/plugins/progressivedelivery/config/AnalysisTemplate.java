package io.jenkins.plugins.progressivedelivery.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * An analysis kept in Jenkins' configuration under a name: an Argo Rollouts AnalysisTemplate (or its
 * {@code {args, metrics}} spec) as YAML, used by {@code analysisGate template: 'success-rate'} and by
 * {@code analysis(template: 'success-rate')} in the rollout steps.
 */
public final class AnalysisTemplate extends AbstractDescribableImpl<AnalysisTemplate> {
    private final String name;
    private final String yaml;

    @DataBoundConstructor
    public AnalysisTemplate(String name, String yaml) {
        this.name = name == null ? null : name.trim();
        this.yaml = yaml;
    }

    public String getName() {
        return name;
    }

    public String getYaml() {
        return yaml;
    }

    @Extension
    @Symbol("analysisTemplate")
    public static final class DescriptorImpl extends Descriptor<AnalysisTemplate> {
        @Override
        public String getDisplayName() {
            return "Analysis template";
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            Permissions.checkAdminister();
            return Checks.name(value);
        }

        /** The engine's own validation, so the form says what a build would say. */
        @POST
        public FormValidation doCheckYaml(@QueryParameter String value, @QueryParameter String name) {
            Permissions.checkAdminister();
            return Checks.analysis(value, name);
        }
    }

    /** As a build would load it, a query without an address going to the step's configured server. */
    static FormValidation validate(String yaml, String name) {
        try {
            java.util.Map<String, Object> spec = PlanDefaults.spec(new AnalysisTemplate(name, yaml));
            PlanDefaults.applyServer(spec, new PrometheusServer("configured", "http://configured-prometheus"));
            PlanLoader.analysisFromMap(spec, "analysis template '" + name + "'");
            return FormValidation.ok();
        } catch (InvalidPlanException | hudson.AbortException e) {
            return FormValidation.error(e.getMessage());
        }
    }
}
