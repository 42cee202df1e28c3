package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode (with expectations taking precedence, for injected failures), a client
 * made by {@link KubeClients} exactly as production makes it, and the request log.
 */
public final class MockCluster implements AutoCloseable {
    public static final String NS = "demo";

    public final KubernetesMockServer server;
    public final KubernetesClient client;
    private int taken;

    private MockCluster(boolean https) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), https);
        server.init();
        client = https ? null : KubeClients.create(KubernetesConnection.token(server.url("/"), "test-token", null));
    }

    /** A plain-HTTP server and a client for it. */
    public static MockCluster start() {
        return new MockCluster(false);
    }

    /** An HTTPS server with a self-signed certificate, and no client: make one with {@link KubeClients}. */
    public static MockCluster startHttps() {
        return new MockCluster(true);
    }

    /** Empties the store, the expectations and the request log, for the next test of a class sharing one server. */
    public MockCluster reset() {
        server.reset();
        taken = 0;
        gatewayVersions.clear();
        return this;
    }

    /** Discovery answers that the cluster serves {@code networking.istio.io} in these versions. */
    public MockCluster servingIstio(String... versions) {
        APIGroupBuilder group = new APIGroupBuilder().withName(IstioApi.GROUP);
        for (String version : versions) {
            group.addNewVersion().withGroupVersion(IstioApi.GROUP + "/" + version).withVersion(version).endVersion();
        }
        group.withNewPreferredVersion().withGroupVersion(IstioApi.GROUP + "/" + versions[0])
                .withVersion(versions[0]).endPreferredVersion();
        server.expect().get().withPath("/apis/" + IstioApi.GROUP).andReturn(200, group.build()).always();
        return this;
    }

    /**
     * Discovery answers that the cluster serves {@code gateway.networking.k8s.io} in {@code version} with these
     * resources ({@code httproutes}, {@code grpcroutes}); call once per version.
     */
    public MockCluster servingGatewayApi(String version, String... resources) {
        String group = "gateway.networking.k8s.io";
        gatewayVersions.add(version);
        APIGroupBuilder builder = new APIGroupBuilder().withName(group);
        for (String served : gatewayVersions) {
            builder.addNewVersion().withGroupVersion(group + "/" + served).withVersion(served).endVersion();
        }
        server.expect().get().withPath("/apis/" + group).andReturn(200, builder.build()).always();
        io.fabric8.kubernetes.api.model.APIResourceListBuilder list =
                new io.fabric8.kubernetes.api.model.APIResourceListBuilder().withGroupVersion(group + "/" + version);
        for (String resource : resources) {
            list.addNewResource().withName(resource).withNamespaced(true).withKind(resource).endResource();
        }
        server.expect().get().withPath("/apis/" + group + "/" + version).andReturn(200, list.build()).always();
        return this;
    }

    private final List<String> gatewayVersions = new ArrayList<>();

    /** The requests since the last call, as {@code METHOD path}. */
    public List<String> takeRequests() {
        List<String> requests = new ArrayList<>();
        try {
            while (taken < server.getRequestCount()) {
                RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
                taken++;
                if (request != null) {
                    requests.add(request.getMethod() + " " + request.getPath());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return requests;
    }

    public static List<String> writes(List<String> requests) {
        return requests.stream().filter(r -> !r.startsWith("GET ")).toList();
    }

    // ---- fixtures

    /**
     * Deployment {@code name} with {@code replicas}, selector {app: web, track: stable}, pods also labelled
     * {tier: frontend}, containers {@code app} (web:1.0) and {@code log} (fluent-bit:3).
     */
    public static Deployment stableDeployment(String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).addToLabels("app.kubernetes.io/instance", "web")
                .endMetadata()
                .withNewSpec().withReplicas(replicas).withMinReadySeconds(5)
                .withNewSelector().addToMatchLabels("app", "web").addToMatchLabels("track", "stable").endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", "web").addToLabels("track", "stable")
                .addToLabels("tier", "frontend").addToAnnotations("prometheus.io/scrape", "true").endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app").withImage("web:1.0").addNewPort().withContainerPort(8080)
                .endPort().endContainer()
                .addNewContainer().withName("log").withImage("fluent-bit:3").endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    public Deployment create(Deployment deployment) {
        return client.apps().deployments().inNamespace(NS).resource(deployment).create();
    }

    public Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    /** Someone else (kubectl scale, an autoscaler) sets the Deployment's replicas. */
    public void patchReplicas(String name, int replicas) {
        Deployment deployment = deployment(name);
        deployment.getSpec().setReplicas(replicas);
        client.apps().deployments().inNamespace(NS).resource(deployment).update();
    }

    /** Plays the Deployment controller: the latest generation is observed and all replicas are up. */
    public void markRolledOut(String name) {
        Deployment deployment = deployment(name);
        int replicas = deployment.getSpec().getReplicas();
        deployment.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(replicas)
                .withAvailableReplicas(replicas).build());
        client.apps().deployments().inNamespace(NS).resource(deployment).updateStatus();
    }

    public Service createService(String name, String... selector) {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < selector.length; i += 2) {
            labels.put(selector[i], selector[i + 1]);
        }
        return client.services().inNamespace(NS).resource(new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withSelector(labels).addNewPort().withPort(80).endPort().endSpec().build()).create();
    }

    /** Creates an Istio object from YAML through {@code networking.istio.io/<version>}. */
    public GenericKubernetesResource createIstio(String version, String yaml) {
        GenericKubernetesResource resource = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        resource.setApiVersion(IstioApi.GROUP + "/" + version);
        var context = "VirtualService".equals(resource.getKind()) ? IstioApi.virtualServices(version)
                : IstioApi.destinationRules(version);
        return client.genericKubernetesResources(context).inNamespace(NS).resource(resource).create();
    }

    public GenericKubernetesResource getIstio(String version, String kind, String name) {
        var context = "VirtualService".equals(kind) ? IstioApi.virtualServices(version)
                : IstioApi.destinationRules(version);
        return client.genericKubernetesResources(context).inNamespace(NS).withName(name).get();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        server.destroy();
    }
}
