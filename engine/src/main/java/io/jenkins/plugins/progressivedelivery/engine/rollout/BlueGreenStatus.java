package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import java.io.Serializable;

/**
 * A blue-green switch at a glance, for a thread dump, the build page and the CLI.
 *
 * @param activeColour      the colour taking production traffic; null before preflight
 * @param newColour         the colour the new version is deployed to; null before preflight
 * @param newColourWeight   the new colour's share of production traffic: 0 or 100
 * @param awaitingPromotion true while only promote or abort can move it on
 * @param waitingFor        what it waits for right now, e.g. {@code scaleDownDelaySeconds until 12:04:10Z}
 * @param retrying          while the switch back keeps failing: {@code retrying (attempt N, API unreachable since T)}
 */
public record BlueGreenStatus(RolloutPhase phase, BlueGreenStage stage, Colour activeColour, Colour newColour,
                              int newColourWeight, boolean awaitingPromotion, String waitingFor, String retrying)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public BlueGreenStatus(RolloutPhase phase, BlueGreenStage stage, Colour activeColour, Colour newColour,
                           int newColourWeight, boolean awaitingPromotion, String waitingFor) {
        this(phase, stage, activeColour, newColour, newColourWeight, awaitingPromotion, waitingFor, null);
    }

    /** {@code paused, production on blue, green at 0%, waiting for promote or abort}. */
    public String line() {
        if (retrying != null) {
            return "ROLLING BACK \u2014 " + retrying + ", production on " + (activeColour == null ? "?"
                    : activeColour.id()) + ", switching back to " + (newColour == null ? "?" : newColour.other().id());
        }
        return phase.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ", production on "
                + (activeColour == null ? "?" : activeColour.id()) + ", "
                + (newColour == null ? "new colour" : newColour.id()) + " at " + newColourWeight + "%"
                + (waitingFor == null ? "" : ", waiting for " + waitingFor);
    }
}
