package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/** {@code setWeight(20)} / {@code [setWeight: 20]}: sends this percentage of traffic to the canary. */
public final class SetWeightStep extends CanaryPlanStep {
    private final int weight;

    @DataBoundConstructor
    public SetWeightStep(int weight) {
        this.weight = weight;
    }

    public int getWeight() {
        return weight;
    }

    @Override
    public Map<String, Object> toPlan() {
        return Map.of("setWeight", weight);
    }

    @Extension
    @Symbol("setWeight")
    public static final class DescriptorImpl extends CanaryPlanStepDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Set the canary's traffic weight";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(SetWeightStep.class, arguments);
        }
    }
}
