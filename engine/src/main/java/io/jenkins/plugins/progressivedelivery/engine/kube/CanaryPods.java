package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Map;

/**
 * The labels of the stable and canary pods and the selectors of their Deployments: what Services and DestinationRule
 * subsets must tell apart.
 */
public record CanaryPods(
        Map<String, String> stablePodLabels,
        LabelSelector stableSelector,
        Map<String, String> canaryPodLabels,
        LabelSelector canarySelector) {

    public CanaryPods {
        stablePodLabels = Map.copyOf(stablePodLabels);
        canaryPodLabels = Map.copyOf(canaryPodLabels);
    }
}
