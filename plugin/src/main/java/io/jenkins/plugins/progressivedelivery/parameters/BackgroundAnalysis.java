package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code canaryRollout}'s {@code analysis}: Argo Rollouts' {@code strategy.canary.analysis}, an analysis that runs in
 * the background from step {@code startingStep} (0-based, as in Argo) until the rollout ends; a Failed or Error verdict
 * rolls back at once. {@code [startingStep: 1, templates: [[templateName: 'success-rate']], args: [...]]} binds to it.
 * Its other fields are an {@link Analysis}'s ({@link AnalysisParameters}).
 */
public final class BackgroundAnalysis extends AnalysisParameters<BackgroundAnalysis> {
    private Integer startingStep;

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

    public Map<String, Object> toPlan() {
        Map<String, Object> analysis = new LinkedHashMap<>();
        Literals.put(analysis, "startingStep", startingStep);
        putShared(analysis);
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
