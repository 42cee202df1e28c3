package io.jenkins.plugins.progressivedelivery.engine.traffic;

import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
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
     * The rollback's one write: all traffic to stable, every other destination at 0, on whatever shape the route now
     * has as long as it still names the stable destination (what else changed is said in the change's note and kept).
     */
    default ClusterChange rollBack() {
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
     * What a person (or another controller) changed in the split since the engine set {@code canaryWeight}: one line
     * per change, naming who when the API says (managedFields); empty when it is as the engine left it.
     */
    default List<String> drift(int canaryWeight) {
        return List.of();
    }
}
