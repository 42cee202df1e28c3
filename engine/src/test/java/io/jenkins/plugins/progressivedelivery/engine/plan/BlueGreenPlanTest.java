package io.jenkins.plugins.progressivedelivery.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlueGreenPlanTest {

    static final String VALID = """
            target: {namespace: pay, deployment: payments, container: app, image: "payments:2.0"}
            activeService: payments
            previewService: payments-preview
            previewReplicaCount: 1
            prePromotionAnalysis:
              args: [{name: service, value: payments-preview}]
              metrics:
                - name: success-rate
                  interval: 30s
                  count: 2
                  successCondition: result[0] >= 0.99
                  provider:
                    prometheus:
                      address: http://prometheus:9090
                      query: sum(rate(http_requests_total{service="{{args.service}}",code!~"5.."}[1m]))
            autoPromotionSeconds: 30
            scaleDownDelaySeconds: 120
            abortScaleDownDelaySeconds: 10
            readinessTimeout: 5m
            """;

    @Test
    void loadsAPlanInArgoBlueGreenVocabularyWithItsDefaults() {
        BlueGreenPlan plan = PlanLoader.loadBlueGreen(VALID, "bluegreen.yaml");

        assertThat(plan.target().deployment(Colour.BLUE)).isEqualTo("payments-blue");
        assertThat(plan.target().deployment(Colour.GREEN)).isEqualTo("payments-green");
        assertThat(plan.effectiveColorLabel()).isEqualTo("slot");
        assertThat(plan.traffic().isServiceSelector()).isTrue();
        assertThat(plan.previewReplicas(4)).isEqualTo(1);
        assertThat(plan.autoPromotionSeconds()).isEqualTo(30);
        assertThat(plan.effectiveScaleDownDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(plan.effectiveAbortScaleDownDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(plan.effectiveReadinessTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(plan.prePromotionAnalysis().metrics()).singleElement()
                .satisfies(m -> assertThat(m.name()).isEqualTo("success-rate"));
        assertThat(plan.postPromotionAnalysis()).isNull();

        BlueGreenPlan minimal = PlanLoader.loadBlueGreen("""
                target: {namespace: pay, deployment: payments, container: app, image: "payments:2.0"}
                activeService: payments
                previewService: payments-preview
                """, "minimal.yaml");
        assertThat(minimal.autoPromotionSeconds()).as("a person promotes").isNull();
        assertThat(minimal.previewReplicas(4)).isEqualTo(4);
        assertThat(minimal.effectiveScaleDownDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(minimal.effectiveAbortScaleDownDelay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void writesYamlThatReadsBackAndSurvivesJavaSerialisation() throws Exception {
        BlueGreenPlan plan = PlanLoader.loadBlueGreen(VALID, "bluegreen.yaml");

        assertThat(PlanLoader.loadBlueGreen(PlanLoader.toYaml(plan), "again.yaml")).isEqualTo(plan);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(plan);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(plan);
        }
    }

    @Test
    void readsTheMapsOfAJenkinsfileWithAnIstioSubsetSplit() {
        BlueGreenPlan plan = PlanLoader.blueGreenFromMap(Map.of(
                "target", Map.of("namespace", "pay", "deployment", "payments", "container", "app",
                        "image", "payments:2.0"),
                "colorLabel", "color",
                "previewService", "payments-preview",
                "traffic", Map.of("istio", Map.of("virtualService", "payments", "destinationRule", "payments"))),
                "Jenkinsfile");

        assertThat(plan.effectiveColorLabel()).isEqualTo("color");
        BlueGreenIstioSpec istio = plan.traffic().istio();
        assertThat(istio.isSubsetSplit()).isTrue();
        assertThat(istio.subset(Colour.BLUE)).isEqualTo("blue");
        assertThat(istio.subset(Colour.GREEN)).isEqualTo("green");
    }

    @Test
    void reportsEveryProblemWithItsFieldPathAndFix() {
        assertThatThrownBy(() -> PlanLoader.loadBlueGreen("""
                target: {namespace: Pay, deployment: payments, image: "payments 2.0"}
                colorLabel: "not a label"
                previewService: payments
                previewReplicaCount: 0
                traffic:
                  istio: {virtualService: payments, blueService: payments, greenService: payments,
                          destinationRule: payments}
                activeService: payments
                autoPromotionSeconds: -1
                scaleDownDelaySeconds: -5
                readinessTimeout: 0s
                postPromotionAnalysis:
                  metrics:
                    - name: errors
                      interval: 30s
                      provider: {prometheus: {address: "http://prometheus:9090", query: up}}
                """, "bluegreen.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors())
                        .extracting(ValidationError::path).containsExactly(
                                "target.namespace", "target.container", "target.image", "colorLabel",
                                "activeService", "previewService", "traffic.istio", "previewReplicaCount",
                                "autoPromotionSeconds", "scaleDownDelaySeconds", "readinessTimeout",
                                "postPromotionAnalysis.metrics[0].count"))
                .hasMessageStartingWith("bluegreen.yaml is invalid:")
                .hasMessageContaining("activeService: is not used with traffic.istio")
                .hasMessageContaining("traffic.istio: mixes a host split (blueService, greenService) with a subset"
                        + " split");
    }

    @Test
    void withoutAMeshTheActiveServiceIsRequiredAndDiffersFromThePreview() {
        assertThatThrownBy(() -> PlanLoader.loadBlueGreen("""
                target: {namespace: pay, deployment: payments, container: app, image: "payments:2.0"}
                previewService: payments-preview
                """, "bluegreen.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(error -> assertThat(error.toString()).startsWith("activeService: is required:"
                                + " the Service that takes production traffic, whose selector's slot label")));
        assertThatThrownBy(() -> PlanLoader.loadBlueGreen("""
                target: {namespace: pay, deployment: payments, container: app, image: "payments:2.0"}
                activeService: payments
                previewService: payments
                """, "bluegreen.yaml"))
                .hasMessageContaining("previewService: must differ from activeService 'payments'");
    }

    @Test
    void aHostSplitNeedsTwoServicesOtherThanThePreview() {
        assertThatThrownBy(() -> PlanLoader.loadBlueGreen("""
                target: {namespace: pay, deployment: payments, container: app, image: "payments:2.0"}
                previewService: payments-preview
                traffic:
                  istio: {virtualService: payments, route: " ", blueService: payments-preview}
                """, "bluegreen.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors())
                        .extracting(ValidationError::toString).containsExactly(
                                "traffic.istio.greenService: is required",
                                "traffic.istio.blueService: must differ from previewService 'payments-preview': the"
                                        + " preview's selector moves between the colours, the blue Service always"
                                        + " selects blue",
                                "traffic.istio.route: is empty; name the HTTP route, or omit it when the"
                                        + " VirtualService has a single HTTP route"));
    }

    @Test
    void anUnknownFieldNamesTheKnownOnes() {
        assertThatThrownBy(() -> PlanLoader.loadBlueGreen(VALID + "scaleDownDelay: 30s\n", "bluegreen.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(error -> assertThat(error.toString()).startsWith("scaleDownDelay: unknown field;")
                                .contains("scaleDownDelaySeconds")));
    }

    @Test
    void coloursAreWrittenAsTheirLabelValues() {
        assertThat(Colour.parse("green")).contains(Colour.GREEN);
        assertThat(Colour.parse("Green")).isEmpty();
        assertThat(Colour.BLUE.other()).isEqualTo(Colour.GREEN);
        assertThat(List.of(Colour.values())).extracting(Colour::id).containsExactly("blue", "green");
    }
}
