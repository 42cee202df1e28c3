package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenHarness.ACTIVE_SERVICE;
import static io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenHarness.VIRTUAL_SERVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BlueGreenRunnerTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();

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

    /**
     * A plan switching the active Service's selector; {@code PRE} and {@code POST} in {@code extra} become analyses
     * of the success rate of a backfilled app ({@code PRE:checkout} passes, {@code POST:broken} fails).
     */
    private static BlueGreenPlan plan(String extra) {
        return PlanLoader.loadBlueGreen(planYaml("""
                activeService: payments
                """ + extra), "bluegreen.yaml");
    }

    private static String planYaml(String extra) {
        StringBuilder yaml = new StringBuilder("""
                target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
                previewService: payments-preview
                abortScaleDownDelaySeconds: 30
                """);
        for (String line : extra.split("\n")) {
            if (line.startsWith("PRE:") || line.startsWith("POST:")) {
                String field = line.startsWith("PRE:") ? "prePromotionAnalysis" : "postPromotionAnalysis";
                yaml.append(analysis(field, line.substring(line.indexOf(':') + 1).trim()));
            } else {
                yaml.append(line).append('\n');
            }
        }
        return yaml.toString();
    }

    private static String analysis(String field, String app) {
        return field + """
                :
                  metrics:
                    - name: success-rate
                      interval: 30s
                      count: 2
                      successCondition: result[0] >= 0.99
                      provider:
                        prometheus:
                          address: PROMETHEUS
                          query: QUERY
                """.replace("PROMETHEUS", PROMETHEUS.url())
                .replace("QUERY", "'" + BackfilledPrometheus.successRateQuery(app) + "'");
    }

    private AuditEvent switched() {
        return harness.first(AuditAction.WEIGHT, "slot=blue -> slot=green");
    }

    @Test
    void promotesWithPassingAnalysesSwitchingOnceAndScalingTheOldColourDownOnlyAfterTheDelay() {
        harness.withBlueInProduction().start(plan("""
                PRE: checkout
                POST: checkout
                scaleDownDelaySeconds: 120
                """));

        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        assertThat(harness.preview()).isEqualTo("slot=green");
        assertThat(harness.production()).isEqualTo("slot=blue");
        assertThat(harness.writesTo(ACTIVE_SERVICE)).as("production untouched before promotion").isEmpty();
        assertThat(harness.replicas("payments-green")).isEqualTo(4);
        assertThat(harness.image("payments-green")).isEqualTo("payments:2.0");
        assertThat(harness.runner.status().waitingFor()).isEqualTo("promote or abort");

        assertThat(harness.runner.promote("alice")).isTrue();
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        Instant switchedAt = switched().time();
        Duration left = Duration.between(harness.scheduler.now(), switchedAt.plusSeconds(120));
        harness.scheduler.advance(left.minusSeconds(1));
        assertThat(harness.replicas("payments-blue")).as("one second before the delay ends").isEqualTo(4);
        assertThat(harness.runner.status().waitingFor()).startsWith("scaleDownDelaySeconds until");
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(result.finalWeight()).isEqualTo(100);
        assertThat(harness.writesTo(ACTIVE_SERVICE)).as("the selector flipped exactly once")
                .containsExactly("PUT " + ACTIVE_SERVICE);
        assertThat(harness.observedProduction).containsExactly("slot=green");
        assertThat(harness.replicas("payments-blue")).isZero();
        assertThat(harness.firstOn(AuditAction.SCALE, "deployment/demo/payments-blue").time())
                .isEqualTo(switchedAt.plusSeconds(120));
        assertThat(result.analyses()).extracting(AnalysisResult::name, AnalysisResult::phase).containsExactly(
                org.assertj.core.groups.Tuple.tuple("pre-promotion", AnalysisPhase.SUCCESSFUL),
                org.assertj.core.groups.Tuple.tuple("post-promotion", AnalysisPhase.SUCCESSFUL));
        assertThat(harness.first(AuditAction.PROMOTE, "switch production to green").actor()).isEqualTo("alice");
        assertThat(switched().details()).containsEntry("canaryWeight", "100").containsEntry("change", "weight");
        assertThat(harness.log).contains("[weight] service/demo/payments: slot=blue -> slot=green");
        assertThat(harness.preview()).isEqualTo("slot=green");
        assertThat(result.message()).isEqualTo("payments:2.0 on green takes all production traffic; blue was"
                + " scaled down");
        assertThat(harness.runner.promote("alice")).isFalse();
    }

    @Test
    void aFailingPrePromotionAnalysisAbortsWithoutTouchingProduction() {
        harness.withBlueInProduction().start(plan("""
                PRE: broken
                autoPromotionSeconds: 0
                """));

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(harness.writesTo(ACTIVE_SERVICE)).as("zero writes to the active Service").isEmpty();
        assertThat(harness.production()).isEqualTo("slot=blue");
        assertThat(harness.observedProduction).isEmpty();
        assertThat(result.message()).startsWith("rolled back: analysis pre-promotion was Failed")
                .endsWith("production is on blue (payments-blue)");
        assertThat(harness.logged(AuditAction.ROLLBACK, "production stays on blue: it was never switched")).isTrue();
        AuditEvent verdict = harness.first(AuditAction.VERDICT, "analysis pre-promotion");
        AuditEvent scaledDown = harness.firstOn(AuditAction.ROLLBACK, "deployment/demo/payments-green");
        assertThat(Duration.between(verdict.time(), scaledDown.time())).isEqualTo(Duration.ofSeconds(30));
        assertThat(harness.replicas("payments-green")).isZero();
        assertThat(harness.preview()).as("the preview is back on production").isEqualTo("slot=blue");
        assertThat(harness.replicas("payments-blue")).isEqualTo(4);
    }

    @Test
    void aFailingPostPromotionAnalysisSwitchesBackInOneWriteWhileTheOldColourIsWarm() {
        List<String> switchBackWrites = new ArrayList<>();
        List<Integer> blueReplicasSeen = new ArrayList<>();
        harness.taps.add(event -> {
            blueReplicasSeen.add(harness.replicas("payments-blue"));
            if (event.action() == AuditAction.ROLLBACK && event.after().startsWith("switching production back")) {
                harness.newRequests();
            } else if (event.action() == AuditAction.ROLLBACK && event.resource().equals("service/demo/payments")) {
                switchBackWrites.addAll(MockCluster.writes(harness.newRequests()));
            }
        });
        harness.withBlueInProduction().start(plan("""
                PRE: checkout
                POST: broken
                autoPromotionSeconds: 0
                scaleDownDelaySeconds: 300
                """));

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.finalWeight()).isZero();
        assertThat(switchBackWrites).as("the switch back is one write").containsExactly("PUT " + ACTIVE_SERVICE);
        assertThat(harness.observedProduction).containsExactly("slot=green", "slot=blue");
        AuditEvent back = harness.first(AuditAction.ROLLBACK, "slot=green -> slot=blue");
        assertThat(Duration.between(switched().time(), back.time())).as("within the window")
                .isLessThan(Duration.ofSeconds(300));
        assertThat(blueReplicasSeen).as("the old colour is never scaled down").containsOnly(4);
        assertThat(harness.replicas("payments-green")).isZero();
        assertThat(harness.log).contains("[rollback] service/demo/payments: slot=green -> slot=blue (ok)");
        assertThat(back.details()).containsEntry("canaryWeight", "0");
        assertThat(result.message()).startsWith("rolled back: analysis post-promotion was Failed");
    }

    @Test
    void anAbortDuringTheScaleDownDelaySwitchesBackAtOnce() {
        harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 0
                scaleDownDelaySeconds: 600
                """));
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        harness.scheduler.advance(Duration.ofMinutes(5));
        assertThat(harness.production()).isEqualTo("slot=green");
        Instant abortedAt = harness.scheduler.now();

        assertThat(harness.runner.abort("bob", "p99 latency doubled")).isTrue();

        assertThat(harness.production()).as("switched back before abort returned").isEqualTo("slot=blue");
        assertThat(harness.first(AuditAction.ROLLBACK, "slot=green -> slot=blue").time()).isEqualTo(abortedAt);
        RolloutResult result = harness.runToEnd();
        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.logged(AuditAction.ABORT, "(p99 latency doubled) by bob")).isTrue();
        assertThat(harness.replicas("payments-blue")).isEqualTo(4);
        assertThat(harness.replicas("payments-green")).isZero();
        assertThat(harness.writesTo(ACTIVE_SERVICE)).hasSize(2);
    }

    @Test
    void manualPromotionWaitsIndefinitelyHoldingNoThreadAndRecordsWhoPromoted() {
        harness.withBlueInProduction().start(plan(""));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());

        assertThat(harness.scheduler.pendingCount()).as("nothing scheduled while waiting for a person").isZero();
        harness.scheduler.advance(Duration.ofDays(10));
        BlueGreenStatus status = harness.runner.status();
        assertThat(status.phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(status.activeColour()).isEqualTo(Colour.BLUE);
        assertThat(status.newColour()).isEqualTo(Colour.GREEN);
        assertThat(status.newColourWeight()).isZero();
        assertThat(harness.production()).isEqualTo("slot=blue");
        assertThat(harness.logged(AuditAction.PAUSE, "waiting for promote (switch production to green) or abort"))
                .isTrue();

        assertThat(harness.runner.promote("carol")).isTrue();
        assertThat(harness.runner.promote("carol")).as("promoted once").isFalse();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.log).contains("[promote] service/demo/payments: switch production to green by carol");
    }

    @Test
    void automaticPromotionHappensAutoPromotionSecondsAfterTheGateOpens() {
        harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 45
                """));
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.AWAIT_PROMOTION);
        Instant gateOpened = harness.scheduler.now();

        assertThat(harness.runner.status().awaitingPromotion()).isFalse();
        assertThat(harness.scheduler.nextDueIn()).contains(Duration.ofSeconds(45));
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        AuditEvent promoted = harness.first(AuditAction.PROMOTE, "switch production to green");
        assertThat(promoted.time()).isEqualTo(gateOpened.plusSeconds(45));
        assertThat(promoted.actor()).isEqualTo(AuditEvent.ENGINE);
        assertThat(promoted.reason()).isEqualTo("autoPromotionSeconds 45 passed");
    }

    @Test
    void aConflictOnTheSelectorFlipIsReReadRetriedAndLogged() {
        cluster.server.expect().put().withPath(ACTIVE_SERVICE)
                .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
                        .withMessage("the object has been modified").build()).once();
        harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 0
                """));

        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.production()).isEqualTo("slot=green");
        assertThat(harness.log).contains("[retry] service/demo/payments: written after re-reading 1 time(s)"
                + " (409 Conflict: the resource changed between read and write)");
        assertThat(harness.writesTo(ACTIVE_SERVICE)).as("the conflicting PUT and the one after the re-read")
                .hasSize(2);
    }

    @Test
    void theSelectorSwitchBackAfterAFailedVerdictIsOnePutOfTheServiceAsTheSwitchLeftItAndNoGet() {
        List<String> switchBackRequests = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.ROLLBACK && event.after().startsWith("switching production back")) {
                harness.newRequests();
            } else if (event.action() == AuditAction.ROLLBACK && event.resource().equals("service/demo/payments")) {
                switchBackRequests.addAll(harness.newRequests());
            }
        });

        RolloutResult result = harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 0
                POST: broken
                """)).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(harness.observedProduction).containsExactly("slot=green", "slot=blue");
        assertThat(switchBackRequests).as("between the failed verdict and the switch back: one PUT of the Service"
                + " as the switch left it, no GET").containsExactly("PUT " + ACTIVE_SERVICE);
        assertThat(harness.writesTo(ACTIVE_SERVICE)).as("the switch and the switch back").hasSize(2);
        assertThat(harness.log).contains("[rollback] service/demo/payments: slot=green -> slot=blue (ok)");
    }

    @Test
    void theSelectorSwitchBackAfterSomeoneEditedTheServiceIsAConflictAReReadAndAWriteKeepingTheirEdit() {
        List<String> switchBackRequests = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.ROLLBACK && event.after().startsWith("switching production back")) {
                // someone annotates the active Service between the switch and the switch back
                var ops = cluster.client.services().inNamespace("demo");
                var service = ops.withName("payments").get();
                service.getMetadata().setAnnotations(Map.of("owner", "team-payments"));
                ops.resource(service).update();
                harness.newRequests();
            } else if (event.action() == AuditAction.ROLLBACK && event.resource().equals("service/demo/payments")) {
                switchBackRequests.addAll(harness.newRequests());
            }
        });

        RolloutResult result = harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 0
                POST: broken
                """)).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(harness.production()).isEqualTo("slot=blue");
        assertThat(switchBackRequests).as("the PUT from the object last written meets a 409; one read, one write")
                .containsExactly("PUT " + ACTIVE_SERVICE, "GET " + ACTIVE_SERVICE, "PUT " + ACTIVE_SERVICE);
        assertThat(cluster.client.services().inNamespace("demo").withName("payments").get().getMetadata()
                .getAnnotations()).as("the other writer's edit is kept").containsEntry("owner", "team-payments");
        assertThat(harness.logged(AuditAction.RETRY, "written after re-reading 1 time(s)")).isTrue();
    }

    @Test
    void withIstioTheRouteMovesFrom100_0To0_100AndBackLeavingOtherRoutesAlone() {
        harness.withBlueInProductionBehindIstio();
        Object adminRoute = cluster.getIstio("v1", "VirtualService", "payments").<List<Object>>get("spec", "http")
                .get(0);
        BlueGreenPlan plan = PlanLoader.loadBlueGreen(planYaml("""
                traffic:
                  istio: {virtualService: payments, route: primary, blueService: payments-blue,
                          greenService: payments-green}
                autoPromotionSeconds: 0
                POST: broken
                """), "bluegreen.yaml");
        List<String> switchBackRequests = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.ROLLBACK && event.after().startsWith("switching production back")) {
                harness.newRequests();
            } else if (event.action() == AuditAction.ROLLBACK && event.resource().startsWith("virtualservice/")) {
                switchBackRequests.addAll(harness.newRequests());
            }
        });

        RolloutResult result = harness.start(plan).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(harness.observedProduction).containsExactly("blue 0, green 100", "blue 100, green 0");
        assertThat(switchBackRequests).as("between the failed verdict and the switch back: one PUT of the"
                + " VirtualService as the switch left it, no GET").containsExactly("PUT " + VIRTUAL_SERVICE);
        assertThat(harness.writesTo(VIRTUAL_SERVICE)).hasSize(2);
        assertThat(harness.log).contains(
                "[weight] virtualservice/demo/payments route primary: blue 100, green 0 -> blue 0, green 100",
                "[rollback] virtualservice/demo/payments route primary: blue 0, green 100 -> blue 100, green 0"
                        + " (ok)");
        assertThat(harness.first(AuditAction.WEIGHT, "green 100").details()).containsEntry("canaryWeight", "100");
        List<Map<String, Object>> http = cluster.getIstio("v1", "VirtualService", "payments").get("spec", "http");
        assertThat(http.get(0)).as("other routes untouched").isEqualTo(adminRoute);
        assertThat(http.get(1)).containsEntry("timeout", "2s");
        assertThat(harness.writesTo(ACTIVE_SERVICE)).isEmpty();
    }

    @Test
    void withIstioASwitchBackAfterSomeoneEditedTheRouteIsAConflictAReReadAndAWriteKeepingTheirEdit() {
        harness.withBlueInProductionBehindIstio();
        BlueGreenPlan plan = PlanLoader.loadBlueGreen(planYaml("""
                traffic:
                  istio: {virtualService: payments, route: primary, blueService: payments-blue,
                          greenService: payments-green}
                autoPromotionSeconds: 0
                POST: broken
                """), "bluegreen.yaml");
        List<String> switchBackRequests = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.ROLLBACK && event.after().startsWith("switching production back")) {
                harness.newRequests();
                // someone raises the route's timeout between the switch and the switch back
                var ops = cluster.client.genericKubernetesResources(
                        io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioApi.virtualServices("v1"))
                        .inNamespace("demo");
                var vs = ops.withName("payments").get();
                List<Map<String, Object>> http = vs.get("spec", "http");
                http.get(1).put("timeout", "9s");
                ops.resource(vs).update();
                harness.newRequests();
            } else if (event.action() == AuditAction.ROLLBACK && event.resource().startsWith("virtualservice/")) {
                switchBackRequests.addAll(harness.newRequests());
            }
        });

        RolloutResult result = harness.start(plan).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(harness.production()).isEqualTo("blue 100, green 0");
        assertThat(switchBackRequests).as("the PUT from the object last read meets a 409; one read, one write")
                .containsExactly("PUT " + VIRTUAL_SERVICE, "GET " + VIRTUAL_SERVICE, "PUT " + VIRTUAL_SERVICE);
        List<Map<String, Object>> http = cluster.getIstio("v1", "VirtualService", "payments").get("spec", "http");
        assertThat(http.get(1)).as("the other writer's edit is kept").containsEntry("timeout", "9s");
        assertThat(harness.logged(AuditAction.RETRY, "written after re-reading 1 time(s)")).isTrue();
    }

    @Test
    void withIstioAPromotionEndsWithAllTrafficOnTheNewColour() {
        harness.withBlueInProductionBehindIstio();
        BlueGreenPlan plan = PlanLoader.loadBlueGreen(planYaml("""
                traffic:
                  istio: {virtualService: payments, route: primary, blueService: payments-blue,
                          greenService: payments-green}
                autoPromotionSeconds: 0
                POST: checkout
                """), "bluegreen.yaml");

        assertThat(harness.start(plan).runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.production()).isEqualTo("blue 0, green 100");
        assertThat(harness.replicas("payments-blue")).isZero();
        assertThat(harness.writesTo(VIRTUAL_SERVICE)).hasSize(1);
    }

    @Test
    void aRestoredExecutionResumesInTheScaleDownWindowAndCanStillSwitchBack() throws Exception {
        BlueGreenPlan plan = plan("""
                autoPromotionSeconds: 0
                scaleDownDelaySeconds: 600
                """);
        harness.withBlueInProduction().start(plan);
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        harness.scheduler.advance(Duration.ofMinutes(2));
        BlueGreenState saved = javaRoundTrip(BlueGreenState.fromJson(harness.runner.snapshot().toJson()));
        assertThat(saved).isEqualTo(harness.runner.snapshot());
        assertThat(saved.dueAt()).isEqualTo(switched().time().plusSeconds(600));

        // The process went away: a new runner on a new scheduler at the same time picks up the state.
        BlueGreenHarness restarted = new BlueGreenHarness(cluster);
        restarted.scheduler.advance(Duration.between(restarted.scheduler.now(), harness.scheduler.now()));
        restarted.resume(saved);
        restarted.scheduler.runDue();

        assertThat(restarted.logged(AuditAction.START, "resumed at scale down wait, production on green")).isTrue();
        assertThat(restarted.scheduler.nextDueIn()).contains(Duration.ofMinutes(8));
        assertThat(restarted.runner.status().waitingFor()).startsWith("scaleDownDelaySeconds until "
                + saved.dueAt());
        assertThat(restarted.runner.abort("dave", "errors on checkout")).isTrue();
        assertThat(restarted.production()).isEqualTo("slot=blue");
        assertThat(restarted.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(restarted.replicas("payments-blue")).isEqualTo(4);
    }

    @Test
    void aRestoredExecutionScalesTheOldColourDownWhenTheOriginalDelayEnds() throws Exception {
        harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 0
                scaleDownDelaySeconds: 600
                """));
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        BlueGreenState saved = javaRoundTrip(BlueGreenState.fromJson(harness.runner.snapshot().toJson()));
        Instant due = saved.dueAt();

        BlueGreenHarness restarted = new BlueGreenHarness(cluster);
        restarted.scheduler.advance(Duration.between(restarted.scheduler.now(), harness.scheduler.now())
                .plusMinutes(3));
        RolloutResult result = restarted.resume(saved).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(restarted.firstOn(AuditAction.SCALE, "deployment/demo/payments-blue").time()).isEqualTo(due);
        assertThat(restarted.replicas("payments-blue")).isZero();
        assertThat(restarted.writesTo(ACTIVE_SERVICE)).as("no second switch").isEmpty();
    }

    @Test
    void anInconclusivePostPromotionAnalysisKeepsTheOldColourWarmUntilAPersonDecides() {
        harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 0
                POST: nothing-like-this
                scaleDownDelaySeconds: 30
                """));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());

        BlueGreenStatus status = harness.runner.status();
        assertThat(status.stage()).isEqualTo(BlueGreenStage.AWAIT_CONFIRMATION);
        assertThat(status.newColourWeight()).isEqualTo(100);
        assertThat(harness.logged(AuditAction.PAUSE, "waiting for promote (keep green) or abort (switch back to"
                + " blue)")).isTrue();
        harness.scheduler.advance(Duration.ofHours(1));
        assertThat(harness.replicas("payments-blue")).as("kept past scaleDownDelaySeconds").isEqualTo(4);

        assertThat(harness.runner.promote("gina")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.log).contains("[promote] service/demo/payments: keep production on green by gina");
        assertThat(harness.production()).isEqualTo("slot=green");
        assertThat(harness.replicas("payments-blue")).isZero();
    }

    @Test
    void aRestoredExecutionContinuesItsPostPromotionAnalysis() throws Exception {
        harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 0
                POST: checkout
                """));
        harness.runUntil(() -> harness.logged(AuditAction.MEASUREMENT, "success-rate"));
        BlueGreenState saved = javaRoundTrip(BlueGreenState.fromJson(harness.runner.snapshot().toJson()));
        assertThat(saved.stage()).isEqualTo(BlueGreenStage.POST_ANALYSIS);
        assertThat(saved.analysis()).isNotNull();

        BlueGreenHarness restarted = new BlueGreenHarness(cluster);
        restarted.scheduler.advance(Duration.between(restarted.scheduler.now(), harness.scheduler.now()));
        RolloutResult result = restarted.resume(saved).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(result.analyses()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("post-promotion");
            assertThat(a.metric("success-rate").orElseThrow().measured()).isEqualTo(2);
        });
        assertThat(restarted.logged(AuditAction.START, "resumed at post analysis, production on green")).isTrue();
        assertThat(restarted.writesTo(ACTIVE_SERVICE)).as("not switched again").isEmpty();
    }

    @Test
    void anAbortThatArrivesDuringTheSwitchLetsItLandThenSwitchesBack() {
        Queue<Runnable> calls = new ArrayDeque<>();
        harness.io = calls::add;
        harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 0
                """));
        for (int i = 0; i < 200; i++) {
            harness.rollOutDeployments();
            harness.scheduler.runDue();
            if (harness.runner.status().stage() == BlueGreenStage.SWITCH) {
                break;
            }
            if (!calls.isEmpty()) {
                calls.poll().run();
            } else {
                harness.scheduler.advanceToNext();
            }
        }
        assertThat(calls).as("the switch is queued").hasSize(1);

        assertThat(harness.runner.abort("erin", "wrong build")).isTrue();
        assertThat(harness.production()).isEqualTo("slot=blue");
        for (int i = 0; i < 200 && harness.result.get() == null; i++) {
            harness.scheduler.runDue();
            if (!calls.isEmpty()) {
                calls.poll().run();
            } else if (!harness.scheduler.advanceToNext()) {
                break;
            }
        }

        assertThat(harness.result.get().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.observedProduction).containsExactly("slot=green", "slot=blue");
        assertThat(harness.production()).isEqualTo("slot=blue");
    }

    @Test
    void aPreviewSmallerThanProductionIsScaledToFullSizeBeforeTheSwitch() {
        List<Integer> greenReplicasAtSwitch = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.WEIGHT) {
                greenReplicasAtSwitch.add(harness.replicas("payments-green"));
            }
        });
        harness.withBlueInProduction().start(plan("""
                previewReplicaCount: 1
                """));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        assertThat(harness.replicas("payments-green")).isEqualTo(1);

        harness.runner.promote("frank");
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(greenReplicasAtSwitch).containsExactly(4);
        assertThat(harness.logged(AuditAction.READY, "4/4 ready")).isTrue();
    }

    @Test
    void aNewColourThatNeverBecomesReadyIsAbandonedWithoutTouchingProduction() {
        harness.noController();
        harness.withBlueInProduction().start(plan("""
                readinessTimeout: 1m
                """));

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("deployment payments-green was not ready within 1m");
        assertThat(harness.writesTo(ACTIVE_SERVICE)).isEmpty();
        assertThat(harness.preview()).isEqualTo("slot=blue");
    }

    @Test
    void aPlanThatDoesNotFitTheClusterFailsBeforeAnyWrite() {
        cluster.create(io.jenkins.plugins.progressivedelivery.engine.kube.BlueGreenFixtures.colourDeployment("blue",
                4, "payments:1.0"));
        cluster.createService("payments", "app", "payments", "slot", "blue");
        harness.rollOutDeployments();
        harness.newRequests();

        RolloutResult result = harness.start(plan("")).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(result.message()).startsWith("the plan does not match the cluster (nothing was changed):")
                .contains("previewService: service payments-preview not found in namespace demo");
        assertThat(MockCluster.writes(harness.newRequests())).isEmpty();
    }

    @Test
    void anUndeclaredAnalysisArgumentIsRejectedBeforeAnythingStarts() {
        harness.withBlueInProduction();
        BlueGreenPlan plan = plan("PRE: checkout\n");

        assertThatThrownBy(() -> harness.start(plan, Map.of("service", "payments-preview")))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors().toString())
                        .contains("args.service: is not declared by prePromotionAnalysis or postPromotionAnalysis")
                        .contains("declared: none"));
        assertThat(harness.newRequests()).isEmpty();
    }

    @Test
    void everyEventSerialisesToJsonAndBack() {
        harness.withBlueInProduction().start(plan("""
                autoPromotionSeconds: 0
                PRE: checkout
                """));
        harness.runToEnd();

        List<AuditEvent> events = harness.trail.events();
        assertThat(AuditTrail.fromJson(harness.trail.toJson())).isEqualTo(events);
        assertThat(events).extracting(AuditEvent::action).filteredOn(a -> a != AuditAction.DOCTOR)
                .startsWith(AuditAction.START, AuditAction.PREFLIGHT,
                AuditAction.SCALE, AuditAction.READY, AuditAction.ROUTE, AuditAction.STEP)
                .endsWith(AuditAction.SCALE, AuditAction.COMPLETE);
    }

    private static BlueGreenState javaRoundTrip(BlueGreenState state) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (BlueGreenState) in.readObject();
        }
    }
}
