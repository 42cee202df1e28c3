package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.DriftBaseline;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ReadinessWatch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The engine's {@link CanaryCluster}, each call made {@link Where} the step runs. */
public final class RemoteCanaryCluster extends RemoteCluster implements CanaryCluster {
    private final CanaryPlan plan;

    public RemoteCanaryCluster(Where where, ClusterAccess access, CanaryPlan plan) {
        super(where, access);
        this.plan = plan;
    }

    @Override
    public ClusterSnapshot preflight() {
        return (ClusterSnapshot) callWithPlan(plan, p -> new Call(p, Kind.PREFLIGHT, 0));
    }

    @Override
    public List<ClusterChange> prepareCanary(int canaryWeight) {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.PREPARE_CANARY, canaryWeight)));
    }

    @Override
    public Readiness canaryReadiness() {
        return (Readiness) callWithPlan(plan, p -> new Call(p, Kind.CANARY_READINESS, 0));
    }

    @Override
    public List<ClusterChange> setWeight(int canaryWeight) {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.SET_WEIGHT, canaryWeight)));
    }

    @Override
    public List<ClusterChange> scaleCanary(int replicas) {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.SCALE_CANARY, replicas)));
    }

    @Override
    public List<ClusterChange> promoteStable() {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.PROMOTE_STABLE, 0)));
    }

    @Override
    public Readiness stableReadiness() {
        return (Readiness) callWithPlan(plan, p -> new Call(p, Kind.STABLE_READINESS, 0));
    }

    @Override
    public List<ClusterChange> prepareCanaryAt(int stepIndex) {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.PREPARE_CANARY_AT, stepIndex)));
    }

    @Override
    public List<ClusterChange> applyRouteStep(int stepIndex) {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.APPLY_ROUTE_STEP, stepIndex)));
    }

    @Override
    public List<ClusterChange> restoreStable() {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.RESTORE_STABLE, 0)));
    }

    @Override
    public List<ClusterChange> restoreStablePodTemplate(String podTemplate) {
        return changes(callWithPlan(plan, p -> new RollbackCall(p, podTemplate, null)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> drift(DriftBaseline expected) {
        return (List<String>) callWithPlan(plan, p -> new RollbackCall(p, null, expected));
    }

    /**
     * The rollback's restore of the stable template ({@code podTemplate}) and the drift check (what changed since
     * {@code drift}).
     */
    private record RollbackCall(CanaryPlan plan, String podTemplate, DriftBaseline drift)
            implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubeClientCache.Lease lease) {
            CanaryCluster cluster = cluster(lease, plan);
            if (drift != null) {
                return new ArrayList<>(cluster.drift(drift));
            }
            return new ArrayList<>(cluster.restoreStablePodTemplate(podTemplate));
        }
    }

    /**
     * On the session's cluster, right after its preflight: the Deployment and the Istio discovery that preflight has
     * just read are not read again.
     */
    @Override
    public io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport doctor() {
        return (io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport) callWithPlan(plan,
                p -> new Call(p, Kind.DOCTOR, 0));
    }

    @Override
    public io.jenkins.plugins.progressivedelivery.engine.hooks.HookCluster hooks() {
        RemoteHooks hooks = new RemoteHooks(where(), access(), plan.target().namespace());
        hooks.webhookTokens = webhookTokens;
        return hooks;
    }

    @Override
    public ReadinessWatch canaryReadinessWatch() {
        return readinessWatch(lease -> cluster(lease, plan).canaryReadinessWatch(),
                p -> new AwaitReadiness((CanaryPlan) p, true), plan);
    }

    @Override
    public ReadinessWatch stableReadinessWatch() {
        return readinessWatch(lease -> cluster(lease, plan).stableReadinessWatch(),
                p -> new AwaitReadiness((CanaryPlan) p, false), plan);
    }

    /**
     * While paused, a watch on the route and the Deployments when the calls run on the controller; on an agent none
     * (a watch there would have to call back over the channel): drift is then read before the next step.
     */
    @Override
    public io.jenkins.plugins.progressivedelivery.engine.rollout.ChangeWatch driftWatch() {
        // a pause may last longer than the client cache's idle time: the watch keeps its client open while it runs
        return wake -> watch(lease -> {
            Runnable unpin = lease.pin();
            try {
                io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler.Cancellable watching =
                        cluster(lease, plan).driftWatch().whenChanged(wake);
                return () -> {
                    watching.cancel();
                    unpin.run();
                };
            } catch (RuntimeException e) {
                unpin.run();
                throw e;
            }
        });
    }

    /**
     * The session's cluster object: built on its first call, so the routers discover the Istio API once, and the
     * plan crosses the channel once.
     *
     * @param plan null when the controller sent it earlier in the session
     * @throws SessionLost when {@code plan} is null and this JVM does not have the session (any more)
     */
    static CanaryCluster cluster(KubeClientCache.Lease lease, CanaryPlan plan) {
        if (plan == null) {
            CanaryCluster kept = lease.kept(Kind.class);
            if (kept == null) {
                throw new SessionLost(lease.session());
            }
            return kept;
        }
        return lease.keep(Kind.class, () -> new KubernetesCanaryCluster(lease.client(), plan).watchingReadiness()
                .watchingDrift());
    }

    /** On the agent: the canary's (or stable's) readiness once the watch there sees it, or after the long poll. */
    private record AwaitReadiness(CanaryPlan plan, boolean canary) implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubeClientCache.Lease lease) {
            CanaryCluster cluster = cluster(lease, plan);
            return AgentReadinessPoll.awaitHere(lease, canary ? cluster::canaryReadiness : cluster::stableReadiness,
                    canary ? cluster.canaryReadinessWatch() : cluster.stableReadinessWatch(),
                    AgentReadinessPoll.LONG_POLL);
        }
    }

    private enum Kind { PREFLIGHT, PREPARE_CANARY, CANARY_READINESS, SET_WEIGHT, SCALE_CANARY, PROMOTE_STABLE,
        STABLE_READINESS, PREPARE_CANARY_AT, APPLY_ROUTE_STEP, RESTORE_STABLE, DOCTOR }

    /** One {@link CanaryCluster} method and its argument, shipped to where the call is made. */
    private record Call(CanaryPlan plan, Kind kind, int argument) implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubeClientCache.Lease lease) {
            CanaryCluster cluster = cluster(lease, plan);
            return switch (kind) {
                case PREFLIGHT -> cluster.preflight();
                case PREPARE_CANARY -> new ArrayList<>(cluster.prepareCanary(argument));
                case CANARY_READINESS -> cluster.canaryReadiness();
                case SET_WEIGHT -> new ArrayList<>(cluster.setWeight(argument));
                case SCALE_CANARY -> new ArrayList<>(cluster.scaleCanary(argument));
                case PROMOTE_STABLE -> new ArrayList<>(cluster.promoteStable());
                case STABLE_READINESS -> cluster.stableReadiness();
                case PREPARE_CANARY_AT -> new ArrayList<>(cluster.prepareCanaryAt(argument));
                case APPLY_ROUTE_STEP -> new ArrayList<>(cluster.applyRouteStep(argument));
                case RESTORE_STABLE -> new ArrayList<>(cluster.restoreStable());
                case DOCTOR -> cluster.doctor();
            };
        }
    }
}
