package io.jenkins.plugins.progressivedelivery.engine.rollout;

import java.io.Serializable;

/**
 * A rollout at a glance, for a thread dump, the build page and the CLI.
 *
 * @param step              1-based index of the current step ({@code stepCount + 1} while promoting)
 * @param awaitingPromotion true while only promote or abort can move it on
 * @param waitingFor        what it waits for right now, e.g. {@code pause until 12:04:10Z}
 */
public record RolloutStatus(RolloutPhase phase, int step, int stepCount, int canaryWeight,
                            boolean awaitingPromotion, String waitingFor) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code paused, step 5/7, canary 50%, waiting for promote or abort}. */
    public String line() {
        return phase.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ", step "
                + Math.min(step, stepCount) + "/" + stepCount + ", canary " + canaryWeight + "%"
                + (waitingFor == null ? "" : ", waiting for " + waitingFor);
    }
}
