package io.jenkins.plugins.progressivedelivery.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import jenkins.model.Jenkins;
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
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Checks.name(value);
        }

        /** The engine's own validation, so the form says what a build would say. */
        @POST
        public FormValidation doCheckYaml(@QueryParameter String value, @QueryParameter String name) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Checks.analysis(value, name);
        }
    }

    static FormValidation validate(String yaml, String name) {
        try {
            PlanLoader.loadAnalysis(yaml, "analysis template '" + name + "'");
            return FormValidation.ok();
        } catch (InvalidPlanException e) {
            return FormValidation.error(e.getMessage());
        }
    }
}
