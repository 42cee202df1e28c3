package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import java.io.Serializable;

/**
 * What a blue-green preflight found.
 *
 * @param activeColour   the colour taking production traffic; the new version goes to the other
 * @param activeReplicas the active colour's desired replicas: the new colour's full size
 * @param activeImage    what the active colour runs in the target container
 * @param router         how production traffic is switched, for the log
 *                       ({@code service selector service/pay/payments slot})
 */
public record BlueGreenSnapshot(Colour activeColour, int activeReplicas, String activeImage, String router)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}
