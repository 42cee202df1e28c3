package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The demo's seeded API server with its simulated Deployment controller, for tests of the commands. */
public final class DemoTestCluster implements AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final EmbeddedCluster cluster = EmbeddedCluster.startSeeded(Clock.systemUTC());
    private final DeploymentController controller = DeploymentController.start(cluster.client(),
            EmbeddedCluster.NAMESPACE, Duration.ofMillis(200), Clock.systemUTC(), executor);

    private DemoTestCluster() {
    }

    public static DemoTestCluster start() {
        return new DemoTestCluster();
    }

    public KubernetesClient client() {
        return cluster.client();
    }

    /** A kubeconfig for it, with {@code demo} as the namespace. */
    public String kubeconfig() {
        return "apiVersion: v1\nkind: Config\n"
                + "clusters:\n- name: demo\n  cluster:\n    server: " + cluster.url() + "\n"
                + "users:\n- name: demo\n  user: {}\n"
                + "contexts:\n- name: demo\n  context:\n    cluster: demo\n    user: demo\n    namespace: demo\n"
                + "current-context: demo\n";
    }

    /** The stable and canary weights of route primary, in that order. */
    public List<Integer> weights() {
        return MeshRoutes.read(cluster.client(), EmbeddedCluster.NAMESPACE, EmbeddedCluster.APP,
                EmbeddedCluster.ROUTE).stream().map(MeshRoutes.Destination::weight).toList();
    }

    public int writeCount() {
        return cluster.writes().size();
    }

    @Override
    public void close() {
        controller.close();
        executor.shutdownNow();
        cluster.close();
    }
}
