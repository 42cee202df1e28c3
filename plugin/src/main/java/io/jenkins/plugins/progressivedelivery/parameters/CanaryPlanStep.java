package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.Map;

/**
 * One step of a canary plan, as {@code canaryRollout}'s {@code steps} takes it: {@code setWeight(10)} or
 * {@code [setWeight: 10]}, {@code pause('5m')}, {@code analysis(...)}. Each kind is one small class with a
 * {@code @Symbol}, turned into the engine's one-key plan map by {@link #toPlan()}; the engine validates it.
 *
 * <p>Adding a kind the engine learnt ({@code judge}, {@code setHeaderRoute}, {@code setMirrorRoute},
 * {@code setCanaryScale}, ...): a class here extending this one, with a {@code @DataBoundConstructor} for its required
 * values, {@code @DataBoundSetter}s for the optional ones, a nested {@code @Extension @Symbol("judge")} descriptor
 * extending {@link CanaryPlanStepDescriptor}, and {@code toPlan()} returning {@code {judge: {...}}}; then its
 * {@code config.jelly} and one {@code help-<field>.html} per field beside it. Nothing else changes: the
 * {@code [judge: [...]]} literal binds through {@link Literals#symbolList}, and the Snippet Generator lists it.
 */
public abstract class CanaryPlanStep extends AbstractDescribableImpl<CanaryPlanStep> {
    /** The step as the engine's plan reads it: one key, the kind, e.g. {@code {setWeight: 10}}. */
    public abstract Map<String, Object> toPlan();

    /** The descriptor of a canary step kind; its {@code @Symbol} is the kind's name in the plan. */
    public abstract static class CanaryPlanStepDescriptor extends Descriptor<CanaryPlanStep> {
    }
}
