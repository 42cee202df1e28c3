package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import java.io.IOException;
import java.util.List;

/**
 * The engine's {@link CanaryCluster}, each call made {@link Where} the step runs: on the agent of the enclosing
 * {@code node {}} or on the controller. An agent that disconnected is a transient failure: the runner retries it
 * on its scheduler (and logs it), which also covers the agent coming back after a controller restart.
 */
public final class RemoteCanaryCluster implements CanaryCluster {
    private final Where where;
    private final ClusterAccess access;
    private final CanaryPlan plan;

    public RemoteCanaryCluster(Where where, ClusterAccess access, CanaryPlan plan) {
        this.where = where;
        this.access = access;
        this.plan = plan;
    }

    @Override
    public ClusterSnapshot preflight() {
        return (ClusterSnapshot) call(ClusterOperation.Kind.PREFLIGHT, 0);
    }

    @Override
    public List<ClusterChange> prepareCanary(int canaryWeight) {
        return changes(call(ClusterOperation.Kind.PREPARE_CANARY, canaryWeight));
    }

    @Override
    public Readiness canaryReadiness() {
        return (Readiness) call(ClusterOperation.Kind.CANARY_READINESS, 0);
    }

    @Override
    public List<ClusterChange> setWeight(int canaryWeight) {
        return changes(call(ClusterOperation.Kind.SET_WEIGHT, canaryWeight));
    }

    @Override
    public List<ClusterChange> scaleCanary(int replicas) {
        return changes(call(ClusterOperation.Kind.SCALE_CANARY, replicas));
    }

    @Override
    public List<ClusterChange> promoteStable() {
        return changes(call(ClusterOperation.Kind.PROMOTE_STABLE, 0));
    }

    @Override
    public Readiness stableReadiness() {
        return (Readiness) call(ClusterOperation.Kind.STABLE_READINESS, 0);
    }

    @SuppressWarnings("unchecked")
    private static List<ClusterChange> changes(Object answer) {
        return List.copyOf((List<ClusterChange>) answer);
    }

    private Object call(ClusterOperation.Kind kind, int argument) {
        try {
            return where.call(new ClusterOperation(access, plan, kind, argument));
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while calling the cluster from " + where.describe(), true, e);
        } catch (IOException e) {
            throw new ClusterException("lost " + where.describe() + " while calling the cluster: " + e, true, e);
        } catch (Exception e) {
            throw new ClusterException(e.toString(), false, e);
        }
    }
}
