package io.jenkins.plugins.progressivedelivery.engine.kube;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkloadsTest {
    private static final Target TARGET = new Target(NS, "web", "app", "web:2.0", null, null);

    private static MockCluster cluster;
    private Workloads workloads;

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
        workloads = new Workloads(cluster.client, NS, TARGET);
        cluster.takeRequests();
    }

    @Test
    void createsTheCanaryThenUpdatesItInPlace() {
        ClusterChange created = workloads.applyCanary(1, Map.of("note", "first"));

        assertThat(created).isEqualTo(new ClusterChange(AuditAction.SCALE, "deployment/demo/web-canary", "absent",
                "replicas 1, image web:2.0", 0, "created from deployment/demo/web with image web:2.0"));
        Deployment canary = cluster.deployment("web-canary");
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("track", "canary");
        assertThat(canary.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(cluster.deployment("web").getMetadata().getUid()));
        assertThat(MockCluster.writes(cluster.takeRequests()))
                .containsExactly("POST /apis/apps/v1/namespaces/demo/deployments");

        ClusterChange updated = workloads.applyCanary(2, Map.of("note", "second"));

        assertThat(updated.before()).isEqualTo("replicas 1, image web:2.0");
        assertThat(updated.after()).isEqualTo("replicas 2, image web:2.0");
        assertThat(cluster.deployment("web-canary").getMetadata().getAnnotations()).containsEntry("note", "second");
        assertThat(MockCluster.writes(cluster.takeRequests()))
                .containsExactly("PUT /apis/apps/v1/namespaces/demo/deployments/web-canary");
        assertThat(workloads.applyCanary(2, Map.of("note", "second")).note()).isEqualTo("already so; nothing written");
    }

    @Test
    void aReadStandsForTheNextChangeOnlyWhileRecent() {
        AtomicLong nanos = new AtomicLong();
        Workloads timed = new Workloads(cluster.client, NS, TARGET, nanos::get);
        timed.applyCanary(2, Map.of());
        cluster.takeRequests();

        nanos.addAndGet(Workloads.RECENT - 1);
        timed.scaleCanary(3);
        assertThat(cluster.takeRequests()).containsExactly(
                "PUT /apis/apps/v1/namespaces/demo/deployments/web-canary");

        // after a pause (or a person's decision) the change reads what is there now
        nanos.addAndGet(Workloads.RECENT);
        cluster.patchReplicas("web-canary", 5);
        cluster.takeRequests();
        ClusterChange change = timed.applyCanary(2, Map.of());
        assertThat(change.before()).isEqualTo("replicas 5, image web:2.0");
        assertThat(cluster.takeRequests()).containsExactly(
                "GET /apis/apps/v1/namespaces/demo/deployments/web",
                "GET /apis/apps/v1/namespaces/demo/deployments/web-canary",
                "PUT /apis/apps/v1/namespaces/demo/deployments/web-canary");
        assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void aRecentCopyIsNeverWrittenOverAnotherWritersChange() {
        Workloads standingStill = new Workloads(cluster.client, NS, TARGET, () -> 0L);
        standingStill.applyCanary(2, Map.of("note", "first"));
        cluster.patchReplicas("web-canary", 7); // someone scales it after our write

        ClusterChange change = standingStill.applyCanary(3, Map.of("note", "first"));

        assertThat(change.conflicts()).isEqualTo(1); // 409 on the copy, then a fresh read
        assertThat(change.before()).isEqualTo("replicas 7, image web:2.0");
        assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isEqualTo(3);
        // "already so" is said of what the server has, not of the copy
        cluster.patchReplicas("web-canary", 4);
        assertThat(standingStill.applyCanary(3, Map.of("note", "first")).note()).isNull();
        assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void theFirstReadinessCheckAfterAWriteReadsNothingAndTheNextOnesRead() {
        Workloads standingStill = new Workloads(cluster.client, NS, TARGET, () -> 0L);
        standingStill.applyCanary(2, Map.of());
        cluster.takeRequests();

        assertThat(standingStill.canaryReadiness().ready()).isFalse();
        assertThat(cluster.takeRequests()).isEmpty();

        cluster.markRolledOut("web-canary");
        cluster.takeRequests();
        assertThat(standingStill.canaryReadiness().ready()).isTrue();
        assertThat(standingStill.canaryReadiness().ready()).isTrue();
        assertThat(cluster.takeRequests()).hasSize(2)
                .allMatch(r -> r.equals("GET /apis/apps/v1/namespaces/demo/deployments/web-canary"));
    }

    @Test
    void driftAlwaysReadsWhatIsThereNow() {
        Workloads standingStill = new Workloads(cluster.client, NS, TARGET, () -> 0L);
        standingStill.applyCanary(2, Map.of());
        cluster.patchReplicas("web-canary", 9);

        assertThat(standingStill.drift("web:1.0", 4, 2)).singleElement().asString()
                .contains("has 9 replicas, the engine left 2");
    }

    @Test
    void readinessFollowsTheDeploymentStatus() {
        workloads.applyCanary(2, Map.of());

        assertThat(workloads.canaryReadiness().ready()).isFalse();
        assertThat(workloads.canaryReadiness().status()).startsWith("0/2 ready");

        cluster.markRolledOut("web-canary");

        assertThat(workloads.canaryReadiness().ready()).isTrue();
        assertThat(workloads.canaryReadiness().status()).startsWith("2/2 ready, 2/2 updated, 2/2 available");
    }

    @Test
    void promotionSetsTheImageOfThePlannedContainerOnly() {
        ClusterChange promoted = workloads.promoteStable(OptionalInt.empty());

        assertThat(promoted.before()).isEqualTo("replicas 4, image web:1.0");
        assertThat(promoted.after()).isEqualTo("replicas 4, image web:2.0");
        Deployment stable = cluster.deployment("web");
        assertThat(CanaryDeployments.image(stable, "app")).isEqualTo("web:2.0");
        assertThat(CanaryDeployments.image(stable, "log")).isEqualTo("fluent-bit:3");
        assertThat(stable.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("track", "stable");
        assertThat(stable.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(workloads.stableReadiness().ready()).isFalse();
        cluster.markRolledOut("web");
        assertThat(workloads.stableReadiness().ready()).isTrue();
    }

    @Test
    void scalingTheCanaryDownWhenItIsGoneIsANoOp() {
        assertThat(workloads.scaleCanary(0).note()).contains("does not exist");
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();

        workloads.applyCanary(2, Map.of());
        ClusterChange down = workloads.scaleCanary(0);
        assertThat(down.before()).isEqualTo("replicas 2, image web:2.0");
        assertThat(down.after()).isEqualTo("replicas 0, image web:2.0");
        assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isZero();
    }

    @Test
    void verifyListsEveryProblemWithItsFix() {
        Workloads wrong = new Workloads(cluster.client, NS,
                new Target(NS, "web", "server", "web:2.0", null, Map.of("tier", "frontend")));

        assertThat(wrong.verify()).extracting(ValidationError::path)
                .containsExactly("target.container", "target.canaryLabels");
        assertThat(wrong.verify().get(0).message()).contains("has no container 'server'; its containers are app, log");
        assertThat(wrong.verify().get(1).message())
                .contains("{app=web, track=stable} also selects the canary pods")
                .contains("set canaryLabels to override a label of that selector");

        Workloads missing = new Workloads(cluster.client, "elsewhere", TARGET);
        assertThat(missing.verify()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("target.deployment");
            assertThat(p.message()).contains("deployment web not found in namespace elsewhere");
        });
        assertThat(workloads.verify()).isEmpty();
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void aDeploymentWithTheCanaryNameThatIsNotOursIsNeverTakenOver() {
        cluster.create(MockCluster.stableDeployment("web-canary", 1));

        assertThat(workloads.verify()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("target.deployment");
            assertThat(p.message()).contains("web-canary already exists and is not a canary of web");
        });
        assertThatThrownBy(() -> workloads.applyCanary(1, Map.of()))
                .isInstanceOf(ClusterException.class).hasMessageContaining("the engine will not change it");
        assertThat(CanaryDeployments.image(cluster.deployment("web-canary"), "app")).isEqualTo("web:1.0");
    }

    @Test
    void aCanaryLeftWithAnotherSelectorMustBeDeletedFirst() {
        workloads.applyCanary(1, Map.of());
        Workloads relabelled = new Workloads(cluster.client, NS,
                new Target(NS, "web", "app", "web:2.0", null, Map.of("track", "preview")));

        assertThat(relabelled.verify()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("target.canaryLabels");
            assertThat(p.message()).contains("a selector cannot change")
                    .contains("kubectl delete deployment web-canary -n demo");
        });
    }
}
