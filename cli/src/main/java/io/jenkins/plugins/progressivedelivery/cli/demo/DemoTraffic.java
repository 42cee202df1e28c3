package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The demo's users: what the {@link TrafficSimulator} sends on each tick, read from the cluster at that moment.
 * <ul>
 *   <li>the canary app {@code web}: {@value #WEB_REQUESTS_PER_SECOND} requests per second through the
 *       VirtualService, split by its weights ({@link MeshRoutes});</li>
 *   <li>the canary app {@code shop}: {@value #SHOP_REQUESTS_PER_SECOND} requests per second of users and
 *       {@value #SHOP_TESTER_REQUESTS_PER_SECOND} of testers (header {@code X-Canary: always}) through its Gateway API
 *       HTTPRoute ({@link GatewayRoutes});</li>
 *   <li>the blue-green app {@code pay}: {@value #PRODUCTION_REQUESTS_PER_SECOND} requests per second of production
 *       traffic to the active Service, and a smoke test of {@value #SMOKE_REQUESTS_PER_SECOND} per second to the
 *       preview Service, each going to whichever pods its selector picks ({@link ServiceRoutes}).</li>
 * </ul>
 */
final class DemoTraffic implements Supplier<List<TrafficSimulator.Stream>> {
    static final double WEB_REQUESTS_PER_SECOND = 200;
    static final double PRODUCTION_REQUESTS_PER_SECOND = 100;
    static final double SMOKE_REQUESTS_PER_SECOND = 20;
    static final double SHOP_REQUESTS_PER_SECOND = 100;
    static final double SHOP_TESTER_REQUESTS_PER_SECOND = 10;

    private final Supplier<KubernetesClient> client;

    /** @param client the cluster's client, asked for on every tick (so the API server may still be starting) */
    DemoTraffic(Supplier<KubernetesClient> client) {
        this.client = client;
    }

    @Override
    public List<TrafficSimulator.Stream> get() {
        KubernetesClient kube = client.get();
        List<TrafficSimulator.Stream> streams = new ArrayList<>(MeshRoutes.streams(MeshRoutes.read(kube,
                EmbeddedCluster.NAMESPACE, EmbeddedCluster.APP, EmbeddedCluster.ROUTE), WEB_REQUESTS_PER_SECOND));
        streams.addAll(GatewayRoutes.streams(kube, EmbeddedCluster.NAMESPACE, EmbeddedCluster.SHOP_APP,
                EmbeddedCluster.SHOP_RULE, SHOP_REQUESTS_PER_SECOND, SHOP_TESTER_REQUESTS_PER_SECOND));
        streams.addAll(ServiceRoutes.streams(EmbeddedCluster.BLUE_GREEN_APP, ServiceRoutes.read(kube,
                EmbeddedCluster.NAMESPACE, List.of(EmbeddedCluster.ACTIVE_SERVICE, EmbeddedCluster.PREVIEW_SERVICE),
                EmbeddedCluster.COLOUR_LABEL), Map.of(EmbeddedCluster.ACTIVE_SERVICE, PRODUCTION_REQUESTS_PER_SECOND,
                EmbeddedCluster.PREVIEW_SERVICE, SMOKE_REQUESTS_PER_SECOND)));
        return streams;
    }
}
