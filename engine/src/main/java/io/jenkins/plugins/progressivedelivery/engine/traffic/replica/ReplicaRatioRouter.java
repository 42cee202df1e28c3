package io.jenkins.plugins.progressivedelivery.engine.traffic.replica;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.CanaryDeployments;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.traffic.TrafficRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * No mesh: a Service selecting both the stable and the canary pods spreads requests over the pods, so the canary's
 * share of traffic is approximately its share of the pods. The total number of pods stays what the stable Deployment
 * had; a weight of {@code w} percent gives the canary {@code ceil(total * w / 100)} of them and the stable the rest.
 * Every change says which ratio it achieved, since few weights are exact (5% of 4 pods is 1 pod, 25%).
 *
 * <p>Capacity never drops below the total: when the canary grows it is scaled up before the stable is scaled down,
 * and when it shrinks the stable is scaled up first.
 */
public final class ReplicaRatioRouter implements TrafficRouter {
    /**
     * On the canary Deployment: the total the pods are split from, which neither Deployment's replica count shows
     * while the canary has been scaled up and the stable not yet down.
     */
    public static final String TOTAL_REPLICAS_ANNOTATION = "progressive-delivery.jenkins.io/total-replicas";

    private final Workloads workloads;

    public ReplicaRatioRouter(Workloads workloads) {
        this.workloads = workloads;
    }

    /** How {@code total} pods are split for a weight. */
    public record Split(int total, int stable, int canary) {

        public static Split of(int total, int canaryWeight) {
            int canary = (total * canaryWeight + 99) / 100;
            return new Split(total, total - canary, canary);
        }

        /** The canary's actual share of the pods, in percent, rounded. */
        public int achievedWeight() {
            return total == 0 ? 0 : Math.round(100f * canary / total);
        }

        /** {@code replica ratio: asked 5%, got 1 of 4 pods = 25%}. */
        public String note(int askedWeight) {
            return "replica ratio: asked " + askedWeight + "%, got " + canary + " of " + total + " pods = "
                    + achievedWeight() + "%";
        }
    }

    @Override
    public String type() {
        return "replica ratio";
    }

    @Override
    public String description() {
        return "replica ratio " + workloads.stableRef() + " + " + workloads.canaryRef()
                + " (weights approximated by pod counts)";
    }

    @Override
    public List<ValidationError> verify() {
        List<ValidationError> problems = new ArrayList<>();
        if (workloads.target().canaryReplicas() != null) {
            problems.add(new ValidationError("target.canaryReplicas", "without traffic.istio the canary's pod count"
                    + " is what sets its share of traffic, so it follows the weight; remove canaryReplicas, or"
                    + " split traffic with traffic.istio"));
        }
        workloads.findStable().ifPresent(stable -> {
            if (CanaryDeployments.desiredReplicas(stable) == 0) {
                problems.add(new ValidationError("target.deployment", "deployment " + workloads.target().deployment()
                        + " has 0 replicas, so there are no pods to split traffic between; scale it up first"));
            }
        });
        return problems;
    }

    @Override
    public int currentWeight() {
        Deployment canary = workloads.findCanary().orElse(null);
        int total = total(workloads.stable(), canary);
        int canaryReplicas = canary == null ? 0 : CanaryDeployments.desiredReplicas(canary);
        return new Split(total, total - canaryReplicas, canaryReplicas).achievedWeight();
    }

    @Override
    public OptionalInt canaryReplicas(int canaryWeight) {
        return OptionalInt.of(Split.of(total(), canaryWeight).canary());
    }

    @Override
    public Map<String, String> canaryAnnotations() {
        return Map.of(TOTAL_REPLICAS_ANNOTATION, Integer.toString(total()));
    }

    @Override
    public OptionalInt stableReplicasOnPromotion() {
        return OptionalInt.of(total());
    }

    @Override
    public ClusterChange setWeight(int canaryWeight) {
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("canary weight " + canaryWeight + " is not in 0..100");
        }
        Deployment stable = workloads.stable();
        Deployment canary = workloads.findCanary().orElse(null);
        Split split = Split.of(total(stable, canary), canaryWeight);
        int stableBefore = CanaryDeployments.desiredReplicas(stable);
        int canaryBefore = canary == null ? 0 : CanaryDeployments.desiredReplicas(canary);
        if (canary == null && split.canary() > 0) {
            throw new ClusterException("cannot give " + workloads.canaryRef() + " " + split.canary() + " pods: it"
                    + " does not exist (it is created when the canary is prepared)", false, null);
        }
        List<Supplier<ClusterChange>> order = new ArrayList<>();
        Supplier<ClusterChange> scaleCanary = () -> workloads.scaleCanary(split.canary());
        Supplier<ClusterChange> scaleStable = () -> workloads.scaleStable(split.stable());
        if (split.canary() >= canaryBefore) {
            order.add(scaleCanary);
            order.add(scaleStable);
        } else {
            order.add(scaleStable);
            order.add(scaleCanary);
        }
        int conflicts = 0;
        List<ClusterChange> done = new ArrayList<>();
        for (Supplier<ClusterChange> scale : order) {
            try {
                ClusterChange change = scale.get();
                conflicts += change.conflicts();
                done.add(change);
            } catch (ClusterException e) {
                if (done.isEmpty()) {
                    throw e;
                }
                ClusterChange first = done.get(0);
                throw new ClusterException("scaled " + first.resource() + " (" + first.before() + " -> "
                        + first.after() + "), then: " + e.getMessage(), e.isTransient(), e);
            }
        }
        boolean written = done.stream().anyMatch(change -> !change.before().equals(change.after()));
        return new ClusterChange(AuditAction.WEIGHT, workloads.stableRef() + " + " + workloads.canaryRef(),
                "stable " + stableBefore + ", canary " + canaryBefore + " pods",
                "stable " + split.stable() + ", canary " + split.canary() + " pods", conflicts,
                split.note(canaryWeight) + (written ? "" : "; already so, nothing written"));
    }

    private int total() {
        return total(workloads.stable(), workloads.findCanary().orElse(null));
    }

    /**
     * The pods to split: what the canary recorded while it runs, otherwise the stable's plus the canary's (which
     * add up to the total whenever a weight change has completed).
     */
    static int total(Deployment stable, Deployment canary) {
        int stableReplicas = CanaryDeployments.desiredReplicas(stable);
        if (canary == null) {
            return stableReplicas;
        }
        int canaryReplicas = CanaryDeployments.desiredReplicas(canary);
        Map<String, String> annotations = canary.getMetadata().getAnnotations();
        String recorded = annotations == null ? null : annotations.get(TOTAL_REPLICAS_ANNOTATION);
        if (canaryReplicas > 0 && recorded != null && recorded.matches("\\d{1,6}")) {
            return Integer.parseInt(recorded);
        }
        return stableReplicas + canaryReplicas;
    }
}
