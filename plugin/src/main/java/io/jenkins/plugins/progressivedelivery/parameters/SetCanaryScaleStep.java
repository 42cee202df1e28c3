package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code setCanaryScale(replicas: 2)} / {@code [setCanaryScale: [weight: 25]]} /
 * {@code [setCanaryScale: [matchTrafficWeight: true]]}: sizes the canary Deployment apart from its traffic weight, as
 * Argo Rollouts' step; exactly one of the three.
 */
public final class SetCanaryScaleStep extends CanaryPlanStep {
    private Integer replicas;
    private Integer weight;
    private Boolean matchTrafficWeight;

    @DataBoundConstructor
    public SetCanaryScaleStep() {
    }

    public Integer getReplicas() {
        return replicas;
    }

    @DataBoundSetter
    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Integer getWeight() {
        return weight;
    }

    @DataBoundSetter
    public void setWeight(Integer weight) {
        this.weight = weight;
    }

    public Boolean getMatchTrafficWeight() {
        return matchTrafficWeight;
    }

    @DataBoundSetter
    public void setMatchTrafficWeight(Boolean matchTrafficWeight) {
        this.matchTrafficWeight = matchTrafficWeight;
    }

    @Override
    public Map<String, Object> toPlan() {
        Map<String, Object> scale = new LinkedHashMap<>();
        Literals.put(scale, "replicas", replicas);
        Literals.put(scale, "weight", weight);
        Literals.put(scale, "matchTrafficWeight", matchTrafficWeight);
        return Map.of("setCanaryScale", scale);
    }

    @Extension
    @Symbol("setCanaryScale")
    public static final class DescriptorImpl extends CanaryPlanStepDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Size the canary apart from its traffic weight";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(SetCanaryScaleStep.class, arguments);
        }
    }
}
