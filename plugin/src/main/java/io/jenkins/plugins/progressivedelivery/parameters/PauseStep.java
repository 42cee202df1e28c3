package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code pause('5m')} / {@code [pause: '5m']}: waits that long; {@code pause()} / {@code [pause: [:]]} waits until
 * someone clicks Promote or Abort. The duration is the constructor's only parameter, so structs binds the short forms
 * to it, and left out it is null: the indefinite pause.
 */
public final class PauseStep extends CanaryPlanStep {
    private final String duration;

    @DataBoundConstructor
    public PauseStep(String duration) {
        this.duration = duration == null || duration.isBlank() ? null : duration.trim();
    }

    public String getDuration() {
        return duration;
    }

    @Override
    public Map<String, Object> toPlan() {
        Map<String, Object> pause = new LinkedHashMap<>();
        Literals.put(pause, "duration", duration);
        return Map.of("pause", pause);
    }

    @Extension
    @Symbol("pause")
    public static final class DescriptorImpl extends CanaryPlanStepDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Pause (for a duration, or until Promote)";
        }

        /** {@code [pause: 30]}: a number of seconds, as the engine (and Argo) read it, bound to the string field. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            Map<String, Object> copy = new LinkedHashMap<>(Literals.checked(PauseStep.class, arguments));
            copy.replaceAll((k, v) -> v instanceof Number n ? n.toString() : v);
            return copy;
        }
    }
}
