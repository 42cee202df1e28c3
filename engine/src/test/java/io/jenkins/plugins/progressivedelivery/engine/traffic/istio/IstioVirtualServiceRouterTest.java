package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.ReadModifyWrite;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IstioVirtualServiceRouterTest {
    static final Target TARGET = new Target(NS, "web", "app", "web:2.0", null, null);
    static final IstioSpec HOST_SPLIT = new IstioSpec("web", "primary", "web-stable", "web-canary", null, null, null);
    static final IstioSpec SUBSET_SPLIT = new IstioSpec("web-subsets", null, null, null, "web", "stable", "canary");
    private static final String VS_PATH = "/apis/networking.istio.io/v1/namespaces/demo/virtualservices/web";

    /** Every field a real VirtualService might carry besides the two weights the engine manages. */
    static final String HOST_SPLIT_VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: web
              namespace: demo
              labels: {team: shop}
              annotations: {owner: "shop@example.com"}
            spec:
              hosts: [web.example.com, web]
              gateways: [shop-gateway, mesh]
              exportTo: ["."]
              x-field-from-a-newer-istio: {keep: [1, 2, 3]}
              http:
              - name: canary-header
                match:
                - headers:
                    x-canary: {exact: always}
                route:
                - destination: {host: web-canary, port: {number: 80}}
              - name: primary
                retries: {attempts: 3, perTryTimeout: 2s, retryOn: "5xx,reset"}
                timeout: 10s
                mirror: {host: web-shadow}
                mirrorPercentage: {value: 5.5}
                corsPolicy: {allowOrigins: [{exact: "https://shop.example.com"}]}
                headers:
                  response:
                    add: {x-served-by: mesh}
                route:
                - destination: {host: web-stable.demo.svc.cluster.local, port: {number: 80}}
                  weight: 100
                  headers: {request: {set: {x-track: stable}}}
                - destination: {host: web-canary, port: {number: 80}}
                  weight: 0
              tcp:
              - match: [{port: 9000}]
                route: [{destination: {host: web-stable, port: {number: 9000}}}]
              tls:
              - match: [{port: 443, sniHosts: [web.example.com]}]
                route: [{destination: {host: web-stable, port: {number: 443}}}]
            """;

    static final String SUBSET_SPLIT_VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web-subsets, namespace: demo}
            spec:
              hosts: [web]
              http:
              - route:
                - destination: {host: web, subset: stable}
                  weight: 100
                - destination: {host: web, subset: canary}
                  weight: 0
            """;

    static final String DESTINATION_RULE = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: web, namespace: demo}
            spec:
              host: web.demo.svc.cluster.local
              trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
              subsets:
              - name: legacy
                labels: {version: v0}
              - name: stable
                labels: {version: v1}
              - name: canary
                labels: {version: v2}
                trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}
            """;

    private static MockCluster cluster;

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
        cluster.reset().servingIstio("v1", "v1beta1", "v1alpha3");
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.createService("web-stable", "app", "web", "track", "stable");
        cluster.createService("web-canary", "app", "web", "track", "canary");
        cluster.createService("web", "app", "web");
    }

    private IstioVirtualServiceRouter router(IstioSpec spec) {
        return new IstioVirtualServiceRouter(cluster.client, NS, spec, new Workloads(cluster.client, NS, TARGET));
    }

    @SuppressWarnings("unchecked")
    private static int[] weights(GenericKubernetesResource vs, int route) {
        List<Map<String, Object>> http = vs.get("spec", "http");
        List<Map<String, Object>> destinations = (List<Map<String, Object>>) http.get(route).get("route");
        return destinations.stream().mapToInt(d -> ((Number) d.get("weight")).intValue()).toArray();
    }

    /** The object as JSON without what the API server changes on every write. */
    private static JsonNode withoutServerFields(GenericKubernetesResource resource) {
        ObjectNode json = new ObjectMapper().valueToTree(resource);
        ObjectNode metadata = (ObjectNode) json.get("metadata");
        metadata.remove(List.of("resourceVersion", "generation", "managedFields"));
        return json;
    }

    @Test
    void hostSplitSetsTheTwoWeightsAndLeavesEveryOtherFieldAsItWas() {
        GenericKubernetesResource before = cluster.createIstio("v1", HOST_SPLIT_VS);
        IstioVirtualServiceRouter router = router(HOST_SPLIT);
        assertThat(router.verify()).isEmpty();
        assertThat(router.currentWeight()).isZero();

        ClusterChange change = router.setWeight(25);

        assertThat(change).isEqualTo(new ClusterChange(AuditAction.WEIGHT, "virtualservice/demo/web route primary",
                "stable 100, canary 0", "stable 75, canary 25", 0, null));
        GenericKubernetesResource after = cluster.getIstio("v1", "VirtualService", "web");
        assertThat(weights(after, 1)).containsExactly(75, 25);
        ObjectNode expected = (ObjectNode) withoutServerFields(before);
        ((ObjectNode) expected.at("/spec/http/1/route/0")).put("weight", 75);
        ((ObjectNode) expected.at("/spec/http/1/route/1")).put("weight", 25);
        assertThat(withoutServerFields(after)).isEqualTo(expected);
        assertThat(router.currentWeight()).isEqualTo(25);
    }

    @Test
    void rollbackIsExactlyOneRequestAPutOfTheObjectLastRead() {
        cluster.createIstio("v1", HOST_SPLIT_VS);
        IstioVirtualServiceRouter router = router(HOST_SPLIT);
        router.setWeight(40);
        cluster.takeRequests();

        ClusterChange rollback = router.restoreStable();

        List<String> requests = cluster.takeRequests();
        assertThat(requests).containsExactly("PUT " + VS_PATH);
        assertThat(rollback.before()).isEqualTo("stable 60, canary 40");
        assertThat(rollback.after()).isEqualTo("stable 100, canary 0");
        assertThat(weights(cluster.getIstio("v1", "VirtualService", "web"), 1)).containsExactly(100, 0);
    }

    @Test
    void aRollbackFromAStaleCopyFailsWith409IsReReadAndKeepsTheOtherWritersChange() {
        cluster.createIstio("v1", HOST_SPLIT_VS);
        IstioVirtualServiceRouter router = router(HOST_SPLIT);
        router.setWeight(40);
        GenericKubernetesResource edited = cluster.getIstio("v1", "VirtualService", "web");
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) edited.getAdditionalProperties().get("spec");
        spec.put("gateways", List.of("mesh", "edge"));
        cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo")
                .resource(edited).update();
        cluster.takeRequests();

        ClusterChange rollback = router.restoreStable();

        assertThat(cluster.takeRequests()).containsExactly("PUT " + VS_PATH, "GET " + VS_PATH, "PUT " + VS_PATH);
        assertThat(rollback.conflicts()).isEqualTo(1);
        GenericKubernetesResource after = cluster.getIstio("v1", "VirtualService", "web");
        assertThat(weights(after, 1)).containsExactly(100, 0);
        assertThat(((Map<?, ?>) after.getAdditionalProperties().get("spec")).get("gateways"))
                .isEqualTo(List.of("mesh", "edge"));
    }

    @Test
    void weightsAlwaysAddUpTo100() {
        cluster.createIstio("v1", HOST_SPLIT_VS);
        IstioVirtualServiceRouter router = router(HOST_SPLIT);

        for (int weight : new int[] {1, 5, 33, 50, 99, 100, 0}) {
            router.setWeight(weight);
            int[] written = weights(cluster.getIstio("v1", "VirtualService", "web"), 1);
            assertThat(written[1]).isEqualTo(weight);
            assertThat(written[0] + written[1]).isEqualTo(100);
        }
        assertThatThrownBy(() -> router.setWeight(101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWeightAlreadyInPlaceIsNotWrittenAgain() {
        cluster.createIstio("v1", HOST_SPLIT_VS);
        cluster.takeRequests();

        ClusterChange change = router(HOST_SPLIT).setWeight(0);

        assertThat(change.note()).isEqualTo("already so; nothing written");
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void aConflictOnTheWriteIsReReadAndRetried() {
        cluster.createIstio("v1", HOST_SPLIT_VS);
        cluster.server.expect().put().withPath(VS_PATH).andReturn(409, new StatusBuilder().withCode(409)
                .withReason("Conflict").withMessage("the object has been modified").build()).once();
        cluster.takeRequests();

        ClusterChange change = router(HOST_SPLIT).setWeight(20);

        assertThat(change.conflicts()).isEqualTo(1);
        assertThat(change.after()).isEqualTo("stable 80, canary 20");
        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + VS_PATH, "PUT " + VS_PATH);
        assertThat(weights(cluster.getIstio("v1", "VirtualService", "web"), 1)).containsExactly(80, 20);
    }

    @Test
    void conflictsThatNeverResolveFailClearlyAndLeaveTheWeights() {
        cluster.createIstio("v1", HOST_SPLIT_VS);
        cluster.server.expect().put().withPath(VS_PATH).andReturn(409, new StatusBuilder().withCode(409)
                .withReason("Conflict").build()).always();

        assertThatThrownBy(() -> router(HOST_SPLIT).setWeight(20))
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("cannot update virtualservice/demo/web: it changed under every one of "
                        + ReadModifyWrite.MAX_ATTEMPTS + " attempts");
        assertThat(weights(cluster.getIstio("v1", "VirtualService", "web"), 1)).containsExactly(100, 0);
    }

    @Test
    void aServerErrorIsTransientAfterOneRequest() {
        cluster.createIstio("v1", HOST_SPLIT_VS);
        cluster.server.expect().put().withPath(VS_PATH).andReturn(500, new StatusBuilder().withCode(500)
                .withReason("InternalError").withMessage("etcdserver: request timed out").build()).always();
        cluster.takeRequests();

        assertThatThrownBy(() -> router(HOST_SPLIT).setWeight(10))
                .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.isTransient()).isTrue())
                .hasMessageContaining("etcdserver: request timed out");
        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + VS_PATH);
    }

    @Test
    void aClusterServingOnlyV1alpha3Works() {
        cluster.server.clearExpectations();
        cluster.servingIstio("v1alpha3");
        cluster.createIstio("v1alpha3", HOST_SPLIT_VS);
        cluster.takeRequests();
        IstioVirtualServiceRouter router = router(HOST_SPLIT);

        assertThat(router.verify()).isEmpty();
        router.setWeight(10);

        assertThat(MockCluster.writes(cluster.takeRequests()))
                .containsExactly("PUT /apis/networking.istio.io/v1alpha3/namespaces/demo/virtualservices/web");
        GenericKubernetesResource stored = cluster.getIstio("v1alpha3", "VirtualService", "web");
        assertThat(stored.getApiVersion()).isEqualTo("networking.istio.io/v1alpha3");
        assertThat(weights(stored, 1)).containsExactly(90, 10);
        assertThat(router.description()).endsWith("networking.istio.io/v1alpha3");
    }

    @Test
    void v1beta1IsUsedWhenV1IsNotServed() {
        cluster.server.clearExpectations();
        cluster.servingIstio("v1beta1", "v1alpha3");
        cluster.createIstio("v1beta1", HOST_SPLIT_VS);
        cluster.takeRequests();

        router(HOST_SPLIT).setWeight(50);

        assertThat(MockCluster.writes(cluster.takeRequests()))
                .containsExactly("PUT /apis/networking.istio.io/v1beta1/namespaces/demo/virtualservices/web");
        assertThat(weights(cluster.getIstio("v1beta1", "VirtualService", "web"), 1)).containsExactly(50, 50);
    }

    @Test
    void subsetSplitPointsTheSubsetsAtThePodsAndSetsTheirWeights() {
        cluster.createIstio("v1", SUBSET_SPLIT_VS);
        GenericKubernetesResource ruleBefore = cluster.createIstio("v1", DESTINATION_RULE);
        IstioVirtualServiceRouter router = router(SUBSET_SPLIT);
        assertThat(router.verify()).isEmpty();

        List<ClusterChange> subsets = router.pointAtWorkloads();
        ClusterChange weight = router.setWeight(30);

        assertThat(subsets).singleElement().isEqualTo(new ClusterChange(AuditAction.ROUTE,
                "destinationrule/demo/web subsets stable, canary",
                "stable {version=v1}, canary {version=v2}",
                "stable {app=web, track=stable}, canary {app=web, track=canary}", 0, null));
        GenericKubernetesResource rule = cluster.getIstio("v1", "DestinationRule", "web");
        ObjectNode expected = (ObjectNode) withoutServerFields(ruleBefore);
        ((ObjectNode) expected.at("/spec/subsets/1")).set("labels",
                new ObjectMapper().valueToTree(Map.of("app", "web", "track", "stable")));
        ((ObjectNode) expected.at("/spec/subsets/2")).set("labels",
                new ObjectMapper().valueToTree(Map.of("app", "web", "track", "canary")));
        assertThat(withoutServerFields(rule)).isEqualTo(expected);

        assertThat(weight.resource()).isEqualTo("virtualservice/demo/web-subsets route #0 (unnamed)");
        assertThat(weight.after()).isEqualTo("stable 70, canary 30");
        assertThat(weights(cluster.getIstio("v1", "VirtualService", "web-subsets"), 0)).containsExactly(70, 30);
        assertThat(router.pointAtWorkloads()).singleElement()
                .satisfies(c -> assertThat(c.note()).isEqualTo("already so; nothing written"));
    }

    @Test
    void verifyListsEveryProblemOfAHostSplit() {
        cluster.client.services().inNamespace(NS).withName("web-canary").delete();
        cluster.client.services().inNamespace(NS).withName("web-stable").delete();
        cluster.createService("web-stable", "app", "web");
        cluster.createIstio("v1", HOST_SPLIT_VS.replace("name: primary", "name: main"));
        cluster.takeRequests();

        List<ValidationError> problems = router(HOST_SPLIT).verify();

        assertThat(problems).extracting(ValidationError::path).containsExactly("traffic.istio.route",
                "traffic.istio.stableService", "traffic.istio.canaryService");
        assertThat(problems.get(0).message()).contains("no HTTP route named 'primary'; its routes are"
                + " canary-header, main");
        assertThat(problems.get(1).message()).contains("service web-stable selects {app=web}, which also"
                + " matches the canary pods");
        assertThat(problems.get(2).message()).contains("service web-canary not found in namespace demo");
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void verifyListsEveryProblemOfASubsetSplit() {
        cluster.createIstio("v1", SUBSET_SPLIT_VS);
        cluster.createIstio("v1", DESTINATION_RULE.replace("- name: canary", "- name: next")
                .replace("host: web.demo.svc.cluster.local", "host: web-other"));

        List<ValidationError> problems = router(SUBSET_SPLIT).verify();

        assertThat(problems).extracting(ValidationError::path).containsExactly("traffic.istio.canarySubset",
                "traffic.istio.destinationRule", "traffic.istio.destinationRule");
        assertThat(problems.get(0).message()).contains("has no subset canary (its subsets: legacy, stable, next)");
        assertThat(problems.get(1).message()).contains("is for host web-other but route #0 (unnamed) sends to"
                + " host web");
        assertThat(problems.get(2).message()).contains("service web-other not found");
    }

    @Test
    void aClusterWithoutIstioOrWithoutTheVirtualServiceSaysSo() {
        cluster.client.services().inNamespace(NS).withName("web-canary").delete();

        List<ValidationError> problems = router(HOST_SPLIT).verify();

        assertThat(problems).extracting(ValidationError::path)
                .containsExactly("traffic.istio.virtualService", "traffic.istio.canaryService");
        assertThat(problems.get(0).message()).contains("virtualservice web not found in namespace demo");

        cluster.server.clearExpectations();
        assertThat(router(HOST_SPLIT).verify()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("traffic.istio");
            assertThat(p.message()).contains("does not serve the Istio API networking.istio.io");
        });
    }
}
