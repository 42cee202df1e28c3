package io.jenkins.plugins.progressivedelivery.engine.rollout;

import java.util.List;

/**
 * Everything a canary rollout does to the cluster, for one plan. Each call is blocking I/O with serialisable
 * results, so the runner can call it on an I/O executor and the Jenkins plugin on an agent's channel. The
 * runner never waits inside a call: readiness is polled by the runner through its scheduler.
 */
public interface CanaryCluster {

    /**
     * Checks the plan against the cluster before anything is written: the Deployment and container exist, the
     * Services, VirtualService, named route and DestinationRule exist and the route has the expected
     * destinations, the canary pods would be distinct from the stable ones.
     *
     * @throws PreflightException listing every problem found, each with its fix
     */
    ClusterSnapshot preflight();

    /**
     * Creates or updates the canary Deployment from the stable pod template with the new image, sized for
     * {@code canaryWeight} (or the plan's fixed count), and for a subset split points the DestinationRule subsets
     * at the stable and canary pods.
     */
    List<ClusterChange> prepareCanary(int canaryWeight);

    /** Whether the canary Deployment has rolled out (observedGeneration, updated and ready replicas). */
    Readiness canaryReadiness();

    /**
     * Sends {@code canaryWeight} percent of traffic to the canary, the rest to stable, in one write of the route
     * (the replica-ratio router scales instead, and says what ratio it achieved). Weight 0 is the rollback.
     */
    List<ClusterChange> setWeight(int canaryWeight);

    /** Scales the canary Deployment (to 0 after promotion or abort). */
    List<ClusterChange> scaleCanary(int replicas);

    /** Rolls the new image into the stable Deployment's template (full promotion). */
    List<ClusterChange> promoteStable();

    /** Whether the stable Deployment has rolled out. */
    Readiness stableReadiness();

    /** Wakes the runner when the canary Deployment may be ready; without one the runner only polls. */
    default ReadinessWatch canaryReadinessWatch() {
        return ReadinessWatch.NONE;
    }

    /** Wakes the runner when the stable Deployment may be ready; without one the runner only polls. */
    default ReadinessWatch stableReadinessWatch() {
        return ReadinessWatch.NONE;
    }

    /**
     * Creates or updates the canary Deployment for step {@code stepIndex} of the plan (a {@code setWeight} or
     * {@code setCanaryScale} step), sized by the latest {@code setCanaryScale} up to it, or by the traffic weight
     * when there is none or it said {@code matchTrafficWeight}.
     */
    default List<ClusterChange> prepareCanaryAt(int stepIndex) {
        throw new UnsupportedOperationException("this cluster does not size the canary by plan step");
    }

    /** Carries out the route step {@code stepIndex} of the plan ({@code setHeaderRoute}, {@code setMirrorRoute}). */
    default List<ClusterChange> applyRouteStep(int stepIndex) {
        throw new UnsupportedOperationException("this cluster has no managed routes");
    }

    /**
     * All traffic back on stable and every managed route removed, in one write of the route: the rollback, and the
     * last traffic change of a promotion. It works on whatever shape the route now has as long as it still names the
     * stable destination (what else it has is kept, at weight 0, and said in the change's note).
     */
    default List<ClusterChange> restoreStable() {
        return setWeight(0);
    }

    /**
     * Puts the stable Deployment's pod template back as it was before the promotion write (from
     * {@link ClusterSnapshot#stablePodTemplate()}); nothing is written when it already is.
     */
    default List<ClusterChange> restoreStablePodTemplate(String podTemplate) {
        throw new ClusterException("this cluster cannot restore the stable Deployment's pod template", false, null);
    }

    /**
     * What changed in the route and the two Deployments since the engine wrote {@code expected}: one line per change,
     * with who made it when the API says; empty when nothing did.
     */
    default List<String> drift(DriftBaseline expected) {
        return List.of();
    }

    /**
     * Wakes the runner while it is paused when the route or the stable or canary Deployment may have been changed by
     * someone else; without one, drift is read before the next weight change and the promotion only.
     */
    default ChangeWatch driftWatch() {
        return ChangeWatch.NONE;
    }

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
