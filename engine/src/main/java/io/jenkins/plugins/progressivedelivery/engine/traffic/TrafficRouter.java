package io.jenkins.plugins.progressivedelivery.engine.traffic;

import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Splits traffic between the stable and the canary pods, as Argo Rollouts' traffic routers do. Calls are blocking
 * I/O; failures are {@link io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException}s.
 */
public interface TrafficRouter {

    /** A short name for the kind of split: {@code istio host split}, {@code replica ratio}. */
    String type();

    /** The type and the objects it uses, for the log: {@code istio host split virtualservice/demo/web route primary}. */
    String description();

    /**
     * What keeps this router from working, each problem with its fix, without writing anything. Objects that
     * cannot be read for a non-transient reason (missing, forbidden) are problems; transient failures are thrown.
     */
    List<ValidationError> verify();

    /** The canary's current share of traffic, in percent. */
    int currentWeight();

    /**
     * Sends {@code canaryWeight} percent of traffic to the canary and the rest to stable.
     *
     * @param canaryWeight 0..100; 0 is the rollback
     * @return the write, with the state before and after (the change says so when nothing needed writing)
     */
    ClusterChange setWeight(int canaryWeight);

    /**
     * Points what the router selects pods with (a DestinationRule's subsets) at the stable and canary pods; called
     * once the canary Deployment exists. Routers that select by Service do nothing.
     */
    default List<ClusterChange> pointAtWorkloads() {
        return List.of();
    }

    /**
     * For a router that splits by pod counts: how many canary pods {@code canaryWeight} needs. Empty when the
     * canary is sized from the stable Deployment instead.
     */
    default OptionalInt canaryReplicas(int canaryWeight) {
        return OptionalInt.empty();
    }

    /** Annotations the canary Deployment carries for this router (the replica ratio records its pod total). */
    default Map<String, String> canaryAnnotations() {
        return Map.of();
    }

    /**
     * For a router that splits by pod counts: the replicas the stable Deployment gets back when it is promoted, in
     * the same write as the new image, so that it has its full capacity before the canary goes. Empty to leave
     * the stable's replicas alone.
     */
    default OptionalInt stableReplicasOnPromotion() {
        return OptionalInt.empty();
    }

    /**
     * What keeps this router from carrying out the plan's route steps ({@code setHeaderRoute}, {@code setMirrorRoute}),
     * each at its step's path, without writing anything. By default a router supports neither.
     */
    default List<ValidationError> verifySteps(List<PlanStep> steps) {
        List<ValidationError> problems = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            String kind = steps.get(i) instanceof PlanStep.SetHeaderRoute ? "setHeaderRoute"
                    : steps.get(i) instanceof PlanStep.SetMirrorRoute ? "setMirrorRoute" : null;
            if (kind != null) {
                problems.add(new ValidationError("steps[" + i + "]." + kind, "is not supported by the " + type()
                        + " router; use traffic.istio or traffic.gatewayAPI"));
            }
        }
        return problems;
    }

    /**
     * Adds, replaces or (when its match is empty) removes a managed route that sends requests matching the headers
     * to the canary at 100 %, placed before the weighted route; in one write.
     */
    default ClusterChange setHeaderRoute(PlanStep.SetHeaderRoute route) {
        throw new ClusterException("setHeaderRoute is not supported by the " + type() + " router", false, null);
    }

    /** Adds, replaces or (percentage 0) removes a managed route mirroring matching requests to the canary. */
    default ClusterChange setMirrorRoute(PlanStep.SetMirrorRoute route) {
        throw new ClusterException("setMirrorRoute is not supported by the " + type() + " router", false, null);
    }

    /**
     * All traffic back on stable and every managed route (header, mirror) removed, in one write: the rollback, and
     * the last traffic change of a promotion. Routers without managed routes set the weight to 0. A router that can
     * should roll back any shape the route now has as long as it still names the stable destination (every other
     * destination at 0, what else it has kept and said in the change's note), from the object it last read.
     */
    default ClusterChange restoreStable() {
        return setWeight(0);
    }

    /**
     * The {@code kubectl} command a person runs to finish a rollback the engine could not, from what the router last
     * read; null when it cannot say one (the log then names the resource and the weights instead).
     */
    default String rollbackCommand() {
        return null;
    }

    /**
     * What a person (or another controller) changed in the split since the engine set {@code canaryWeight} and carried
     * out {@code routeSteps}: one line per change, naming who when the API says (managedFields); empty when it is as
     * the engine left it.
     *
     * @param routeSteps the plan's {@code setHeaderRoute} and {@code setMirrorRoute} steps carried out so far, in order:
     *                   what the managed routes must be when the router has not written them itself (after a restart)
     */
    default List<String> drift(int canaryWeight, List<PlanStep> routeSteps) {
        return List.of();
    }

    /**
     * The object whose changes {@link #drift} reports, for a watch while the rollout is paused; null when there is none
     * to watch (its drift, if any, is then read before each step only).
     */
    default io.fabric8.kubernetes.client.dsl.Resource<? extends io.fabric8.kubernetes.api.model.HasMetadata>
            watchedRoute() {
        return null;
    }
}
