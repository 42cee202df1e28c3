package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ProductionTraffic;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ReadinessWatch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The engine's {@link BlueGreenCluster}, each call made {@link Where} the step runs. */
public final class RemoteBlueGreenCluster extends RemoteCluster implements BlueGreenCluster {
    private final BlueGreenPlan plan;

    public RemoteBlueGreenCluster(Where where, ClusterAccess access, BlueGreenPlan plan) {
        super(where, access);
        this.plan = plan;
    }

    @Override
    public BlueGreenSnapshot preflight() {
        return (BlueGreenSnapshot) callWithPlan(plan, p -> new Call(p, Kind.PREFLIGHT, null, 0));
    }

    @Override
    public List<ClusterChange> deployColour(Colour colour, int replicas) {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.DEPLOY_COLOUR, colour, replicas)));
    }

    @Override
    public Readiness readiness(Colour colour) {
        return (Readiness) callWithPlan(plan, p -> new Call(p, Kind.READINESS, colour, 0));
    }

    @Override
    public List<ClusterChange> pointPreviewAt(Colour colour) {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.POINT_PREVIEW_AT, colour, 0)));
    }

    @Override
    public List<ClusterChange> switchActiveTo(Colour colour) {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.SWITCH_ACTIVE_TO, colour, 0)));
    }

    @Override
    public ProductionTraffic readProduction() {
        return (ProductionTraffic) callWithPlan(plan, p -> new Call(p, Kind.PRODUCTION, null, 0));
    }

    @Override
    public List<ClusterChange> scaleColour(Colour colour, int replicas) {
        return changes(callWithPlan(plan, p -> new Call(p, Kind.SCALE_COLOUR, colour, replicas)));
    }

    @Override
    public io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport doctor() {
        return (io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport) call(new RemoteDoctor.Call(plan));
    }

    @Override
    public io.jenkins.plugins.progressivedelivery.engine.hooks.HookCluster hooks() {
        RemoteHooks hooks = new RemoteHooks(where(), access(), plan.target().namespace());
        hooks.webhookTokens = webhookTokens;
        return hooks;
    }

    @Override
    public ReadinessWatch readinessWatch(Colour colour) {
        return readinessWatch(lease -> cluster(lease, plan).readinessWatch(colour),
                p -> new AwaitReadiness((BlueGreenPlan) p, colour), plan);
    }

    /**
     * The session's cluster object: built on its first call, so the router discovers the Istio API once, and the
     * plan crosses the channel once.
     *
     * @param plan null when the controller sent it earlier in the session
     * @throws SessionLost when {@code plan} is null and this JVM does not have the session (any more)
     */
    static BlueGreenCluster cluster(KubeClientCache.Lease lease, BlueGreenPlan plan) {
        if (plan == null) {
            BlueGreenCluster kept = lease.kept(Kind.class);
            if (kept == null) {
                throw new SessionLost(lease.session());
            }
            return kept;
        }
        return lease.keep(Kind.class, () -> new KubernetesBlueGreenCluster(lease.client(), plan).watchingReadiness());
    }

    /** On the agent: the colour's readiness once the watch there sees it, or after the long poll. */
    private record AwaitReadiness(BlueGreenPlan plan, Colour colour) implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubeClientCache.Lease lease) {
            BlueGreenCluster cluster = cluster(lease, plan);
            return AgentReadinessPoll.awaitHere(lease, () -> cluster.readiness(colour), cluster.readinessWatch(colour),
                    AgentReadinessPoll.LONG_POLL);
        }
    }

    private enum Kind { PREFLIGHT, DEPLOY_COLOUR, READINESS, POINT_PREVIEW_AT, SWITCH_ACTIVE_TO, PRODUCTION, SCALE_COLOUR }

    /** One {@link BlueGreenCluster} method and its arguments, shipped to where the call is made. */
    private record Call(BlueGreenPlan plan, Kind kind, Colour colour, int replicas) implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubeClientCache.Lease lease) {
            BlueGreenCluster cluster = cluster(lease, plan);
            return switch (kind) {
                case PREFLIGHT -> cluster.preflight();
                case DEPLOY_COLOUR -> new ArrayList<>(cluster.deployColour(colour, replicas));
                case READINESS -> cluster.readiness(colour);
                case POINT_PREVIEW_AT -> new ArrayList<>(cluster.pointPreviewAt(colour));
                case SWITCH_ACTIVE_TO -> new ArrayList<>(cluster.switchActiveTo(colour));
                case PRODUCTION -> cluster.readProduction();
                case SCALE_COLOUR -> new ArrayList<>(cluster.scaleColour(colour, replicas));
            };
        }
    }
}
