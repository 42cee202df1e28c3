package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CanaryRunnerTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();

    private static MockCluster cluster;
    private RolloutHarness harness;

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
        harness = new RolloutHarness(cluster.reset()).withHostSplit();
    }

    /** A host-split plan whose analysis asks Prometheus for the error ratio of {@code app}. */
    private static CanaryPlan plan(String app, String steps) {
        return PlanLoader.loadCanary(planYaml(app, steps), "canary.yaml");
    }

    private static String planYaml(String app, String steps) {
        return """
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 30s
                steps:
                """ + steps.replace("ANALYSIS", """
                  - analysis:
                      args: [{name: app, value: APP}]
                      metrics:
                        - name: error-ratio
                          interval: 30s
                          count: 2
                          successCondition: result[0] <= 0.05
                          provider:
                            prometheus:
                              address: PROMETHEUS
                              query: QUERY
                """.replace("APP", app).replace("PROMETHEUS", PROMETHEUS.url())
                        .replace("QUERY", "'" + BackfilledPrometheus.errorRatioQuery("{{args.app}}") + "'"));
    }

    @Test
    void promotesAHealthyCanaryThrough5_25_50_100WithTheWeightsInTheVirtualService() {
        CanaryPlan plan = plan("checkout", """
                  - setWeight: 5
                  - pause: 1m
                  - setWeight: 25
                ANALYSIS
                  - setWeight: 50
                  - pause: {}
                  - setWeight: 100
                """);

        harness.start(plan);
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        assertThat(harness.observedWeights).containsExactly("stable 95, canary 5", "stable 75, canary 25",
                "stable 50, canary 50");
        assertThat(harness.runner.promote("alice")).isTrue();
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.observedWeights).containsExactly("stable 95, canary 5", "stable 75, canary 25",
                "stable 50, canary 50", "stable 0, canary 100", "stable 100, canary 0");
        assertThat(harness.image("web")).isEqualTo("web:2.0");
        assertThat(harness.replicas("web-canary")).isZero();
        assertThat(result.analyses()).singleElement()
                .satisfies(a -> assertThat(a.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL));
        assertThat(harness.logged(AuditAction.PROMOTE, "by alice")).isTrue();
        assertThat(harness.logged(AuditAction.MEASUREMENT, "metric error-ratio: [0.002] Successful")).isTrue();
        assertThat(harness.weights("web", "admin")).isEqualTo("stable null");
    }

    @Test
    void rollsBackAtTheFirstFailedMeasurementWithOneWriteOfTheVirtualService() {
        CanaryPlan plan = plan("broken", """
                  - setWeight: 20
                ANALYSIS
                  - setWeight: 100
                """);
        List<String> rollbackWrites = new java.util.ArrayList<>();
        List<Integer> canaryReplicasAfterTrafficMoved = new java.util.ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.ROLLBACK && event.after().startsWith("moving all traffic")) {
                cluster.takeRequests();
            } else if (event.action() == AuditAction.ROLLBACK && event.resource().startsWith("virtualservice/")) {
                rollbackWrites.addAll(MockCluster.writes(cluster.takeRequests()));
                canaryReplicasAfterTrafficMoved.add(harness.replicas("web-canary"));
            }
        });
        harness.start(plan);

        RolloutResult result = harness.runToEnd();

        assertThat(rollbackWrites).containsExactly(
                "PUT /apis/networking.istio.io/v1/namespaces/demo/virtualservices/web");
        assertThat(canaryReplicasAfterTrafficMoved).as("kept during abortScaleDownDelay").containsExactly(1);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        AuditEvent moved = harness.trail.events().stream().filter(e -> e.action() == AuditAction.ROLLBACK
                && e.resource().startsWith("virtualservice/")).findFirst().orElseThrow();
        AuditEvent scaledDown = harness.trail.events().stream().filter(e -> e.action() == AuditAction.ROLLBACK
                && e.resource().equals("deployment/demo/web-canary")).findFirst().orElseThrow();
        assertThat(Duration.between(moved.time(), scaledDown.time())).isEqualTo(Duration.ofSeconds(30));
        assertThat(result.message()).contains("analysis step-2 was Failed");
        assertThat(result.analyses().get(0).metric("error-ratio").orElseThrow().measured()).isEqualTo(1);
        assertThat(harness.replicas("web-canary")).isZero();
        assertThat(harness.log).anySatisfy(line -> assertThat(line).isEqualTo(
                "[rollback] virtualservice/demo/web route primary: stable 80, canary 20 -> stable 100, canary 0"
                        + " (ok)"));
        assertThat(harness.log).anySatisfy(line -> assertThat(line)
                .startsWith("[rollback] deployment/demo/web-canary").contains("(ok)"));
    }

    @Test
    void anEmptyResultIsInconclusiveAndPausesForAPersonWhoAborts() {
        CanaryPlan plan = plan("nothing-like-this", """
                  - setWeight: 10
                ANALYSIS
                """);
        harness.start(plan);
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());

        assertThat(harness.runner.status().phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(harness.logged(AuditAction.MEASUREMENT, "the query returned no series")).isTrue();
        assertThat(harness.logged(AuditAction.PAUSE, "Inconclusive")).isTrue();
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 90, canary 10");

        assertThat(harness.runner.abort("bob", "no data to judge by")).isTrue();
        RolloutResult result = harness.runToEnd();
        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(harness.logged(AuditAction.ABORT, "(no data to judge by) by bob")).isTrue();
    }

    @Test
    void unreachablePrometheusEndsInErrorAfterTheConsecutiveErrorLimitAndRollsBack() {
        CanaryPlan plan = PlanLoader.loadCanary(planYaml("checkout", """
                  - setWeight: 10
                ANALYSIS
                """).replace(PROMETHEUS.url(), "http://127.0.0.1:1"), "canary.yaml");
        harness.start(plan);
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.analyses().get(0).phase()).isEqualTo(AnalysisPhase.ERROR);
        assertThat(result.analyses().get(0).metric("error-ratio").orElseThrow().error()).isEqualTo(5);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(result.message()).contains("was Error");
    }

    @Test
    void aConflictWhileShiftingTrafficIsReReadRetriedAndLogged() {
        cluster.server.expect().put().withPath("/apis/networking.istio.io/v1/namespaces/demo/virtualservices/web")
                .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
                        .withMessage("the object has been modified").build()).once();
        harness.start(plan("checkout", """
                  - setWeight: 30
                """));
        harness.runUntil(() -> !harness.observedWeights.isEmpty());

        assertThat(harness.observedWeights).containsExactly("stable 70, canary 30");
        assertThat(harness.logged(AuditAction.RETRY, "409 Conflict")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
    }

    @Test
    void aPlanThatDoesNotFitTheClusterFailsBeforeAnyWrite() {
        CanaryPlan plan = PlanLoader.loadCanary(planYaml("checkout", "  - setWeight: 10\n")
                .replace("route: primary", "route: checkout-v2"), "canary.yaml");
        cluster.takeRequests();

        RolloutResult result = harness.start(plan).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(result.message()).contains("traffic.istio.route").contains("checkout-v2").contains("primary");
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void anUnknownAnalysisArgumentIsRejectedBeforeAnythingStarts() {
        CanaryPlan plan = plan("checkout", "ANALYSIS");
        cluster.takeRequests();

        assertThatThrownBy(() -> harness.start(plan, Map.of("ap", "checkout")))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors().toString())
                        .contains("args.ap: is not declared by any analysis step of the plan")
                        .contains("declared: app"));
        assertThat(cluster.takeRequests()).isEmpty();
    }

    @Test
    void aTimedPauseHoldsNoThreadAndPromoteSkipsIt() {
        harness.start(plan("checkout", """
                  - setWeight: 10
                  - pause: 1h
                  - setWeight: 40
                """));
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);

        assertThat(harness.scheduler.pendingCount()).as("only the pause's timer").isEqualTo(1);
        assertThat(harness.scheduler.nextDueIn()).contains(Duration.ofHours(1));
        assertThat(harness.runner.status().waitingFor()).startsWith("pause until");
        harness.runner.promote("carol");
        harness.runUntil(() -> harness.observedWeights.size() == 2);
        assertThat(harness.observedWeights).containsExactly("stable 90, canary 10", "stable 60, canary 40");
    }

    @Test
    void resumesFromASerialisedSnapshotInTheMiddleOfAPauseAndOfAnAnalysis() throws Exception {
        CanaryPlan plan = plan("checkout", """
                  - setWeight: 10
                  - pause: 10m
                ANALYSIS
                  - setWeight: 60
                """);
        harness.start(plan);
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        RolloutState inPause = javaRoundTrip(RolloutState.fromJson(harness.runner.snapshot().toJson()));
        var pauseEnds = inPause.dueAt();

        // The process went away: a new runner on a new scheduler at the same time picks up the state.
        RolloutHarness restarted = new RolloutHarness(cluster);
        restarted.scheduler.advance(Duration.between(restarted.scheduler.now(), harness.scheduler.now()));
        restarted.resume(inPause);
        restarted.runUntil(() -> restarted.logged(AuditAction.MEASUREMENT, "error-ratio"));
        assertThat(restarted.trail.events()).filteredOn(e -> e.action() == AuditAction.RESUME).singleElement()
                .satisfies(e -> assertThat(e.time()).isEqualTo(pauseEnds));
        RolloutState inAnalysis = javaRoundTrip(RolloutState.fromJson(restarted.runner.snapshot().toJson()));
        assertThat(inAnalysis.stage()).isEqualTo(Stage.ANALYSIS);
        assertThat(inAnalysis.analysis()).isNotNull();

        RolloutHarness again = new RolloutHarness(cluster);
        again.scheduler.advance(Duration.between(again.scheduler.now(), restarted.scheduler.now()));
        RolloutResult result = again.resume(inAnalysis).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(result.analyses().get(0).metric("error-ratio").orElseThrow().measured()).isEqualTo(2);
        assertThat(again.observedWeights).containsExactly("stable 40, canary 60", "stable 100, canary 0");
        assertThat(again.logged(AuditAction.START, "resumed at step 3/4 (analysis)")).isTrue();
    }

    @Test
    void anAbortThatArrivesDuringAWriteLetsItFinishThenRollsBack() {
        Queue<Runnable> calls = new ArrayDeque<>();
        harness.io = calls::add;
        harness.start(plan("checkout", """
                  - setWeight: 10
                  - setWeight: 50
                """));
        for (int i = 0; i < 200 && !(harness.observedWeights.size() == 1 && !calls.isEmpty()); i++) {
            harness.rollOutDeployments();
            harness.scheduler.runDue();
            if (!calls.isEmpty()) {
                calls.poll().run();
            } else {
                harness.scheduler.advanceToNext();
            }
        }
        // The next call in the queue is the canary's scale-up for 50 %; the abort must wait for it.
        assertThat(harness.runner.abort("dave", "stop")).isTrue();
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 90, canary 10");
        for (int i = 0; i < 200 && harness.result.get() == null; i++) {
            harness.scheduler.runDue();
            if (!calls.isEmpty()) {
                calls.poll().run();
            } else if (!harness.scheduler.advanceToNext()) {
                break;
            }
        }

        assertThat(harness.result.get().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(harness.observedWeights).containsExactly("stable 90, canary 10", "stable 100, canary 0");
        assertThat(harness.replicas("web-canary")).isZero();
    }

    @Test
    void withoutAMeshTheWeightIsAReplicaRatioAndTheLogSaysSo() {
        CanaryPlan plan = PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                steps:
                  - setWeight: 5
                  - setWeight: 50
                """, "ratio.yaml");
        List<String> podsAtWeight = new java.util.ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.WEIGHT && event.details().containsKey("canaryWeight")) {
                podsAtWeight.add("stable " + harness.replicas("web") + ", canary " + harness.replicas("web-canary"));
            }
        });
        harness.start(plan);

        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.logged(AuditAction.WEIGHT, "replica ratio: asked 5%, got 1 of 4 pods = 25%")).isTrue();
        assertThat(podsAtWeight).startsWith("stable 3, canary 1", "stable 2, canary 2");
        assertThat(harness.replicas("web")).isEqualTo(4);
        assertThat(harness.replicas("web-canary")).isZero();
        assertThat(harness.image("web")).isEqualTo("web:2.0");
    }

    @Test
    void everyEventSerialisesToJsonAndBack() {
        harness.start(plan("checkout", "  - setWeight: 10\n"));
        harness.runToEnd();

        List<AuditEvent> events = harness.trail.events();
        assertThat(io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail.fromJson(harness.trail.toJson()))
                .isEqualTo(events);
        assertThat(events).extracting(AuditEvent::action).startsWith(AuditAction.START, AuditAction.PREFLIGHT,
                AuditAction.DOCTOR).endsWith(AuditAction.COMPLETE);
    }

    private static RolloutState javaRoundTrip(RolloutState state) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (RolloutState) in.readObject();
        }
    }
}
