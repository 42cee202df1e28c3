package io.jenkins.plugins.progressivedelivery.engine.rollout;

import java.io.Serializable;

/**
 * What preflight found.
 *
 * @param stableReplicas the stable Deployment's desired replicas
 * @param canaryWeight   the canary's current weight (non-zero when a previous rollout was left half-way)
 * @param router         how traffic is split, for the log ({@code istio host split virtualservice/demo/web route primary})
 */
public record ClusterSnapshot(int stableReplicas, int canaryWeight, String router) implements Serializable {
    private static final long serialVersionUID = 1L;
}
