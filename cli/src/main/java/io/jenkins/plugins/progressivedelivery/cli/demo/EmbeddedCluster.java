package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Kubernetes API in this process: fabric8's mock server in CRUD mode on 127.0.0.1, which stores what it is sent
 * and answers reads, watches and optimistic-concurrency conflicts like an API server, but runs no controllers
 * (see {@link DeploymentController}). Every write is recorded, so the demo can say how many API writes a
 * rollback took.
 */
public final class EmbeddedCluster implements AutoCloseable {
    public static final String NAMESPACE = "demo";
    public static final String APP = "web";
    public static final String STABLE_SERVICE = "web-stable";
    public static final String CANARY_SERVICE = "web-canary";
    public static final String ROUTE = "primary";

    /** The canary app behind a Gateway API HTTPRoute (no mesh): Deployment, HTTPRoute and rule names. */
    public static final String SHOP_APP = "shop";
    public static final String SHOP_STABLE_SERVICE = "shop-stable";
    public static final String SHOP_CANARY_SERVICE = "shop-canary";
    public static final String SHOP_RULE = "primary";

    /** The blue-green app: Deployments {@code pay-blue} and {@code pay-green}, told apart by {@value #COLOUR_LABEL}. */
    public static final String BLUE_GREEN_APP = "pay";
    public static final String ACTIVE_SERVICE = "pay";
    public static final String PREVIEW_SERVICE = "pay-preview";
    public static final String COLOUR_LABEL = "slot";

    public static final ResourceDefinitionContext VIRTUAL_SERVICE = istio("VirtualService", "virtualservices");
    public static final ResourceDefinitionContext DESTINATION_RULE = istio("DestinationRule", "destinationrules");

    // java.util.logging holds loggers weakly: keep the one whose level is changed, or the change is lost.
    private final Logger requestLog = Logger.getLogger(MockWebServer.class.getName());
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Clock clock;
    private final List<ApiWrite> writes = new ArrayList<>();

    /** One request that changed something: a POST, PUT, PATCH or DELETE. */
    public record ApiWrite(Instant time, String method, String path, int status) { }

    private EmbeddedCluster(Clock clock) {
        this.clock = clock;
        requestLog.setLevel(Level.WARNING); // it logs every request at INFO
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher(istioKinds()) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String discovery = "GET".equals(request.getMethod()) ? groupDiscovery(request.getPath()) : null;
                if (discovery != null) {
                    return new MockResponse().setResponseCode(200).addHeader("Content-Type", "application/json")
                            .setBody(discovery);
                }
                MockResponse response = super.dispatch(request);
                String method = request.getMethod();
                if (!"GET".equals(method)) {
                    record(new ApiWrite(clock.instant(), method, request.getPath(), response.code()));
                }
                return response;
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
        client = newClient();
    }

    /** Starts an empty API server. */
    public static EmbeddedCluster start(Clock clock) {
        return new EmbeddedCluster(clock);
    }

    /** Starts an API server holding the demo's application: see {@link #seed()}. */
    public static EmbeddedCluster startSeeded(Clock clock) {
        EmbeddedCluster cluster = start(clock);
        cluster.seed();
        return cluster;
    }

    public String url() {
        return client.getMasterUrl().toString();
    }

    /** A client of this server for the demo's own use (seeding, the simulated controller, the traffic reader). */
    public KubernetesClient client() {
        return client;
    }

    /**
     * A new client for the engine. It does not retry on its own: the engine decides and logs every retry, which
     * fabric8's default (ten retries of a 5xx with backoff) would hide.
     */
    public KubernetesClient newClient() {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + server.getPort())
                .withNamespace(NAMESPACE)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * The demo applications before any rollout. The canary app: Deployment {@code web} ({@code web:1.0}, 4 replicas,
     * ready), Services {@code web-stable} and {@code web-canary}, and VirtualService {@code web} whose route
     * {@code primary} sends everything to {@code web-stable}, next to a route for {@code /admin} that no rollout
     * may touch. The blue-green app: Deployment {@code pay-blue} ({@code pay:1.0}, 4 replicas, ready, pods
     * {@code app: pay, slot: blue}), the active Service {@code pay} and the preview Service {@code pay-preview},
     * both selecting {@code app: pay, slot: blue}; no {@code pay-green} yet, the first switch creates it.
     */
    public void seed() {
        seed(client, clock);
    }

