package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.Map;

/**
 * What is rolled out: the new {@code image} for {@code container} of the stable Deployment {@code deployment}
 * in {@code namespace}.
 *
 * @param canaryReplicas fixed size of the canary Deployment; when absent it is sized from the weight
 *                       (at least one pod)
 * @param canaryLabels   labels set on the canary pods (and its selector) on top of the stable pod labels; they
 *                       must make the canary pods distinct from the stable ones. Default {@code track: canary}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Target(
        String namespace,
        String deployment,
        String container,
        String image,
        Integer canaryReplicas,
        Map<String, String> canaryLabels) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final Map<String, String> DEFAULT_CANARY_LABELS = Map.of("track", "canary");

    public Target {
        canaryLabels = canaryLabels == null || canaryLabels.isEmpty()
                ? DEFAULT_CANARY_LABELS : Map.copyOf(canaryLabels);
    }

    /** The name of the canary Deployment the engine manages next to the stable one. */
    public String canaryDeployment() {
        return deployment + "-canary";
    }

    /** The name of the baseline Deployment (the stable image at the canary's size) of a plan with a baseline. */
    public String baselineDeployment() {
        return deployment + "-baseline";
    }
}
