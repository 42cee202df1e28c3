package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import java.io.Serializable;

/**
 * Where production traffic of a blue-green switch is, as the cluster has it right now: read just before the engine
 * scales a colour down, because someone else (a person with kubectl, a GitOps sync) may have switched it since.
 *
 * @param colour the colour taking all of it; null when that cannot be told (the object is gone, selects no colour,
 *               splits traffic)
 * @param found  what the object says, as the log shows a switch ({@code slot=blue}, {@code blue 100, green 0}), or
 *               what is wrong with it
 * @param writer who wrote the object last ({@code by kubectl-patch (Update at 2026-12-04T12:03:04Z)}), from its
 *               managedFields
 */
public record ProductionTraffic(Colour colour, String found, String writer) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The object no longer exists: nobody can say who deleted it. */
    public static ProductionTraffic gone() {
        return new ProductionTraffic(null, "deleted",
                "by someone else (the API server keeps no record of who deleted it)");
    }
}
