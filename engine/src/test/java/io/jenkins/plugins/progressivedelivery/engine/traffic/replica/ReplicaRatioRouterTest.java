package io.jenkins.plugins.progressivedelivery.engine.traffic.replica;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicaRatioRouterTest {
    private static final String STABLE = "/apis/apps/v1/namespaces/demo/deployments/web";
    private static final String CANARY = "/apis/apps/v1/namespaces/demo/deployments/web-canary";

    private static MockCluster cluster;
    private Workloads workloads;
    private ReplicaRatioRouter router;

    @ParameterizedTest(name = "{1}% of {0} pods -> {2} canary, {3} stable = {4}%")
    @CsvSource({"4, 5, 1, 3, 25", "4, 25, 1, 3, 25", "4, 50, 2, 2, 50", "4, 0, 0, 4, 0", "4, 100, 4, 0, 100",
            "3, 33, 1, 2, 33", "3, 50, 2, 1, 67", "10, 5, 1, 9, 10", "1, 10, 1, 0, 100", "0, 50, 0, 0, 0"})
    void weightsAreApproximatedByPodCounts(int total, int weight, int canary, int stable, int achieved) {
        ReplicaRatioRouter.Split split = ReplicaRatioRouter.Split.of(total, weight);

        assertThat(split.canary()).isEqualTo(canary);
        assertThat(split.stable()).isEqualTo(stable);
        assertThat(split.achievedWeight()).isEqualTo(achieved);
    }

    @Test
    void theNoteSaysWhatWasAskedAndWhatWasGot() {
        assertThat(ReplicaRatioRouter.Split.of(4, 5).note(5)).isEqualTo("replica ratio: asked 5%, got 1 of 4 pods = 25%");
    }

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void start() {
        cluster.reset();
        cluster.create(MockCluster.stableDeployment("web", 4));
        workloads = new Workloads(cluster.client, NS, new Target(NS, "web", "app", "web:2.0", null, null));
        router = new ReplicaRatioRouter(workloads);
    }

    private void prepareCanary(int weight) {
        workloads.applyCanary(router.canaryReplicas(weight).getAsInt(), router.canaryAnnotations());
    }

    private int replicas(String name) {
        return cluster.deployment(name).getSpec().getReplicas();
    }

    @Test
    void aWeightMovesPodsFromStableToCanaryWithoutEverDroppingBelowTheTotal() {
        prepareCanary(5);
        assertThat(replicas("web-canary")).isEqualTo(1);
        assertThat(replicas("web")).as("the canary comes up next to the full stable").isEqualTo(4);
        cluster.takeRequests();

        ClusterChange five = router.setWeight(5);

        assertThat(five).isEqualTo(new ClusterChange(AuditAction.WEIGHT,
                "deployment/demo/web + deployment/demo/web-canary", "stable 4, canary 1 pods",
                "stable 3, canary 1 pods", 0, "replica ratio: asked 5%, got 1 of 4 pods = 25%"));
        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + STABLE);
        assertThat(router.currentWeight()).isEqualTo(25);

        prepareCanary(50);
        assertThat(replicas("web-canary")).as("sized from the recorded total, not stable + canary").isEqualTo(2);
        cluster.takeRequests();
        router.setWeight(50);
        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + STABLE);
        assertThat(replicas("web")).isEqualTo(2);
        assertThat(router.currentWeight()).isEqualTo(50);

        ClusterChange rollback = router.setWeight(0);

        assertThat(MockCluster.writes(cluster.takeRequests()))
                .as("the stable is scaled up before the canary goes").containsExactly("PUT " + STABLE, "PUT " + CANARY);
        assertThat(rollback.after()).isEqualTo("stable 4, canary 0 pods");
        assertThat(replicas("web")).isEqualTo(4);
        assertThat(replicas("web-canary")).isZero();
        assertThat(router.currentWeight()).isZero();
    }

    @Test
    void fullWeightRunsEverythingOnTheCanaryAndPromotionHandsThePodsBack() {
        prepareCanary(100);
        ClusterChange full = router.setWeight(100);
        assertThat(full.after()).isEqualTo("stable 0, canary 4 pods");
        assertThat(full.note()).isEqualTo("replica ratio: asked 100%, got 4 of 4 pods = 100%");

        assertThat(router.stableReplicasOnPromotion()).isEqualTo(OptionalInt.of(4));
        workloads.promoteStable(router.stableReplicasOnPromotion());
        assertThat(replicas("web")).isEqualTo(4);
        cluster.takeRequests();

        router.setWeight(0);

        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + CANARY);
        assertThat(replicas("web-canary")).isZero();
    }

    @Test
    void aWeightWithoutACanaryDeploymentIsAClearError() {
        assertThatThrownBy(() -> router.setWeight(10))
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("deployment/demo/web-canary 1 pods: it does not exist");
        assertThat(router.setWeight(0).note()).endsWith("already so, nothing written");
    }

    @Test
    void aFixedCanarySizeOrAnEmptyStableCannotBeSplit() {
        cluster.client.apps().deployments().inNamespace(NS).withName("web").scale(0);
        ReplicaRatioRouter fixed = new ReplicaRatioRouter(new Workloads(cluster.client, NS,
                new Target(NS, "web", "app", "web:2.0", 2, null)));

        assertThat(fixed.verify()).extracting(p -> p.path())
                .containsExactly("target.canaryReplicas", "target.deployment");
    }
}
