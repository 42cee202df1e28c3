package io.jenkins.plugins.progressivedelivery.fakes;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode, serving the Istio API group, with a client for the test to set the scene
 * and look at the result. The server has no controllers: {@link #markRolledOut} plays the Deployment controller.
 */
public final class MockKubernetes implements AutoCloseable {
    private static final ResourceDefinitionContext VIRTUAL_SERVICES = new ResourceDefinitionContext.Builder()
            .withGroup("networking.istio.io").withVersion("v1").withKind("VirtualService")
            .withPlural("virtualservices").withNamespaced(true).build();

    private final KubernetesMockServer server;
    public final KubernetesClient client;

    public MockKubernetes() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        server.expect().get().withPath("/apis/networking.istio.io").andReturn(200, new APIGroupBuilder()
                .withName("networking.istio.io")
                .addNewVersion().withGroupVersion("networking.istio.io/v1").withVersion("v1").endVersion()
                .withNewPreferredVersion().withGroupVersion("networking.istio.io/v1").withVersion("v1")
                .endPreferredVersion().build()).always();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(server.url("/"))
                .withOauthToken("fixture").build()).build();
    }

    /** The API server's URL, for a step's {@code serverUrl}. */
    public String url() {
        return server.url("/");
    }

    /** Creates the Istio VirtualService written in {@code yaml}. */
    public void createVirtualService(String yaml) {
        GenericKubernetesResource virtualService = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        client.genericKubernetesResources(VIRTUAL_SERVICES).inNamespace(virtualService.getMetadata().getNamespace())
                .resource(virtualService).create();
    }

    /** The weights of the first HTTP route of a VirtualService, in the order of its destinations. */
    @SuppressWarnings("unchecked")
    public List<Integer> routeWeights(String namespace, String virtualService) {
        GenericKubernetesResource vs = client.genericKubernetesResources(VIRTUAL_SERVICES).inNamespace(namespace)
                .withName(virtualService).get();
        Map<String, Object> spec = (Map<String, Object>) vs.getAdditionalProperties().get("spec");
        List<Map<String, Object>> http = (List<Map<String, Object>>) spec.get("http");
        List<Map<String, Object>> route = (List<Map<String, Object>>) http.get(0).get("route");
        return route.stream().map(r -> ((Number) r.get("weight")).intValue()).toList();
    }

    /**
     * The requests the server took since the last call (the test's own set-up included), as {@code "GET /apis/..."},
     * in the order they came.
     */
    public List<String> takeRequests() throws InterruptedException {
        List<String> requests = new java.util.ArrayList<>();
        io.fabric8.mockwebserver.http.RecordedRequest request;
        while ((request = server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
            requests.add(request.getMethod() + " " + request.getPath());
        }
        return requests;
    }

    /** Creates an Argo Rollouts AnalysisTemplate or ClusterAnalysisTemplate written in {@code yaml}. */
    public void createAnalysisTemplate(String yaml) {
        GenericKubernetesResource template = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        boolean cluster = "ClusterAnalysisTemplate".equals(template.getKind());
        ResourceDefinitionContext type = new ResourceDefinitionContext.Builder().withGroup("argoproj.io")
                .withVersion("v1alpha1").withKind(template.getKind())
                .withPlural(cluster ? "clusteranalysistemplates" : "analysistemplates").withNamespaced(!cluster)
                .build();
        if (cluster) {
            client.genericKubernetesResources(type).resource(template).create();
        } else {
            client.genericKubernetesResources(type).inNamespace(template.getMetadata().getNamespace())
                    .resource(template).create();
        }
    }

    /** Reports the Deployment rolled out at its current spec, as the Deployment controller would. */
    public void markRolledOut(String namespace, String name) {
        Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
        int replicas = deployment.getSpec().getReplicas();
        deployment.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(replicas)
                .withAvailableReplicas(replicas).build());
        client.apps().deployments().inNamespace(namespace).resource(deployment).updateStatus();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
