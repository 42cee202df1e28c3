package io.jenkins.plugins.progressivedelivery.fakes;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster in memory: the route's canary weight, the canary's replicas and the stable image, as the real one would
 * leave them. Every workload is ready at once.
 */
public final class FakeCluster implements CanaryCluster {
    public static final String ROUTE = "virtualservice/demo/web route primary";

    private int weight;
    private int canaryReplicas;
    private String stableImage = "web:1.0";
    private final String newImage;
    private final List<String> calls = new ArrayList<>();
    private int failingWeights;
    private boolean failingTransiently;

    public FakeCluster(String newImage) {
        this.newImage = newImage;
    }

    @Override
    public synchronized ClusterSnapshot preflight() {
        calls.add("preflight");
        return new ClusterSnapshot(4, weight, "istio host split " + ROUTE);
    }

    @Override
    public synchronized List<ClusterChange> prepareCanary(int canaryWeight) {
        calls.add("prepareCanary " + canaryWeight);
        int before = canaryReplicas;
        canaryReplicas = 1;
        return List.of(new ClusterChange(AuditAction.SCALE, "deployment/demo/web-canary", "replicas " + before,
                "replicas 1", 0, null));
    }

    @Override
    public synchronized Readiness canaryReadiness() {
        return new Readiness(true, "1/1 ready");
    }

    @Override
    public synchronized List<ClusterChange> setWeight(int canaryWeight) {
        calls.add("setWeight " + canaryWeight);
        if (failingWeights > 0) {
            failingWeights--;
            throw new io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException(failingTransiently
                    ? "cannot update " + ROUTE + ": the API server did not answer (ConnectException)"
                    : "cannot update " + ROUTE + ": the credential may not update it (403 Forbidden)",
                    failingTransiently, null);
        }
        int before = weight;
        weight = canaryWeight;
        return List.of(new ClusterChange(AuditAction.WEIGHT, ROUTE, "stable " + (100 - before) + ", canary " + before,
                "stable " + (100 - canaryWeight) + ", canary " + canaryWeight, 0, null));
    }

    @Override
    public synchronized List<ClusterChange> scaleCanary(int replicas) {
        calls.add("scaleCanary " + replicas);
        int before = canaryReplicas;
        canaryReplicas = replicas;
        return List.of(new ClusterChange(AuditAction.SCALE, "deployment/demo/web-canary", "replicas " + before,
                "replicas " + replicas, 0, null));
    }

    @Override
    public synchronized List<ClusterChange> promoteStable() {
        calls.add("promoteStable");
        String before = stableImage;
        stableImage = newImage;
        return List.of(new ClusterChange(AuditAction.SCALE, "deployment/demo/web", "image " + before,
                "image " + newImage, 0, null));
    }

    @Override
    public synchronized Readiness stableReadiness() {
        return new Readiness(true, "4/4 ready");
    }

    /** The next {@code times} weight writes fail: transiently (the API unreachable) or for good (403). */
    public synchronized void failWeights(int times, boolean transientFailure) {
        failingWeights = times;
        failingTransiently = transientFailure;
    }

    public synchronized int weight() {
        return weight;
    }

    public synchronized int canaryReplicas() {
        return canaryReplicas;
    }

    public synchronized String stableImage() {
        return stableImage;
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
