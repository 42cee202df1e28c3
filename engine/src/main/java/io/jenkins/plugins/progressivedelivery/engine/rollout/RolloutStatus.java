package io.jenkins.plugins.progressivedelivery.engine.rollout;

import java.io.Serializable;

/**
 * A rollout at a glance, for a thread dump, the build page and the CLI.
 *
 * @param step              1-based index of the current step ({@code stepCount + 1} while promoting)
 * @param awaitingPromotion true while only promote or abort can move it on
 * @param waitingFor        what it waits for right now, e.g. {@code pause until 12:04:10Z}
 * @param retrying          while a rollback keeps failing: {@code retrying (attempt N, API unreachable since T)}
 */
public record RolloutStatus(RolloutPhase phase, int step, int stepCount, int canaryWeight,
                            boolean awaitingPromotion, String waitingFor, String retrying) implements Serializable {
    private static final long serialVersionUID = 1L;

    public RolloutStatus(RolloutPhase phase, int step, int stepCount, int canaryWeight, boolean awaitingPromotion,
                         String waitingFor) {
        this(phase, step, stepCount, canaryWeight, awaitingPromotion, waitingFor, null);
    }

    /**
     * {@code paused, step 5/7, canary 50%, waiting for promote or abort}; while a rollback retries,
     * {@code ROLLING BACK — retrying (attempt 4, API unreachable since 12:00:01Z), step 2/3, canary 20%}.
     */
    public String line() {
        if (retrying != null) {
            return "ROLLING BACK \u2014 " + retrying + ", step " + Math.min(step, stepCount) + "/" + stepCount
                    + ", canary " + canaryWeight + "%";
        }
        return phase.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ", step "
                + Math.min(step, stepCount) + "/" + stepCount + ", canary " + canaryWeight + "%"
                + (waitingFor == null ? "" : ", waiting for " + waitingFor);
    }
}
