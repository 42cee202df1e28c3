package io.jenkins.plugins.progressivedelivery.remote;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import java.io.Serializable;
import java.util.ArrayList;

/** One {@link CanaryCluster} call, made with a client built where it runs and closed after it. */
final class ClusterOperation implements Operation<Serializable> {
    private static final long serialVersionUID = 1L;

    enum Kind { PREFLIGHT, PREPARE_CANARY, CANARY_READINESS, SET_WEIGHT, SCALE_CANARY, PROMOTE_STABLE, STABLE_READINESS }

    private final ClusterAccess access;
    private final CanaryPlan plan;
    private final Kind kind;
    private final int argument;

    ClusterOperation(ClusterAccess access, CanaryPlan plan, Kind kind, int argument) {
        this.access = access;
        this.plan = plan;
        this.kind = kind;
        this.argument = argument;
    }

    @Override
    public Serializable run() {
        // fabric8 finds its HTTP client through ServiceLoader on the context class loader: make it the plugin's,
        // which sees the kubernetes-client-api plugin (on an agent: the remote class loader that loaded this class)
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ClusterOperation.class.getClassLoader());
        try {
            return call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private Serializable call() {
        try (KubernetesClient client = KubeClients.create(access.resolve())) {
            CanaryCluster cluster = new KubernetesCanaryCluster(client, plan);
            switch (kind) {
                case PREFLIGHT:
                    return cluster.preflight();
                case PREPARE_CANARY:
                    return new ArrayList<>(cluster.prepareCanary(argument));
                case CANARY_READINESS:
                    return cluster.canaryReadiness();
                case SET_WEIGHT:
                    return new ArrayList<>(cluster.setWeight(argument));
                case SCALE_CANARY:
                    return new ArrayList<>(cluster.scaleCanary(argument));
                case PROMOTE_STABLE:
                    return new ArrayList<>(cluster.promoteStable());
                case STABLE_READINESS:
                    return cluster.stableReadiness();
                default:
                    throw new IllegalStateException("unknown cluster call " + kind);
            }
        }
    }
}
