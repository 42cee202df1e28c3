package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
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
        return (BlueGreenSnapshot) call(new Call(plan, Kind.PREFLIGHT, null, 0));
    }

    @Override
    public List<ClusterChange> deployColour(Colour colour, int replicas) {
        return changes(call(new Call(plan, Kind.DEPLOY_COLOUR, colour, replicas)));
    }

    @Override
    public Readiness readiness(Colour colour) {
        return (Readiness) call(new Call(plan, Kind.READINESS, colour, 0));
    }

    @Override
    public List<ClusterChange> pointPreviewAt(Colour colour) {
        return changes(call(new Call(plan, Kind.POINT_PREVIEW_AT, colour, 0)));
    }

    @Override
    public List<ClusterChange> switchActiveTo(Colour colour) {
        return changes(call(new Call(plan, Kind.SWITCH_ACTIVE_TO, colour, 0)));
    }

    @Override
    public List<ClusterChange> scaleColour(Colour colour, int replicas) {
        return changes(call(new Call(plan, Kind.SCALE_COLOUR, colour, replicas)));
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
        return wake -> watch(lease -> cluster(lease, plan).readinessWatch(colour).whenMaybeReady(wake));
    }

    /** The session's cluster object: built on its first call, so the router discovers the Istio API once. */
    static BlueGreenCluster cluster(KubeClientCache.Lease lease, BlueGreenPlan plan) {
        return lease.keep(Kind.class, () -> new KubernetesBlueGreenCluster(lease.client(), plan).watchingReadiness());
    }

    private enum Kind { PREFLIGHT, DEPLOY_COLOUR, READINESS, POINT_PREVIEW_AT, SWITCH_ACTIVE_TO, SCALE_COLOUR }

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
                case SCALE_COLOUR -> new ArrayList<>(cluster.scaleColour(colour, replicas));
            };
        }
    }
}
