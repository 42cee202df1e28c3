package io.jenkins.plugins.progressivedelivery.engine.rollout;

import java.io.Serializable;

/**
 * What preflight found.
 *
 * @param stableReplicas the stable Deployment's desired replicas
 * @param canaryWeight   the canary's current weight (non-zero when a previous rollout was left half-way)
 * @param router         how traffic is split, for the log ({@code istio host split virtualservice/demo/web route primary})
 * @param stableImage    what the stable Deployment runs in the target container before the rollout
 * @param stablePodTemplate the stable Deployment's pod template before the rollout (JSON): a rollback after the
 *                       promotion write puts it back
 * @param rollbackCommand the {@code kubectl} command that moves all traffic to stable by hand, for a rollback that
 *                       cannot finish; null when the router cannot say one
 */
public record ClusterSnapshot(int stableReplicas, int canaryWeight, String router, String stableImage,
                              String stablePodTemplate, String rollbackCommand) implements Serializable {
    private static final long serialVersionUID = 1L;

    public ClusterSnapshot(int stableReplicas, int canaryWeight, String router) {
        this(stableReplicas, canaryWeight, router, null, null, null);
    }
}
