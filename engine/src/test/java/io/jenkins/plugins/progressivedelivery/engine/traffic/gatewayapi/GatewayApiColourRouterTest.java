package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.kube.BlueGreenFixtures;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.PreflightException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ProductionTraffic;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** blueGreenSwitch over a Gateway API HTTPRoute: the colour in production is the rule's weight-100 backendRef. */
class GatewayApiColourRouterTest {
    private static final String ROUTE_PATH = "/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/payments";
    private static final String HTTP_ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: payments, namespace: demo, annotations: {owner: payments-team}}
            spec:
              parentRefs: [{name: shop-gateway}]
              rules:
              - name: admin
                matches: [{path: {type: PathPrefix, value: /admin}}]
                backendRefs: [{name: payments-blue, port: 80}]
              - name: primary
                timeouts: {request: 2s}
                backendRefs:
                - {name: payments-blue, port: 80, weight: 100}
                - {name: payments-green, port: 80, weight: 0}
            """;
    private static final BlueGreenPlan PLAN = PlanLoader.loadBlueGreen("""
            target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
            previewService: payments-preview
            traffic:
              gatewayAPI: {httpRoute: payments, rule: primary, blueService: payments-blue,
                           greenService: payments-green}
            """, "bluegreen.yaml");

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
    void blueInProduction() {
        cluster.reset().servingGatewayApi("v1", "httproutes");
        cluster.create(BlueGreenFixtures.colourDeployment("blue", 4, "payments:1.0"));
        cluster.markRolledOut("payments-blue");
        cluster.createService("payments-preview", "app", "payments", "slot", "blue");
        cluster.createService("payments-blue", "app", "payments", "slot", "blue");
        cluster.createService("payments-green", "app", "payments", "slot", "green");
    }

    private static HTTPRoute create(String yaml) {
        return cluster.client.resources(HTTPRoute.class).inNamespace(NS)
                .resource(Serialization.unmarshal(yaml, HTTPRoute.class)).create();
    }

    private static String weights() {
        return cluster.client.resources(HTTPRoute.class).inNamespace(NS).withName("payments").get().getSpec()
                .getRules().get(1).getBackendRefs().stream()
                .map(b -> b.getName().replace("payments-", "") + " " + b.getWeight())
                .collect(Collectors.joining(", "));
    }

    @Test
    void preflightFindsBlueInProductionAndTheSwitchMovesTheWeightsInOneWriteEachWay() {
        HTTPRoute before = create(HTTP_ROUTE);
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client, PLAN)) {
            BlueGreenSnapshot snapshot = blueGreen.preflight();
            assertThat(snapshot.activeColour()).isEqualTo(Colour.BLUE);
            assertThat(blueGreen.router().description()).isEqualTo("gateway api httproute httproute/demo/payments"
                    + " rule primary (blue payments-blue, green payments-green), gateway.networking.k8s.io/v1");
            cluster.takeRequests();

            ClusterChange toGreen = blueGreen.router().switchTo(Colour.GREEN);

            assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + ROUTE_PATH);
            assertThat(toGreen.before()).isEqualTo("blue 100, green 0");
            assertThat(toGreen.after()).isEqualTo("blue 0, green 100");
            assertThat(weights()).isEqualTo("blue 0, green 100");

            blueGreen.router().switchTo(Colour.BLUE);
            assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + ROUTE_PATH);
        }
        ObjectMapper json = new ObjectMapper();
        HTTPRoute after = cluster.client.resources(HTTPRoute.class).inNamespace(NS).withName("payments").get();
        after.getMetadata().setResourceVersion(null);
        before.getMetadata().setResourceVersion(null);
        after.getMetadata().setGeneration(null);
        before.getMetadata().setGeneration(null);
        assertThat((Object) json.valueToTree(after)).isEqualTo(json.valueToTree(before));
    }

    @Test
    void aRouteThatSplitsTrafficOrAServiceThatSelectsTheWrongColourFailsThePreflight() {
        create(HTTP_ROUTE.replace("weight: 100}", "weight: 90}").replace("weight: 0}", "weight: 10}"));
        cluster.takeRequests();

        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client, PLAN)) {
            assertThatThrownBy(blueGreen::preflight).isInstanceOfSatisfying(PreflightException.class, e ->
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.path()).isEqualTo("traffic.gatewayAPI.rule");
                        assertThat(p.message()).contains("splits traffic blue 90, green 10");
                    }));
        }
        cluster.client.resources(HTTPRoute.class).inNamespace(NS).withName("payments").delete();
        create(HTTP_ROUTE);
        cluster.client.services().inNamespace(NS).withName("payments-green").delete();
        cluster.createService("payments-green", "app", "payments");
        cluster.takeRequests();

        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client, PLAN)) {
            assertThatThrownBy(blueGreen::preflight).isInstanceOfSatisfying(PreflightException.class, e ->
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.path()).isEqualTo("traffic.gatewayAPI.greenService");
                        assertThat(p.message()).contains("which also matches the blue pods");
                    }));
        }
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void productionIsReadInOneGetOfTheRouteAndSaysWhoMovedItAndWhenItCannotBeTold() {
        create(HTTP_ROUTE);
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client, PLAN)) {
            blueGreen.preflight();
            blueGreen.switchActiveTo(Colour.GREEN);
            cluster.takeRequests();

            ProductionTraffic engineLeftIt = blueGreen.readProduction();
            assertThat(cluster.takeRequests()).as("one read of the route").containsExactly("GET " + ROUTE_PATH);
            assertThat(engineLeftIt.colour()).isEqualTo(Colour.GREEN);
            assertThat(engineLeftIt.found()).isEqualTo("blue 0, green 100");

            setWeights(100, 0, "argocd-controller");
            ProductionTraffic switchedBack = blueGreen.readProduction();
            assertThat(cluster.takeRequests()).as("one read, no write").endsWith("PUT " + ROUTE_PATH,
                    "GET " + ROUTE_PATH);
            assertThat(switchedBack.colour()).isEqualTo(Colour.BLUE);
            assertThat(switchedBack.found()).isEqualTo("blue 100, green 0");
            assertThat(switchedBack.writer()).startsWith("by argocd-controller (Update at ");

            setWeights(90, 10, "kubectl-edit");
            assertThat(blueGreen.readProduction().colour()).as("split: not on one colour").isNull();

            cluster.client.resources(HTTPRoute.class).inNamespace(NS).withName("payments").delete();
            ProductionTraffic gone = blueGreen.readProduction();
            assertThat(gone.colour()).isNull();
            assertThat(gone.found()).isEqualTo("deleted");
        }
    }

    /** Someone else's edit of rule primary's weights, recorded in managedFields as the API server would. */
    private static void setWeights(int blue, int green, String manager) {
        var ops = cluster.client.resources(HTTPRoute.class).inNamespace(NS);
        HTTPRoute route = ops.withName("payments").get();
        var refs = route.getSpec().getRules().get(1).getBackendRefs();
        refs.get(0).setWeight(blue);
        refs.get(1).setWeight(green);
        route.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager(manager)
                .withOperation("Update").withTime("2026-12-07T23:00:00Z").build()));
        ops.resource(route).update();
    }
}
