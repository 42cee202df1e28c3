package io.jenkins.plugins.progressivedelivery.engine.kube;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReadModifyWriteTest {
    private static final String PATH = "/apis/apps/v1/namespaces/demo/deployments/web";
    private static final KubeRef WEB = KubeRef.deployment(NS, "web");

    private static MockCluster cluster;
    private ReadModifyWrite rmw;

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
        rmw = new ReadModifyWrite(cluster.client);
        cluster.takeRequests();
    }

    private ReadModifyWrite.Result<Deployment> scaleTo(int replicas) {
        return rmw.update(cluster.client.apps().deployments().inNamespace(NS), WEB, d -> {
            d.getSpec().setReplicas(replicas);
            return d;
        });
    }

    @Test
    void writesOnceWithTheResourceVersionItRead() {
        String readVersion = cluster.deployment("web").getMetadata().getResourceVersion();
        cluster.takeRequests();

        ReadModifyWrite.Result<Deployment> result = scaleTo(6);

        assertThat(cluster.takeRequests()).containsExactly("GET " + PATH, "PUT " + PATH);
        assertThat(result.before().getMetadata().getResourceVersion()).isEqualTo(readVersion);
        assertThat(result.after().getSpec().getReplicas()).isEqualTo(6);
        assertThat(result.conflicts()).isZero();
        assertThat(result.written()).isTrue();
        assertThat(cluster.deployment("web").getSpec().getReplicas()).isEqualTo(6);
    }

    @Test
    void aChangeAlreadyInPlaceIsNotWritten() {
        ReadModifyWrite.Result<Deployment> result = scaleTo(4);

        assertThat(result.written()).isFalse();
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void aConcurrentWriteBetweenReadAndWriteIsKeptAndTheChangeReapplied() {
        AtomicInteger calls = new AtomicInteger();
        ReadModifyWrite.Result<Deployment> result = rmw.update(cluster.client.apps().deployments().inNamespace(NS),
                WEB, d -> {
                    if (calls.getAndIncrement() == 0) {
                        // someone else writes after our read: our PUT now carries a stale resourceVersion
                        cluster.client.apps().deployments().inNamespace(NS).withName("web")
                                .edit(other -> {
                                    other.getMetadata().getLabels().put("touched-by", "someone-else");
                                    return other;
                                });
                    }
                    d.getSpec().setReplicas(7);
                    return d;
                });

        assertThat(result.conflicts()).isEqualTo(1);
        assertThat(calls).hasValue(2);
        Deployment stored = cluster.deployment("web");
        assertThat(stored.getSpec().getReplicas()).isEqualTo(7);
        assertThat(stored.getMetadata().getLabels()).containsEntry("touched-by", "someone-else");
    }

    @Test
    void a409IsReReadAndRetried() {
        cluster.server.expect().put().withPath(PATH).andReturn(409, conflict()).once();

        ReadModifyWrite.Result<Deployment> result = scaleTo(2);

        assertThat(result.conflicts()).isEqualTo(1);
        assertThat(cluster.takeRequests()).containsExactly("GET " + PATH, "PUT " + PATH, "GET " + PATH,
                "PUT " + PATH);
        assertThat(cluster.deployment("web").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void conflictsThatDoNotResolveGiveUpAfterBoundedAttempts() {
        cluster.server.expect().put().withPath(PATH).andReturn(409, conflict()).always();

        assertThatThrownBy(() -> scaleTo(2))
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("deployment/demo/web")
                .hasMessageContaining("changed under every one of 5 attempts")
                .hasMessageContaining("something else keeps writing it");
        assertThat(MockCluster.writes(cluster.takeRequests())).hasSize(ReadModifyWrite.MAX_ATTEMPTS);
        assertThat(cluster.deployment("web").getSpec().getReplicas()).isEqualTo(4);
    }

    @Test
    void aServerErrorIsTransientAndFailsAtOnceWithoutClientRetries() {
        cluster.server.expect().put().withPath(PATH).andReturn(503, new StatusBuilder().withCode(503)
                .withReason("ServiceUnavailable").withMessage("etcd leader changed").build()).always();

        long started = System.nanoTime();
        assertThatThrownBy(() -> scaleTo(2))
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.isTransient()).isTrue())
                .hasMessageContaining("update deployment/demo/web")
                .hasMessageContaining("503")
                .hasMessageContaining("etcd leader changed");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + PATH);
        assertThat(took).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void forbiddenSaysWhichVerbOnWhichResourceTheRoleNeeds() {
        cluster.server.expect().put().withPath(PATH).andReturn(403, new StatusBuilder().withCode(403)
                .withReason("Forbidden").withMessage("deployments.apps \"web\" is forbidden").build()).once();

        assertThatThrownBy(() -> scaleTo(2))
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("may not update deployments.apps \"web\"")
                .hasMessageContaining("verb \"update\" on resource \"deployments\" in apiGroup \"apps\"");
    }

    @Test
    void aMissingObjectIsNotTransient() {
        assertThatThrownBy(() -> rmw.update(cluster.client.apps().deployments().inNamespace(NS),
                KubeRef.deployment(NS, "nope"), d -> d))
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("deployment/demo/nope does not exist");
    }

    @Test
    void anUnreachableServerIsTransient() {
        String url;
        try (MockCluster gone = MockCluster.start()) {
            url = gone.server.url("/");
        }
        try (var client = KubeClients.create(KubernetesConnection.token(url, "t", null))) {
            ReadModifyWrite offline = new ReadModifyWrite(client);
            assertThatThrownBy(() -> offline.read(client.apps().deployments().inNamespace(NS), WEB))
                    .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.isTransient()).isTrue())
                    .hasMessageContaining("cannot get deployment/demo/web: the API server did not answer");
        }
    }

    private static io.fabric8.kubernetes.api.model.Status conflict() {
        return new StatusBuilder().withCode(409).withReason("Conflict").withMessage("Operation cannot be fulfilled"
                + " on deployments.apps \"web\": the object has been modified").build();
    }
}