    /** {@link #seed()} on any API server (the benchmarks' TLS one). */
    public static void seed(KubernetesClient client, Clock clock) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).create();
        Deployment web = client.apps().deployments().inNamespace(NAMESPACE).resource(stableDeployment("web:1.0", 4))
                .create();
        DeploymentController.markReady(client, web, clock.instant());
        for (String[] service : new String[][] {{STABLE_SERVICE, "stable"}, {CANARY_SERVICE, "canary"}}) {
            client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                    .withNewMetadata().withName(service[0]).endMetadata()
                    .withNewSpec().addToSelector("app", APP).addToSelector("track", service[1])
                    .addNewPort().withName("http").withPort(80).withNewTargetPort(8080).endPort()
                    .endSpec().build()).create();
        }
        client.genericKubernetesResources(VIRTUAL_SERVICE).inNamespace(NAMESPACE).resource(virtualService())
                .create();
        Deployment shop = client.apps().deployments().inNamespace(NAMESPACE)
                .resource(appDeployment(SHOP_APP, "shop:1.0", 4)).create();
        DeploymentController.markReady(client, shop, clock.instant());
        for (String[] service : new String[][] {{SHOP_STABLE_SERVICE, "stable"}, {SHOP_CANARY_SERVICE, "canary"}}) {
            client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                    .withNewMetadata().withName(service[0]).endMetadata()
                    .withNewSpec().addToSelector("app", SHOP_APP).addToSelector("track", service[1])
                    .addNewPort().withName("http").withPort(80).withNewTargetPort(8080).endPort()
                    .endSpec().build()).create();
        }
        client.resources(HTTPRoute.class).inNamespace(NAMESPACE).resource(httpRoute()).create();
        Deployment blue = client.apps().deployments().inNamespace(NAMESPACE)
                .resource(colourDeployment("blue", "pay:1.0", 4)).create();
        DeploymentController.markReady(client, blue, clock.instant());
        for (String service : List.of(ACTIVE_SERVICE, PREVIEW_SERVICE)) {
            client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                    .withNewMetadata().withName(service).endMetadata()
                    .withNewSpec().addToSelector("app", BLUE_GREEN_APP).addToSelector(COLOUR_LABEL, "blue")
                    .addNewPort().withName("http").withPort(80).withNewTargetPort(8080).endPort()
                    .endSpec().build()).create();
        }
    }

    /** Deployment {@code pay-<colour>}: selector and pods {@code app: pay, slot: <colour>}, container {@code pay}. */
    static Deployment colourDeployment(String colour, String image, int replicas) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", BLUE_GREEN_APP);
        labels.put(COLOUR_LABEL, colour);
        return new DeploymentBuilder()
                .withNewMetadata().withName(BLUE_GREEN_APP + "-" + colour).withNamespace(NAMESPACE)
                .withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName(BLUE_GREEN_APP).withImage(image)
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withNewPort(8080).endHttpGet()
                .endReadinessProbe()
                .endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    static Deployment stableDeployment(String image, int replicas) {
        return appDeployment(APP, image, replicas);
    }

    /** Deployment {@code app}: selector and pods {@code app: <app>, track: stable}, container {@code <app>}. */
    static Deployment appDeployment(String app, String image, int replicas) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", app);
        labels.put("track", "stable");
        return new DeploymentBuilder()
                .withNewMetadata().withName(app).withNamespace(NAMESPACE).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName(app).withImage(image)
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withNewPort(8080).endHttpGet()
                .endReadinessProbe()
                .endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    static GenericKubernetesResource virtualService() {
        Map<String, Object> primary = new LinkedHashMap<>();
        primary.put("name", ROUTE);
        primary.put("route", List.of(destination(STABLE_SERVICE, 100), destination(CANARY_SERVICE, 0)));
        Map<String, Object> admin = new LinkedHashMap<>();
        admin.put("name", "admin");
        admin.put("match", List.of(Map.of("uri", Map.of("prefix", "/admin"))));
        admin.put("route", List.of(Map.of("destination", Map.of("host", STABLE_SERVICE))));
        admin.put("timeout", "5s");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("hosts", List.of("web.example.com"));
        spec.put("gateways", List.of("web-gateway"));
        spec.put("http", List.of(admin, primary));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("networking.istio.io/v1").withKind("VirtualService")
                .withNewMetadata().withName(APP).withNamespace(NAMESPACE).endMetadata()
                .addToAdditionalProperties("spec", spec).build();
    }

    /**
     * HTTPRoute {@code shop} of Gateway {@code shop-gateway}: rule {@code primary} sends everything to shop-stable,
     * next to a rule for {@code /admin} that no rollout may touch.
     */
    static HTTPRoute httpRoute() {
        return new HTTPRouteBuilder()
                .withNewMetadata().withName(SHOP_APP).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().addNewParentRef().withName("shop-gateway").endParentRef()
                .addToHostnames("shop.example.com")
                .addNewRule().withName("admin").addNewMatch().withNewPath().withType("PathPrefix").withValue("/admin")
                .endPath().endMatch().addNewBackendRef().withName(SHOP_STABLE_SERVICE).withPort(80).endBackendRef()
                .endRule()
                .addNewRule().withName(SHOP_RULE)
                .addNewBackendRef().withName(SHOP_STABLE_SERVICE).withPort(80).withWeight(100).endBackendRef()
                .addNewBackendRef().withName(SHOP_CANARY_SERVICE).withPort(80).withWeight(0).endBackendRef()
                .endRule().endSpec().build();
    }

    private static Map<String, Object> destination(String host, int weight) {
        Map<String, Object> destination = new LinkedHashMap<>();
        destination.put("destination", Map.of("host", host));
        destination.put("weight", weight);
        return destination;
    }

    /** Every write so far, in order. */
    public synchronized List<ApiWrite> writes() {
        return List.copyOf(writes);
    }

    private synchronized void record(ApiWrite write) {
        writes.add(write);
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    private static ResourceDefinitionContext istio(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("networking.istio.io").withVersion("v1")
                .withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    /**
     * API group discovery ({@code /apis}, {@code /apis/GROUP}) as a real API server answers it; the CRUD mock
     * would answer these paths with a list of every stored object. Clients ask it to learn which Istio API
     * version the cluster serves.
     */
    static String groupDiscovery(String pathAndQuery) {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?'))
                : pathAndQuery;
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        String apps = "{\"name\":\"apps\",\"versions\":[{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],"
                + "\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}}";
        String istio = "{\"name\":\"networking.istio.io\",\"versions\":["
                + "{\"groupVersion\":\"networking.istio.io/v1\",\"version\":\"v1\"},"
                + "{\"groupVersion\":\"networking.istio.io/v1beta1\",\"version\":\"v1beta1\"},"
                + "{\"groupVersion\":\"networking.istio.io/v1alpha3\",\"version\":\"v1alpha3\"}],"
                + "\"preferredVersion\":{\"groupVersion\":\"networking.istio.io/v1\",\"version\":\"v1\"}}";
        String gateway = "{\"name\":\"gateway.networking.k8s.io\",\"versions\":["
                + "{\"groupVersion\":\"gateway.networking.k8s.io/v1\",\"version\":\"v1\"}],"
                + "\"preferredVersion\":{\"groupVersion\":\"gateway.networking.k8s.io/v1\",\"version\":\"v1\"}}";
        return switch (path) {
            case "/apis" -> "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + apps + "," + istio + ","
                    + gateway + "]}";
            case "/apis/gateway.networking.k8s.io" -> "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\","
                    + gateway.substring(1);
            case "/apis/gateway.networking.k8s.io/v1" -> "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
                    + "\"groupVersion\":\"gateway.networking.k8s.io/v1\",\"resources\":["
                    + "{\"name\":\"httproutes\",\"singularName\":\"httproute\",\"namespaced\":true,"
                    + "\"kind\":\"HTTPRoute\",\"verbs\":[\"get\",\"list\",\"watch\",\"create\",\"update\","
                    + "\"patch\",\"delete\"]}]}";
            case "/apis/apps" -> "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\"," + apps.substring(1);
            case "/apis/networking.istio.io" -> "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\"," + istio.substring(1);
            default -> null;
        };
    }

    /**
     * Istio's kinds in every version a real cluster serves, and the Gateway API's HTTPRoute, so clients that use API
     * discovery find them.
     */
    private static List<CustomResourceDefinitionContext> istioKinds() {
        List<CustomResourceDefinitionContext> kinds = new ArrayList<>();
        for (String version : List.of("v1", "v1beta1", "v1alpha3")) {
            for (String[] kind : new String[][] {{"VirtualService", "virtualservices"},
                    {"DestinationRule", "destinationrules"}}) {
                kinds.add(new CustomResourceDefinitionContext.Builder().withGroup("networking.istio.io")
                        .withVersion(version).withKind(kind[0]).withPlural(kind[1]).withScope("Namespaced")
                        .withName(kind[1] + ".networking.istio.io").build());
            }
        }
        kinds.add(new CustomResourceDefinitionContext.Builder().withGroup("gateway.networking.k8s.io")
                .withVersion("v1").withKind("HTTPRoute").withPlural("httproutes").withScope("Namespaced")
                .withName("httproutes.gateway.networking.k8s.io").build());
        return kinds;
    }
}
