package io.jenkins.plugins.progressivedelivery.remote;

import java.io.Serializable;

/**
 * What a {@code job} metric needs where the measurements run: the rollout's cluster access and its session of the
 * {@link io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache} there (so a measurement uses the client
 * the rollout's cluster calls use, and the step's end releases both), and the namespace the Jobs run in. Holds
 * secrets (through {@link ClusterAccess}): never persisted, never printed.
 */
public record JobAccess(ClusterAccess cluster, String session, String namespace) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The Jobs of the rollout whose cluster calls {@code cluster} makes; null when it does not make them through
     * this package (then a {@code job} metric fails with the engine's clear error).
     */
    public static JobAccess of(Object cluster, String namespace) {
        return cluster instanceof RemoteCluster remote ? remote.jobAccess(namespace) : null;
    }

    @Override
    public String toString() {
        return "JobAccess[" + cluster.describe() + ", namespace " + namespace + "]";
    }
}
