package io.jenkins.plugins.progressivedelivery.engine.kube;

import static io.jenkins.plugins.progressivedelivery.engine.kube.BlueGreenFixtures.selected;
import static io.jenkins.plugins.progressivedelivery.engine.kube.BlueGreenFixtures.weights;
import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.PreflightException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesBlueGreenClusterTest {
    private static final String SELECTOR_PLAN = """
            target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
            activeService: payments
            previewService: payments-preview
            """;
    private static final String HOST_SPLIT_PLAN = """
            target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
            previewService: payments-preview
            traffic:
              istio: {virtualService: payments, route: primary, blueService: payments-blue,
                      greenService: payments-green}
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
    void reset() {
        cluster.reset();
    }

    private static BlueGreenPlan plan(String yaml) {
        return PlanLoader.loadBlueGreen(yaml, "bluegreen.yaml");
    }

    @Test
    void preflightFindsTheActiveColourFromTheActiveServicesSelector() {
        BlueGreenFixtures.blueInProduction(cluster);
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(SELECTOR_PLAN))) {
            cluster.takeRequests();

            assertThat(blueGreen.preflight()).isEqualTo(new BlueGreenSnapshot(Colour.BLUE, 4, "payments:1.0",
                    "service selector service/demo/payments slot"));
            assertThat(cluster.takeRequests()).isNotEmpty().allMatch(r -> r.startsWith("GET "));
        }
    }

    @Test
    void preflightListsEveryProblemAtOnceAndWritesNothing() {
        Deployment blue = BlueGreenFixtures.colourDeployment("blue", 4, "payments:1.0");
        blue.getSpec().getSelector().getMatchLabels().remove("slot");
        cluster.create(blue);
        Deployment green = BlueGreenFixtures.colourDeployment("green", 0, "payments:1.0");
        green.getSpec().getSelector().getMatchLabels().remove("slot");
        cluster.create(green);
        cluster.createService("payments", "app", "payments", "slot", "blue");
        cluster.takeRequests();
        BlueGreenPlan plan = plan(SELECTOR_PLAN.replace("container: app", "container: server"));

        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client, plan)) {
            assertThatThrownBy(blueGreen::preflight)
                    .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.problems())
                            .extracting(ValidationError::path).containsExactly(
                                    "previewService", "target.container", "colorLabel", "target.deployment"))
                    .hasMessageStartingWith("the plan does not match the cluster (nothing was changed):")
                    .hasMessageContaining("previewService: service payments-preview not found in namespace demo")
                    .hasMessageContaining("target.container: deployment payments-blue has no container 'server';"
                            + " its containers are app, log")
                    .hasMessageContaining("colorLabel: the selector of deployment payments-blue {app=payments}"
                            + " would also select the green pods")
                    .hasMessageContaining("target.deployment: deployment payments-green exists with the selector"
                            + " {app=payments}, which also selects the pods in production");
        }
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void anActiveServiceThatSelectsNoColourOrAMissingDeploymentIsNamedWithItsFix() {
        cluster.createService("payments", "app", "payments");
        cluster.createService("payments-preview", "slot", "blue");
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(SELECTOR_PLAN))) {
            assertThatThrownBy(blueGreen::preflight).isInstanceOfSatisfying(PreflightException.class,
                    e -> assertThat(e.problems()).extracting(ValidationError::toString).containsExactly(
                            "activeService: service payments selects {app=payments}, without the label slot, so it"
                                    + " does not pick a colour; label the pods in production slot: blue (or green)"
                                    + " and add that label to the Service's selector"));
        }

        cluster.reset();
        cluster.createService("payments", "app", "payments", "slot", "green");
        cluster.createService("payments-preview", "slot", "blue");
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(SELECTOR_PLAN))) {
            assertThatThrownBy(blueGreen::preflight).isInstanceOfSatisfying(PreflightException.class,
                    e -> assertThat(e.problems()).extracting(ValidationError::path).containsExactly(
                            "target.deployment"))
                    .hasMessageContaining("deployment payments-green not found in namespace demo, but service"
                            + " payments sends production traffic to green");
        }
    }

    @Test
    void theNewColourIsTheActiveTemplateWithTheNewImageAndColourAndIsNotOwnedByIt() {
        BlueGreenFixtures.blueInProduction(cluster);
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(SELECTOR_PLAN))) {
            assertThat(blueGreen.deployColour(Colour.GREEN, 1)).singleElement().satisfies(c -> {
                assertThat(c.resource()).isEqualTo("deployment/demo/payments-green");
                assertThat(c.before()).isEqualTo("absent");
                assertThat(c.after()).isEqualTo("replicas 1, image payments:2.0");
                assertThat(c.note()).isEqualTo("created from deployment/demo/payments-blue with image payments:2.0");
            });
            Deployment green = cluster.deployment("payments-green");
            assertThat(green.getSpec().getSelector().getMatchLabels())
                    .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("app", "payments", "slot", "green"));
            assertThat(green.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("slot", "green")
                    .containsEntry("tier", "backend");
            assertThat(green.getMetadata().getLabels()).containsEntry("slot", "green");
            assertThat(green.getMetadata().getOwnerReferences()).isNullOrEmpty();
            assertThat(green.getSpec().getTemplate().getSpec().getContainers())
                    .extracting(c -> c.getName() + "=" + c.getImage()).containsExactly("app=payments:2.0",
                            "log=fluent-bit:3");
            assertThat(green.getSpec().getMinReadySeconds()).isEqualTo(5);
            assertThat(blueGreen.readiness(Colour.GREEN).ready()).isFalse();
            cluster.markRolledOut("payments-green");
            assertThat(blueGreen.readiness(Colour.GREEN).ready()).isTrue();

            assertThat(blueGreen.scaleColour(Colour.GREEN, 4)).singleElement()
                    .satisfies(c -> assertThat(c.after()).isEqualTo("replicas 4, image payments:2.0"));
            assertThat(cluster.deployment("payments-blue").getSpec().getTemplate().getSpec().getContainers().get(0)
                    .getImage()).as("production untouched").isEqualTo("payments:1.0");
        }
    }

    @Test
    void aNewColourLeftFromAnEarlierReleaseIsUpdatedInPlace() {
        BlueGreenFixtures.blueInProduction(cluster);
        cluster.create(BlueGreenFixtures.colourDeployment("green", 0, "payments:0.9"));
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(SELECTOR_PLAN))) {
            blueGreen.preflight();
            cluster.takeRequests();

            assertThat(blueGreen.deployColour(Colour.GREEN, 4)).singleElement().satisfies(c -> {
                assertThat(c.before()).isEqualTo("replicas 0, image payments:0.9");
                assertThat(c.after()).isEqualTo("replicas 4, image payments:2.0");
            });
            assertThat(MockCluster.writes(cluster.takeRequests()))
                    .containsExactly("PUT /apis/apps/v1/namespaces/demo/deployments/payments-green");
            assertThat(blueGreen.deployColour(Colour.GREEN, 4)).singleElement()
                    .satisfies(c -> assertThat(c.note()).isEqualTo("already so; nothing written"));
            assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
        }
    }

    @Test
    void theSwitchIsOneWriteOfTheSelectorThatKeepsItsOtherLabels() {
        BlueGreenFixtures.blueInProduction(cluster);
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(SELECTOR_PLAN))) {
            assertThat(blueGreen.pointPreviewAt(Colour.GREEN)).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(AuditAction.ROUTE);
                assertThat(c.resource()).isEqualTo("service/demo/payments-preview");
            });
            assertThat(selected(cluster, "payments")).as("production untouched").isEqualTo("slot=blue");
            cluster.takeRequests();

            List<ClusterChange> switched = blueGreen.switchActiveTo(Colour.GREEN);

            assertThat(MockCluster.writes(cluster.takeRequests()))
                    .containsExactly("PUT /api/v1/namespaces/demo/services/payments");
            assertThat(switched).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(AuditAction.WEIGHT);
                assertThat(c.resource()).isEqualTo("service/demo/payments");
                assertThat(c.before()).isEqualTo("slot=blue");
                assertThat(c.after()).isEqualTo("slot=green");
                assertThat(c.conflicts()).isZero();
            });
            assertThat(cluster.client.services().inNamespace(NS).withName("payments").get().getSpec().getSelector())
                    .containsEntry("app", "payments").containsEntry("slot", "green").hasSize(2);
            assertThat(blueGreen.switchActiveTo(Colour.GREEN)).singleElement()
                    .satisfies(c -> assertThat(c.note()).isEqualTo("already so; nothing written"));
            assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
        }
    }

    @Test
    void aConflictOnTheSelectorFlipIsReReadAndRetried() {
        BlueGreenFixtures.blueInProduction(cluster);
        cluster.server.expect().put().withPath("/api/v1/namespaces/demo/services/payments")
                .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
                        .withMessage("the object has been modified").build()).once();
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(SELECTOR_PLAN))) {
            cluster.takeRequests();

            assertThat(blueGreen.switchActiveTo(Colour.GREEN)).singleElement()
                    .satisfies(c -> assertThat(c.conflicts()).isEqualTo(1));

            assertThat(cluster.takeRequests()).containsExactly(
                    "GET /api/v1/namespaces/demo/services/payments",
                    "PUT /api/v1/namespaces/demo/services/payments",
                    "GET /api/v1/namespaces/demo/services/payments",
                    "PUT /api/v1/namespaces/demo/services/payments");
            assertThat(selected(cluster, "payments")).isEqualTo("slot=green");
        }
    }

    @Test
    void withIstioTheRouteWeightsNameTheActiveColourAndTheSwitchMovesThemInOneWrite() {
        BlueGreenFixtures.blueInProductionBehindIstio(cluster);
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(HOST_SPLIT_PLAN))) {
            assertThat(blueGreen.preflight()).isEqualTo(new BlueGreenSnapshot(Colour.BLUE, 4, "payments:1.0",
                    "istio host split virtualservice/demo/payments route primary (payments-blue/payments-green),"
                            + " networking.istio.io/v1"));
            cluster.takeRequests();

            assertThat(blueGreen.switchActiveTo(Colour.GREEN)).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(AuditAction.WEIGHT);
                assertThat(c.resource()).isEqualTo("virtualservice/demo/payments route primary");
                assertThat(c.before()).isEqualTo("blue 100, green 0");
                assertThat(c.after()).isEqualTo("blue 0, green 100");
            });
            assertThat(MockCluster.writes(cluster.takeRequests()))
                    .containsExactly("PUT /apis/networking.istio.io/v1/namespaces/demo/virtualservices/payments");
            assertThat(weights(cluster)).isEqualTo("blue 0, green 100");
            List<java.util.Map<String, Object>> http = cluster.getIstio("v1", "VirtualService", "payments")
                    .get("spec", "http");
            assertThat(http.get(0)).as("other routes untouched").isEqualTo(java.util.Map.of("name", "admin",
                    "match", List.of(java.util.Map.of("uri", java.util.Map.of("prefix", "/admin"))),
                    "route", List.of(java.util.Map.of("destination", java.util.Map.of("host", "payments-blue")))));
            assertThat(http.get(1)).containsEntry("timeout", "2s");
        }
    }

    @Test
    void withIstioASplitRouteOrServicesThatDoNotSelectTheirColourAreProblems() {
        cluster.servingIstio("v1");
        cluster.create(BlueGreenFixtures.colourDeployment("blue", 4, "payments:1.0"));
        cluster.createService("payments-preview", "app", "payments", "slot", "blue");
        cluster.createService("payments-blue", "app", "payments");
        cluster.createIstio("v1", BlueGreenFixtures.VIRTUAL_SERVICE.replace("weight: 100", "weight: 60")
                .replace("weight: 0", "weight: 40"));
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(HOST_SPLIT_PLAN))) {
            assertThatThrownBy(blueGreen::preflight).isInstanceOfSatisfying(PreflightException.class,
                    e -> assertThat(e.problems()).extracting(ValidationError::toString).containsExactly(
                            "traffic.istio.route: route primary of virtualservice payments splits traffic blue 60,"
                                    + " green 40; a blue-green switch starts with all of it on the colour in"
                                    + " production: set that colour's weight to 100 and the other's to 0"));
        }

        cluster.reset();
        cluster.servingIstio("v1");
        cluster.create(BlueGreenFixtures.colourDeployment("blue", 4, "payments:1.0"));
        cluster.createService("payments-preview", "app", "payments", "slot", "blue");
        cluster.createService("payments-blue", "app", "payments");
        cluster.createIstio("v1", BlueGreenFixtures.VIRTUAL_SERVICE);
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client,
                plan(HOST_SPLIT_PLAN))) {
            assertThatThrownBy(blueGreen::preflight).isInstanceOfSatisfying(PreflightException.class,
                    e -> assertThat(e.problems()).extracting(ValidationError::toString).containsExactly(
                            "traffic.istio.blueService: service payments-blue selects {app=payments}, which also"
                                    + " matches the green pods {app=payments, slot=green, tier=backend}; add slot:"
                                    + " blue to its selector",
                            "traffic.istio.greenService: service payments-green not found in namespace demo; create"
                                    + " it, selecting the green pods {app=payments, slot=green, tier=backend}"));
        }
    }

    @Test
    void withAnIstioSubsetSplitTheSubsetsMustSelectTheirColour() {
        cluster.servingIstio("v1");
        cluster.create(BlueGreenFixtures.colourDeployment("blue", 4, "payments:1.0"));
        cluster.createService("payments", "app", "payments");
        cluster.createService("payments-preview", "app", "payments", "slot", "blue");
        cluster.createIstio("v1", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: payments, namespace: demo}
                spec:
                  hosts: [payments]
                  http:
                  - route:
                    - destination: {host: payments, subset: blue}
                      weight: 0
                    - destination: {host: payments, subset: green}
                      weight: 100
                """);
        cluster.createIstio("v1", """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: payments, namespace: demo}
                spec:
                  host: payments
                  subsets:
                  - {name: blue, labels: {slot: blue}}
                  - {name: green, labels: {app: payments}}
                """);
        BlueGreenPlan plan = plan("""
                target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
                previewService: payments-preview
                traffic:
                  istio: {virtualService: payments, destinationRule: payments}
                """);
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client, plan)) {
            assertThatThrownBy(blueGreen::preflight).isInstanceOfSatisfying(PreflightException.class,
                    e -> assertThat(e.problems()).extracting(ValidationError::path).containsExactly(
                            "target.deployment"))
                    .hasMessageContaining("deployment payments-green not found in namespace demo, but"
                            + " virtualservice payments sends production traffic to green");
        }

        cluster.create(BlueGreenFixtures.colourDeployment("green", 2, "payments:1.5"));
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client, plan)) {
            assertThatThrownBy(blueGreen::preflight).isInstanceOfSatisfying(PreflightException.class,
                    e -> assertThat(e.problems()).extracting(ValidationError::toString).containsExactly(
                            "traffic.istio.greenSubset: subset green of destinationrule payments has the labels"
                                    + " {app=payments}, which must select the green pods {app=payments, slot=green,"
                                    + " tier=backend} and not the blue ones; give it the labels {slot: green}"));
        }
    }
}
