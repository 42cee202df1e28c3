package io.jenkins.plugins.progressivedelivery.engine.plan;

import java.util.List;

/**
 * How big the canary is at a step, as Argo Rollouts sizes it: the latest {@code setCanaryScale} up to the step holds
 * until a later one says {@code matchTrafficWeight: true}; without one the canary follows the traffic weight (the
 * step's own {@code setWeight}, or the latest before it). A pure function of the plan, so a resumed rollout sizes the
 * canary exactly as the one before the restart did.
 */
public final class CanaryScale {
    private CanaryScale() {
    }

    /**
     * Exactly one of the three is set.
     *
     * @param replicas        a fixed number of pods
     * @param percentOfStable a percentage of the stable's replicas
     * @param trafficWeight   the traffic weight to size by (when neither of the others is set)
     */
    public record Size(Integer replicas, Integer percentOfStable, int trafficWeight) {
    }

    public static Size at(List<PlanStep> steps, int stepIndex) {
        PlanStep.SetCanaryScale scale = null;
        int weight = 0;
        for (int i = 0; i <= stepIndex && i < steps.size(); i++) {
            PlanStep step = steps.get(i);
            if (step instanceof PlanStep.SetCanaryScale s) {
                scale = s.matchesTraffic() ? null : s;
            } else if (step instanceof PlanStep.SetWeight w) {
                weight = w.weight();
            }
        }
        if (scale == null) {
            return new Size(null, null, weight);
        }
        return scale.replicas() != null ? new Size(scale.replicas(), null, weight)
                : new Size(null, scale.weight(), weight);
    }
}
