package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import io.jenkins.plugins.progressivedelivery.engine.plan.GatewayApiSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatewayApiRouterTest {
    static final Target TARGET = new Target(NS, "web", "app", "web:2.0", null, null);
    static final GatewayApiSpec SPEC = new GatewayApiSpec("web", null, "primary", "web-stable", "web-canary");
    private static final String ROUTE_PATH = "/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/web";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every field a real HTTPRoute might carry besides the two weights the engine manages. */
    static final String HTTP_ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: web
              namespace: demo
              labels: {team: shop}
              annotations: {owner: "shop@example.com"}
            spec:
              parentRefs: [{name: shop-gateway, namespace: infra, sectionName: https}]
              hostnames: [web.example.com]
              rules:
              - name: docs
                matches: [{path: {type: PathPrefix, value: /docs}}]
                backendRefs: [{name: docs, port: 80}]
              - name: primary
                matches:
                - path: {type: PathPrefix, value: /}
                  headers: [{name: x-region, type: Exact, value: eu}]
                filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier: {add: [{name: x-via, value: gateway}]}
                timeouts: {request: 10s}
                backendRefs:
                - {name: web-stable, port: 80, weight: 100}
                - {name: web-canary, port: 80, weight: 0}
            """;

    static final String GRPC_ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: web-grpc, namespace: demo}
            spec:
              parentRefs: [{name: shop-gateway}]
              rules:
              - matches: [{method: {service: shop.Cart}}]
                backendRefs:
                - {name: web-stable, port: 9000, weight: 100}
                - {name: web-canary, port: 9000, weight: 0}
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
        cluster.reset().servingGatewayApi("v1", "httproutes", "grpcroutes", "gateways");
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.createService("web-stable", "app", "web", "track", "stable");
        cluster.createService("web-canary", "app", "web", "track", "canary");
    }

    private static GatewayApiRouter router(GatewayApiSpec spec) {
        return new GatewayApiRouter(cluster.client, NS, spec, new Workloads(cluster.client, NS, TARGET));
    }

    private static HTTPRoute create(String yaml) {
        return cluster.client.resources(HTTPRoute.class).inNamespace(NS)
                .resource(Serialization.unmarshal(yaml, HTTPRoute.class)).create();
    }

    private static HTTPRoute stored() {
        return cluster.client.resources(HTTPRoute.class).inNamespace(NS).withName("web").get();
    }

    private static JsonNode withoutServerFields(HasMetadata resource) {
        ObjectNode json = JSON.valueToTree(resource);
        ((ObjectNode) json.get("metadata")).remove(List.of("resourceVersion", "generation", "managedFields",
                "creationTimestamp", "uid"));
        return json;
    }

    private static int[] weights(HTTPRoute route, int rule) {
        return route.getSpec().getRules().get(rule).getBackendRefs().stream().mapToInt(b -> b.getWeight()).toArray();
    }

    private static final PlanStep.SetHeaderRoute TESTERS = new PlanStep.SetHeaderRoute("testers",
            List.of(new PlanStep.HeaderMatch("X-Canary", new PlanStep.StringMatch("always", null, null))));

    @Test
    void setsTheWeightsOfTheNamedRuleAtEachStepAndLeavesEveryOtherFieldAsItWas() {
        HTTPRoute before = create(HTTP_ROUTE);
        GatewayApiRouter router = router(SPEC);
        assertThat(router.verify()).isEmpty();
        assertThat(router.currentWeight()).isZero();

        for (int weight : new int[] {5, 25, 50, 100}) {
            ClusterChange change = router.setWeight(weight);
            assertThat(change.after()).isEqualTo("stable " + (100 - weight) + ", canary " + weight);
            assertThat(weights(stored(), 1)).containsExactly(100 - weight, weight);
            assertThat(router.currentWeight()).isEqualTo(weight);
        }

        ObjectNode expected = (ObjectNode) withoutServerFields(before);
        ((ObjectNode) expected.at("/spec/rules/1/backendRefs/0")).put("weight", 0);
        ((ObjectNode) expected.at("/spec/rules/1/backendRefs/1")).put("weight", 100);
        assertThat(withoutServerFields(stored())).isEqualTo(expected);
        assertThat(router.description()).isEqualTo("gateway api httproute httproute/demo/web rule primary"
                + " (web-stable/web-canary), gateway.networking.k8s.io/v1");
    }

    @Test
    void headerAndMirrorRoutesComeFirstAndTheRollbackRemovesThemWithTheWeightsInOneWrite() {
        HTTPRoute before = create(HTTP_ROUTE);
        GatewayApiRouter router = router(SPEC);
        router.setWeight(20);
        ClusterChange header = router.setHeaderRoute(TESTERS);
        ClusterChange mirror = router.setMirrorRoute(new PlanStep.SetMirrorRoute("shadow", 30, List.of()));
        router.setWeight(40);

        assertThat(header).isEqualTo(new ClusterChange(AuditAction.ROUTE, "httproute/demo/web rule testers",
                "absent", "X-Canary exact \"always\" -> canary 100%", 0, null));
        assertThat(mirror.after()).isEqualTo("mirror 30% of the rule's requests to canary");
        HTTPRoute withRoutes = stored();
        assertThat(withRoutes.getMetadata().getAnnotations())
                .containsEntry(RouteRulesEditor.MANAGED_RULES, "shadow,testers");
        assertThat(withRoutes.getSpec().getRules()).extracting(r -> r.getName())
                .containsExactly("shadow", "testers", "docs", "primary");
        var testers = withRoutes.getSpec().getRules().get(1);
        assertThat(testers.getBackendRefs()).singleElement().satisfies(b -> {
            assertThat(b.getName()).isEqualTo("web-canary");
            assertThat(b.getWeight()).isEqualTo(100);
        });
        assertThat(testers.getMatches()).singleElement().satisfies(m -> {
            assertThat(m.getPath().getValue()).isEqualTo("/");
            assertThat(m.getHeaders()).extracting(h -> h.getName() + " " + h.getType() + " " + h.getValue())
                    .containsExactly("x-region Exact eu", "X-Canary Exact always");
        });
        var shadow = withRoutes.getSpec().getRules().get(0);
        assertThat(shadow.getFilters()).extracting(f -> f.getType())
                .containsExactly("RequestHeaderModifier", "RequestMirror");
        assertThat(shadow.getFilters().get(1).getRequestMirror().getBackendRef().getName()).isEqualTo("web-canary");
        assertThat(shadow.getFilters().get(1).getRequestMirror().getPercent()).isEqualTo(30);
        assertThat(weights(withRoutes, 0)).as("the mirror rule serves as the weighted rule does")
                .containsExactly(60, 40);
        assertThat(weights(withRoutes, 3)).containsExactly(60, 40);
        cluster.takeRequests();

        ClusterChange rollback = router.restoreStable();

        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + ROUTE_PATH);
        assertThat(rollback.before()).isEqualTo("stable 60, canary 40");
        assertThat(rollback.after()).isEqualTo("stable 100, canary 0");
        assertThat(rollback.note()).isEqualTo("managed rules removed: shadow, testers");
        assertThat(withoutServerFields(stored())).isEqualTo(withoutServerFields(before));
    }

    @Test
    void aHeaderRouteWithoutMatchesIsRemovedAndSettingItTwiceReplacesIt() {
        HTTPRoute before = create(HTTP_ROUTE);
        GatewayApiRouter router = router(SPEC);
        router.setHeaderRoute(TESTERS);
        router.setHeaderRoute(new PlanStep.SetHeaderRoute("testers", List.of(new PlanStep.HeaderMatch("X-Canary",
                new PlanStep.StringMatch(null, "qa-", null)))));

        HTTPRoute replaced = stored();
        assertThat(replaced.getSpec().getRules()).hasSize(3);
        assertThat(replaced.getSpec().getRules().get(0).getMatches().get(0).getHeaders().get(1))
                .satisfies(h -> {
                    assertThat(h.getType()).isEqualTo("RegularExpression");
                    assertThat(h.getValue()).isEqualTo("^qa-.*");
                });

        ClusterChange removed = router.setHeaderRoute(new PlanStep.SetHeaderRoute("testers", List.of()));

        assertThat(removed.before()).isEqualTo("present");
        assertThat(removed.after()).isEqualTo("absent");
        assertThat(withoutServerFields(stored())).isEqualTo(withoutServerFields(before));
    }

    @Test
    void aConflictOnTheWriteIsReReadAndRetried() {
        create(HTTP_ROUTE);
        cluster.server.expect().put().withPath(ROUTE_PATH).andReturn(409, new StatusBuilder().withCode(409)
                .withReason("Conflict").withMessage("the object has been modified").build()).once();
        cluster.takeRequests();

        ClusterChange change = router(SPEC).setWeight(20);

        assertThat(change.conflicts()).isEqualTo(1);
        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + ROUTE_PATH,
                "PUT " + ROUTE_PATH);
        assertThat(weights(stored(), 1)).containsExactly(80, 20);
    }

    @Test
    void aWeightAlreadyInPlaceIsNotWrittenAgain() {
        create(HTTP_ROUTE);
        cluster.takeRequests();

        ClusterChange change = router(SPEC).restoreStable();

        assertThat(change.note()).isEqualTo("already so; nothing written");
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void v1beta1IsUsedWhereV1IsNotServed() {
        cluster.server.clearExpectations();
        cluster.reset().servingGatewayApi("v1beta1", "httproutes");
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.createService("web-stable", "app", "web", "track", "stable");
        cluster.createService("web-canary", "app", "web", "track", "canary");
        var route = Serialization.unmarshal(HTTP_ROUTE.replace("gateway.networking.k8s.io/v1",
                "gateway.networking.k8s.io/v1beta1"),
                io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.HTTPRoute.class);
        cluster.client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.HTTPRoute.class)
                .inNamespace(NS).resource(route).create();
        GatewayApiRouter router = router(SPEC);
        assertThat(router.verify()).isEmpty();
        cluster.takeRequests();

        router.setWeight(10);

        assertThat(MockCluster.writes(cluster.takeRequests()))
                .containsExactly("PUT /apis/gateway.networking.k8s.io/v1beta1/namespaces/demo/httproutes/web");
        assertThat(router.description()).endsWith("gateway.networking.k8s.io/v1beta1");
    }

    @Test
    void aGrpcRouteWithASingleRuleIsSplitToo() {
        cluster.client.resources(GRPCRoute.class).inNamespace(NS)
                .resource(Serialization.unmarshal(GRPC_ROUTE, GRPCRoute.class)).create();
        GatewayApiRouter router = router(new GatewayApiSpec(null, "web-grpc", null, "web-stable", "web-canary"));
        assertThat(router.verify()).isEmpty();

        assertThat(router.setWeight(30).after()).isEqualTo("stable 70, canary 30");
        router.setHeaderRoute(TESTERS);
        assertThat(router.currentWeight()).as("the only unmanaged rule is still found").isEqualTo(30);
        router.restoreStable();

        GRPCRoute stored = cluster.client.resources(GRPCRoute.class).inNamespace(NS).withName("web-grpc").get();
        assertThat(stored.getSpec().getRules()).singleElement().satisfies(rule -> assertThat(rule.getBackendRefs())
                .extracting(b -> b.getWeight()).containsExactly(100, 0));
        assertThat(router.verifySteps(List.of(new PlanStep.SetMirrorRoute("m", 10, List.of(new PlanStep.RouteMatch(
                null, new PlanStep.StringMatch(null, "/", null), null))))))
                .singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("steps[0].setMirrorRoute.match[0]"));
    }

    @Test
    void preflightNamesAMissingRuleBackendOrRoute() {
        create(HTTP_ROUTE.replace("name: web-canary", "name: web-next"));
        cluster.takeRequests();

        assertThat(router(SPEC).verify()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("traffic.gatewayAPI.canaryService");
            assertThat(p.message()).contains("rule primary of httproute web has backendRefs web-stable (weight 100),"
                    + " web-next (weight 0); it needs exactly two");
        });
        assertThat(router(new GatewayApiSpec("web", null, "main", "web-stable", "web-canary")).verify())
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("traffic.gatewayAPI.rule");
                    assertThat(p.message()).contains("has no rule named 'main'; its rules are docs, primary");
                });
        assertThat(router(new GatewayApiSpec("web", null, null, "web-stable", "web-canary")).verify())
                .singleElement().satisfies(p -> assertThat(p.message()).contains("has 2 rules (docs, primary);"
                        + " set traffic.gatewayAPI.rule"));
        assertThat(router(new GatewayApiSpec("shop", null, null, "web-stable", "web-canary")).verify())
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("traffic.gatewayAPI.httpRoute");
                    assertThat(p.message()).contains("httproute shop not found in namespace demo");
                });
        assertThat(router(SPEC).verifySteps(List.of(new PlanStep.SetHeaderRoute("docs", TESTERS.match()))))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("already has a rule named 'docs'"));
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void preflightNamesAMissingCrd() {
        cluster.server.clearExpectations();
        cluster.reset().servingGatewayApi("v1", "gateways", "httproutes");

        List<ValidationError> grpc = router(new GatewayApiSpec(null, "web-grpc", null, "web-stable", "web-canary"))
                .verify();
        assertThat(grpc).extracting(ValidationError::path).contains("traffic.gatewayAPI");
        assertThat(grpc.get(0).message()).contains("not GRPCRoute in v1: the CRD grpcroutes.gateway.networking.k8s.io"
                + " is not installed");

        cluster.server.clearExpectations();
        cluster.reset();
        List<ValidationError> none = router(SPEC).verify();
        assertThat(none.get(0).message()).contains("does not serve the Gateway API (gateway.networking.k8s.io):"
                + " the CRD httproutes.gateway.networking.k8s.io is not installed");
    }
}
