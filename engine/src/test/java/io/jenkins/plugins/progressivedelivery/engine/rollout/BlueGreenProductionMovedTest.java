package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenHarness.ACTIVE_SERVICE;
import static io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenHarness.VIRTUAL_SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Someone else (kubectl, a GitOps sync) switches production back to the old colour while the engine waits to scale
 * it down: the engine reads where production is before it scales a colour down, and never scales production to zero.
 */
class BlueGreenProductionMovedTest {
    private static final String BASE = """
            target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
            previewService: payments-preview
            autoPromotionSeconds: 0
            scaleDownDelaySeconds: 300
            abortScaleDownDelaySeconds: 30
            """;
    private static final BlueGreenPlan SELECTOR = PlanLoader.loadBlueGreen(BASE + "activeService: payments\n",
            "bluegreen.yaml");
    private static final BlueGreenPlan ISTIO = PlanLoader.loadBlueGreen(BASE + """
            traffic:
              istio: {virtualService: payments, route: primary, blueService: payments-blue,
                      greenService: payments-green}
            """, "bluegreen.yaml");

    private static MockCluster cluster;
    private BlueGreenHarness harness;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void freshCluster() {
        harness = new BlueGreenHarness(cluster.reset());
    }

    @Test
    void aSelectorSwitchedBackDuringTheScaleDownDelayKeepsTheOldColourAtFullSize() {
        harness.withBlueInProduction().start(SELECTOR);
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        assertThat(harness.production()).isEqualTo("slot=green");
        harness.scheduler.advance(Duration.ofMinutes(2));
        pointActiveServiceAt("blue", "kubectl-patch");
        harness.newRequests();

        RolloutResult result = harness.runToEnd();
        List<String> afterTheEdit = engineRequests(harness.newRequests());

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(afterTheEdit).as("one read of the active Service, no write").containsExactly("GET "
                + ACTIVE_SERVICE);
        assertThat(harness.production()).as("production stays where the person put it").isEqualTo("slot=blue");
        assertThat(harness.replicas("payments-blue")).as("production keeps its pods").isEqualTo(4);
        assertThat(harness.replicas("payments-green")).isEqualTo(4);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[drift] service/demo/payments:"
                + " blue was not scaled down and traffic was not moved: blue takes production traffic; production"
                + " stays where it was put (changed by someone else since the engine wrote it:"
                + " service/demo/payments is now slot=blue (production on blue), the engine left production on"
                + " green; changed by kubectl-patch (Update at "));
        assertThat(result.message()).startsWith("not promoted: someone else moved production off green"
                + " (service/demo/payments is now slot=blue").contains("changed by kubectl-patch")
                .endsWith("nothing was scaled down and the engine did not move traffic: payments-blue and"
                        + " payments-green keep their replicas, payments:2.0 on green; run the switch again to"
                        + " promote payments:2.0, or scale payments-green to 0 to stay on blue");
        assertThat(result.finalWeight()).as("the new colour has no production traffic").isZero();
        assertThat(harness.runner.status().activeColour()).hasToString("blue");
    }

    @Test
    void aScaleDownWithProductionWhereTheEngineLeftItCostsOneReadOfTheActiveServiceAndNoWriteButTheScale() {
        harness.withBlueInProduction().start(SELECTOR);
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        harness.newRequests();

        RolloutResult result = harness.runToEnd();
        List<String> requests = engineRequests(harness.newRequests());

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.replicas("payments-blue")).isZero();
        assertThat(requests).filteredOn(r -> r.endsWith(ACTIVE_SERVICE)).containsExactly("GET " + ACTIVE_SERVICE);
        assertThat(MockCluster.writes(requests)).as("the scale of blue, nothing else")
                .containsExactly("PUT /apis/apps/v1/namespaces/demo/deployments/payments-blue");
        assertThat(harness.logged(AuditAction.DRIFT, "")).isFalse();
    }

    @Test
    void withIstioARouteSwitchedBackDuringTheScaleDownDelayKeepsTheOldColourAtFullSize() {
        harness.withBlueInProductionBehindIstio().start(ISTIO);
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        assertThat(harness.production()).isEqualTo("blue 0, green 100");
        setRouteWeights(100, 0, "kubectl-edit");
        harness.newRequests();

        RolloutResult result = harness.runToEnd();
        List<String> afterTheEdit = engineRequests(harness.newRequests());

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(afterTheEdit).as("one read of the VirtualService, no write")
                .containsExactly("GET " + VIRTUAL_SERVICE);
        assertThat(harness.production()).isEqualTo("blue 100, green 0");
        assertThat(harness.replicas("payments-blue")).isEqualTo(4);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[drift] virtualservice/demo/payments"
                + " route primary: blue was not scaled down and traffic was not moved: blue takes production"
                + " traffic").contains("virtualservice/demo/payments route primary is now blue 100, green 0"
                + " (production on blue), the engine left production on green; changed by kubectl-edit"));
        assertThat(result.message()).startsWith("not promoted: someone else moved production off green");
    }

    @Test
    void withIstioARouteSplitDuringTheDelayIsNotProductionOnOneColourAndNothingIsScaledDown() {
        harness.withBlueInProductionBehindIstio().start(ISTIO);
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        setRouteWeights(50, 50, "kubectl-edit");

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(harness.production()).isEqualTo("blue 50, green 50");
        assertThat(harness.replicas("payments-blue")).isEqualTo(4);
        assertThat(harness.replicas("payments-green")).isEqualTo(4);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[drift] virtualservice/demo/payments"
                + " route primary: blue was not scaled down and traffic was not moved: which colour takes"
                + " production traffic cannot be told"));
        assertThat(result.message()).endsWith("put all production traffic on one colour, then run the switch again"
                + " (or scale the other colour to 0)");
    }

    @Test
    void withIstioANormalScaleDownCostsOneReadOfTheVirtualService() {
        harness.withBlueInProductionBehindIstio().start(ISTIO);
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        harness.newRequests();

        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        List<String> requests = engineRequests(harness.newRequests());

        assertThat(requests).filteredOn(r -> r.contains("/virtualservices/")).containsExactly("GET " + VIRTUAL_SERVICE);
        assertThat(MockCluster.writes(requests)).as("the scale of blue, nothing else")
                .containsExactly("PUT /apis/apps/v1/namespaces/demo/deployments/payments-blue");
        assertThat(harness.replicas("payments-blue")).isZero();
    }

    @Test
    void anActiveServiceDeletedDuringTheDelayIsNotProductionOnTheNewColourAndNothingIsScaledDown() {
        harness.withBlueInProduction().start(SELECTOR);
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        cluster.client.services().inNamespace("demo").withName("payments").delete();

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(harness.replicas("payments-blue")).isEqualTo(4);
        assertThat(cluster.client.services().inNamespace("demo").withName("payments").get())
                .as("not re-created").isNull();
        assertThat(harness.log).anySatisfy(line -> assertThat(line).contains("service/demo/payments is now"
                + " deleted, the engine left production on green; changed by someone"
                + " else (the API server keeps no record of who deleted it)"));
    }

    @Test
    void aRunnerResumedInTheScaleDownReadsProductionFirstAndLeavesASwitchBackAlone() throws Exception {
        BlueGreenState saved = stoppedWithTheCheckBeforeTheScaleDownInFlight();

        // While no process runs the switch, production is switched back to blue.
        pointActiveServiceAt("blue", "kubectl-patch");
        BlueGreenHarness restarted = new BlueGreenHarness(cluster);
        restarted.scheduler.advance(Duration.between(restarted.scheduler.now(), harness.scheduler.now()));
        RolloutResult result = restarted.resume(saved).runToEnd();

        assertThat(restarted.logged(AuditAction.START, "resumed at scale down old, production on green")).isTrue();
        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(restarted.replicas("payments-blue")).isEqualTo(4);
        assertThat(restarted.production()).isEqualTo("slot=blue");
        assertThat(restarted.logged(AuditAction.DRIFT, "changed by kubectl-patch")).isTrue();
        assertThat(MockCluster.writes(engineRequests(restarted.newRequests()))).isEmpty();
    }

    @Test
    void aRunnerResumedInTheScaleDownWithProductionWhereItWasLeftScalesTheOldColourDown() throws Exception {
        BlueGreenState saved = stoppedWithTheCheckBeforeTheScaleDownInFlight();

        BlueGreenHarness restarted = new BlueGreenHarness(cluster);
        restarted.scheduler.advance(Duration.between(restarted.scheduler.now(), harness.scheduler.now()));
        RolloutResult result = restarted.resume(saved).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(engineRequests(restarted.newRequests())).filteredOn(r -> r.endsWith(ACTIVE_SERVICE))
                .containsExactly("GET " + ACTIVE_SERVICE);
        assertThat(restarted.replicas("payments-blue")).isZero();
    }

    @Test
    void aSwitchToTheNewColourDuringTheAbortDelayKeepsItAtFullSize() {
        BlueGreenPlan plan = PlanLoader.loadBlueGreen(BASE.replace("autoPromotionSeconds: 0\n", "")
                + "activeService: payments\n", "bluegreen.yaml");
        harness.withBlueInProduction().start(plan);
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        assertThat(harness.runner.abort("dave", "not today")).isTrue();
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.ROLLBACK_WAIT);
        // someone decides the new version is fine after all and sends production to it by hand
        pointActiveServiceAt("green", "kubectl-patch");

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(harness.production()).isEqualTo("slot=green");
        assertThat(harness.replicas("payments-green")).as("the colour now in production keeps its pods")
                .isEqualTo(4);
        assertThat(harness.replicas("payments-blue")).isEqualTo(4);
        assertThat(harness.preview()).as("nothing is written after the read").isEqualTo("slot=green");
        assertThat(result.message()).startsWith("aborted: not today; but then someone else moved production off"
                + " blue (service/demo/payments is now slot=green (production on green)")
                .endsWith("run the switch again to finish with green in production (or scale payments-blue to 0)");
    }

    /**
     * The requests the engine made, without the harness's own (its Deployment controller lists the Deployments and
     * writes their status).
     */
    private static List<String> engineRequests(List<String> requests) {
        return requests.stream().filter(r -> !r.equals("GET /apis/apps/v1/namespaces/demo/deployments")
                && !r.endsWith("/status")).toList();
    }

    /** A person's (or a GitOps sync's) edit of the active Service, recorded in managedFields as the API server would. */
    private void pointActiveServiceAt(String colour, String manager) {
        var ops = cluster.client.services().inNamespace("demo");
        Service service = ops.withName("payments").get();
        Map<String, String> selector = new LinkedHashMap<>(service.getSpec().getSelector());
        selector.put("slot", colour);
        service.getSpec().setSelector(selector);
        byManager(service, manager);
        ops.resource(service).update();
    }

    @SuppressWarnings("unchecked")
    private void setRouteWeights(int blue, int green, String manager) {
        var ops = cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo");
        GenericKubernetesResource vs = ops.withName("payments").get();
        List<Map<String, Object>> http = vs.get("spec", "http");
        List<Map<String, Object>> route = (List<Map<String, Object>>) http.get(1).get("route");
        route.get(0).put("weight", blue);
        route.get(1).put("weight", green);
        byManager(vs, manager);
        ops.resource(vs).update();
    }

    private void byManager(HasMetadata object, String manager) {
        object.getMetadata().setManagedFields(List.of(
                new ManagedFieldsEntryBuilder().withManager("progressive-delivery").withOperation("Update")
                        .withTime("2026-01-01T00:00:00Z").build(),
                new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Update")
                        .withTime(harness.scheduler.now().toString()).build()));
    }

    /**
     * Switches with blue in production, then holds the I/O once the scale-down delay is over, so that the read of
     * production is in flight when the process goes away: the state it leaves, saved in SCALE_DOWN_OLD.
     */
    private BlueGreenState stoppedWithTheCheckBeforeTheScaleDownInFlight() throws Exception {
        List<Runnable> held = new ArrayList<>();
        boolean[] holding = {false};
        harness.io = task -> {
            if (holding[0]) {
                held.add(task);
            } else {
                task.run();
            }
        };
        harness.withBlueInProduction().start(SELECTOR);
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        holding[0] = true;
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_OLD);
        assertThat(held).as("the check is in flight when the process goes away").hasSize(1);
        BlueGreenState saved = BlueGreenState.fromJson(harness.runner.snapshot().toJson());
        assertThat(saved.stage()).isEqualTo(BlueGreenStage.SCALE_DOWN_OLD);
        return saved;
    }
}
