package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import java.util.Map;

/**
 * The pod labels of the two colours: the active colour's as its pod template has them, the new colour's the same
 * with the colour label set to the other colour. What Services and DestinationRule subsets must tell apart.
 */
public record ColourPods(String colorLabel, Colour active, Map<String, String> activePodLabels,
                         Map<String, String> newPodLabels) {

    public ColourPods {
        activePodLabels = Map.copyOf(activePodLabels);
        newPodLabels = Map.copyOf(newPodLabels);
    }

    public Map<String, String> labels(Colour colour) {
        return colour == active ? activePodLabels : newPodLabels;
    }
}
