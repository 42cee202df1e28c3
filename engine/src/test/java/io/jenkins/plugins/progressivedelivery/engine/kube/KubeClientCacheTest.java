package io.jenkins.plugins.progressivedelivery.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KubeClientCacheTest {
    private static MockCluster cluster;

    private final List<KubernetesClient> built = new ArrayList<>();
    private final AtomicInteger closed = new AtomicInteger();
    private Instant now = Instant.parse("2026-01-01T10:00:00Z");

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    private KubeClientCache cache() {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new KubeClientCache(connection -> {
            KubernetesClient client = KubeClients.create(connection);
            built.add(client);
            return new CloseCounting(client, closed).proxy();
        }, Duration.ofMinutes(5), clock);
    }

    private KubernetesConnection connection(String token) {
        return KubernetesConnection.token(cluster.server.url("/"), token, null);
    }

    @Test
    void buildsOneClientPerConnectionAcrossCallsAndSessions() {
        KubeClientCache cache = cache();
        for (int i = 0; i < 5; i++) {
            cache.call(connection("token-a"), "rollout-1", lease -> lease.client().getMasterUrl());
            cache.call(connection("token-a"), "rollout-2", lease -> lease.client().getMasterUrl());
        }
        assertThat(cache.builds()).isEqualTo(1);
        cache.call(connection("token-b"), "rollout-3", lease -> lease.client().getMasterUrl());
        assertThat(cache.builds()).as("another token is another connection").isEqualTo(2);
        assertThat(cache.openClients()).isEqualTo(2);
    }

    @Test
    void keepsASessionsObjectsUntilItIsReleasedAndClosesTheClientWithTheLastSession() {
        KubeClientCache cache = cache();
        Object first = cache.call(connection("t"), "rollout-1", lease -> lease.keep("cluster", () -> new Session(lease.client())));
        Object again = cache.call(connection("t"), "rollout-1", lease -> lease.keep("cluster", () -> new Session(lease.client())));
        Object other = cache.call(connection("t"), "rollout-2", lease -> lease.keep("cluster", () -> new Session(lease.client())));
        assertThat(again).isSameAs(first);
        assertThat(other).as("each session has its own").isNotSameAs(first);

        cache.release("rollout-1");
        assertThat(closed).as("rollout-2 still uses the client").hasValue(0);
        cache.release("rollout-2");
        assertThat(closed).hasValue(1);
        assertThat(cache.openClients()).isZero();

        cache.call(connection("t"), "rollout-3", lease -> lease.client().getMasterUrl());
        assertThat(cache.builds()).as("a new rollout builds a new client").isEqualTo(2);
    }

    @Test
    void closesAClientIdleForTheIdleTimeButNotOneInUse() {
        KubeClientCache cache = cache();
        cache.call(connection("t"), "paused-rollout", lease -> lease.client().getMasterUrl());
        now = now.plus(Duration.ofMinutes(4));
        cache.sweep();
        assertThat(closed).hasValue(0);
        now = now.plus(Duration.ofMinutes(2));
        cache.call(connection("t"), "paused-rollout", lease -> {
            cache.sweep(); // a call in flight keeps its client open however long ago the last one was
            assertThat(closed).hasValue(0);
            return null;
        });
        now = now.plus(Duration.ofMinutes(6));
        cache.sweep();
        assertThat(closed).hasValue(1);

        Object kept = cache.call(connection("t"), "paused-rollout", lease -> lease.keep("cluster", () -> new Session(lease.client())));
        assertThat(kept).isNotNull();
        assertThat(cache.builds()).as("the paused rollout's next call builds a fresh client").isEqualTo(2);
    }

    @Test
    void aPinnedClientStaysOpenPastTheIdleTimeUntilItsWatchLetsGo() {
        KubeClientCache cache = cache();
        Runnable unpin = cache.call(connection("t"), "paused-rollout", lease -> {
            lease.client(); // what the watch uses
            return lease.pin();
        });
        now = now.plus(Duration.ofHours(1));
        cache.sweep();
        assertThat(closed).as("a paused rollout's drift watch keeps its client").hasValue(0);

        unpin.run();
        unpin.run(); // once only
        now = now.plus(Duration.ofMinutes(6));
        cache.sweep();
        assertThat(closed).hasValue(1);
    }

    @Test
    void fingerprintsAreStableAndRevealNoSecret() {
        String token = "s3cr3t-token-value";
        String fingerprint = KubeClientCache.fingerprint(connection(token));
        assertThat(fingerprint).isEqualTo(KubeClientCache.fingerprint(connection(token)))
                .isNotEqualTo(KubeClientCache.fingerprint(connection(token + "x")))
                .hasSize(64).doesNotContain(token);
        assertThat(KubeClientCache.fingerprint(KubernetesConnection.kubeconfig("apiVersion: v1", "a")))
                .isNotEqualTo(KubeClientCache.fingerprint(KubernetesConnection.kubeconfig("apiVersion: v1", "b")));
    }

    /** What a rollout keeps: its cluster object, on the client. */
    private record Session(KubernetesClient client) { }

    /** The client, counting its close(). */
    private record CloseCounting(KubernetesClient client, AtomicInteger closed) {
        KubernetesClient proxy() {
            return (KubernetesClient) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {KubernetesClient.class}, (self, method, args) -> {
                        if (method.getName().equals("close") && (args == null || args.length == 0)) {
                            closed.incrementAndGet();
                        }
                        try {
                            return method.invoke(client, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
