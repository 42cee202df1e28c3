package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import java.util.List;

/**
 * Everything a blue-green switch does to the cluster, for one plan. As {@link CanaryCluster}: each call is blocking
 * I/O with serialisable arguments and results, so the runner can call it on an I/O executor and the Jenkins plugin
 * on an agent's channel, and readiness is polled by the runner, never waited for inside a call.
 *
 * <p>Calls name the colour they act on rather than asking the cluster which one is idle: the runner knows, from
 * preflight and its persisted state, and an implementation can then be made afresh for every call. Every call is
 * idempotent, so a resumed runner may issue the call of its stage again.
 */
public interface BlueGreenCluster {

    /**
     * Checks the plan against the cluster before anything is written and finds which colour takes production
     * traffic: both Services (or the VirtualService, route and destinations) exist, the active Service's selector
     * (or the route's weights) names one colour, that colour's Deployment exists with the container and the colour
     * label on its pods, the selectors and labels of Services and Deployments agree, and an existing Deployment of
     * the other colour can be reused.
     *
     * @throws PreflightException listing every problem found, each with its fix
     */
    BlueGreenSnapshot preflight();

    /**
     * Creates or updates the Deployment of {@code colour} from the pod template of the other colour's (the active
     * one), with the new image and the colour label set to {@code colour}, at {@code replicas}.
     */
    List<ClusterChange> deployColour(Colour colour, int replicas);

    /** Whether the Deployment of {@code colour} has rolled out (observedGeneration, updated and ready replicas). */
    Readiness readiness(Colour colour);

    /** Wakes the runner when the Deployment of {@code colour} may be ready; without one the runner only polls. */
    default ReadinessWatch readinessWatch(Colour colour) {
        return ReadinessWatch.NONE;
    }

    /** Points the preview Service's selector at {@code colour}. */
    List<ClusterChange> pointPreviewAt(Colour colour);

    /**
     * Sends all production traffic to {@code colour} in one write: the active Service's selector flipped, or the
     * VirtualService route's weights moved to 100 for it and 0 for the other. Nothing is written when it already
     * does.
     */
    List<ClusterChange> switchActiveTo(Colour colour);

    /**
     * Where production traffic is now, and who wrote it last: one read of the active Service (or the route), made
     * before a colour is scaled down, since someone else may have switched production to it. Writes nothing.
     */
    ProductionTraffic readProduction();

    /** Scales the Deployment of {@code colour}; one that does not exist is already at 0. */
    List<ClusterChange> scaleColour(Colour colour, int replicas);

    /**
     * The doctor's read-only checks of the plan's workloads (without the traffic volume, which needs Prometheus);
     * null when this cluster cannot run them.
     */
    default io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport doctor() {
        return null;
    }

    /** Where the plan's hooks (Jobs and webhooks) run; null when this cluster cannot run them. */
    default io.jenkins.plugins.progressivedelivery.engine.hooks.HookCluster hooks() {
        return null;
    }
}
