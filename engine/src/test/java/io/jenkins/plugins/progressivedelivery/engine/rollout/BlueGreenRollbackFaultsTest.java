package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenHarness.ACTIVE_SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault matrix of issue 9 for blue-green: a switch back keeps trying until production is on the old colour. */
class BlueGreenRollbackFaultsTest {
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
        harness = new BlueGreenHarness(cluster.reset()).withBlueInProduction();
    }

    private static BlueGreenPlan plan(String extra) {
        return PlanLoader.loadBlueGreen("""
                target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
                activeService: payments
                previewService: payments-preview
                autoPromotionSeconds: 0
                scaleDownDelaySeconds: 600
                abortScaleDownDelaySeconds: 30
                """ + extra, "bluegreen.yaml");
    }

    private List<AuditEvent> retries() {
        return harness.trail.events().stream().filter(e -> e.action() == AuditAction.RETRY
                && e.after().startsWith("rollback attempt")).toList();
    }

    private void switchToGreenThenFail(int times) {
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        assertThat(harness.production()).isEqualTo("slot=green");
        cluster.server.expect().put().withPath(ACTIVE_SERVICE).andReturn(500, new StatusBuilder().withCode(500)
                .withReason("InternalError").withMessage("etcdserver: request timed out").build()).times(times);
    }

    @Test
    void fourServerErrorsOnTheSwitchBackAreRetriedUntilProductionIsOnTheOldColour() {
        harness.start(plan(""));
        switchToGreenThenFail(4);
        Instant abortedAt = harness.scheduler.now();

        assertThat(harness.runner.abort("bob", "post-promotion checks failed")).isTrue();
        assertThat(harness.runner.status().line()).startsWith("ROLLING BACK \u2014 retrying (attempt 1, API"
                + " answering 500 since " + abortedAt + ")");
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.production()).isEqualTo("slot=blue");
        assertThat(retries()).hasSize(4);
        assertThat(harness.first(AuditAction.ROLLBACK, "slot=green -> slot=blue").time())
                .isEqualTo(abortedAt.plusSeconds(1 + 2 + 4 + 8));
        assertThat(harness.replicas("payments-blue")).isEqualTo(4);
    }

    @Test
    void aFailedPostPromotionAnalysisThenFourServerErrorsOnTheSwitchBackEndsWithProductionOnTheOldColour() {
        harness.metrics = (metric, at) -> io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue.vector(
                List.of(0.5)); // the new colour's error rate in production
        harness.start(plan("""
                postPromotionAnalysis:
                  metrics:
                    - name: error-rate
                      initialDelay: 10s
                      count: 1
                      failureCondition: result[0] > 0.01
                      provider: {prometheus: {address: "http://prometheus.example:9090", query: error_rate}}
                """));
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.POST_ANALYSIS);
        assertThat(harness.production()).isEqualTo("slot=green");
        cluster.server.expect().put().withPath(ACTIVE_SERVICE).andReturn(500, new StatusBuilder().withCode(500)
                .withReason("InternalError").withMessage("etcdserver: request timed out").build()).times(4);
        Instant failedAt = harness.scheduler.now().plusSeconds(10);

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("error-rate");
        assertThat(harness.production()).isEqualTo("slot=blue");
        assertThat(retries()).hasSize(4).allSatisfy(e -> assertThat(e.reason()).contains("answered 500"));
        assertThat(harness.first(AuditAction.ROLLBACK, "slot=green -> slot=blue").time())
                .isEqualTo(failedAt.plusSeconds(1 + 2 + 4 + 8));
        assertThat(harness.image("payments-blue")).isEqualTo("payments:1.0");
        assertThat(harness.replicas("payments-blue")).isEqualTo(4);
    }

    @Test
    void aSwitchBackThatGivesUpAtRollbackTimeoutSaysWhereProductionIsAndHowToMoveIt() {
        harness.start(plan("rollbackTimeout: 10s\n"));
        switchToGreenThenFail(100);

        harness.runner.abort("bob", "bad");
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLBACK_FAILED);
        assertThat(harness.production()).isEqualTo("slot=green");
        assertThat(result.message()).startsWith("SWITCH BACK FAILED, traffic is NOT safe: service/demo/payments still"
                + " sends production traffic to green (payments-green, payments:2.0)")
                .contains("rollbackTimeout 10s passed")
                .endsWith("finish it by hand: kubectl -n demo patch service payments --type=merge -p"
                        + " '{\"spec\":{\"selector\":{\"slot\":\"blue\"}}}'");
    }

    @Test
    void aReRunAfterACrashPastTheSwitchFinishesItAndNeverOverwritesTheWarmOldColour() {
        harness.start(plan(""));
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        assertThat(harness.production()).isEqualTo("slot=green");
        // The process is killed here; the same plan is run again, with no state.
        BlueGreenHarness rerun = new BlueGreenHarness(cluster);
        rerun.scheduler.advance(java.time.Duration.between(rerun.scheduler.now(), harness.scheduler.now()));
        rerun.start(plan(""));
        rerun.runUntil(() -> rerun.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);

        assertThat(rerun.logged(AuditAction.PREFLIGHT, "already runs payments:2.0: not deployed again")).isTrue();
        assertThat(rerun.image("payments-blue")).as("the old colour is not overwritten").isEqualTo("payments:1.0");
        assertThat(rerun.replicas("payments-blue")).as("and stays warm").isEqualTo(4);
        assertThat(rerun.runner.abort("bob", "changed my mind")).isTrue();
        RolloutResult result = rerun.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rerun.production()).isEqualTo("slot=blue");
        assertThat(rerun.image("payments-blue")).isEqualTo("payments:1.0");
    }

    @Test
    void switchingBackAfterAReRunWarmsAnOldColourThatWasScaledDownBeforeProductionGoesToIt() {
        harness.start(plan(""));
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        // killed after the old colour was scaled down
        var blue = cluster.deployment("payments-blue");
        blue.getSpec().setReplicas(0);
        cluster.client.apps().deployments().inNamespace("demo").resource(blue).update();
        BlueGreenHarness rerun = new BlueGreenHarness(cluster);
        rerun.scheduler.advance(java.time.Duration.between(rerun.scheduler.now(), harness.scheduler.now()));
        List<String> blueWhenSwitchedBack = new java.util.ArrayList<>();
        rerun.taps.add(event -> {
            if (event.action() == AuditAction.ROLLBACK && event.toLogLine().contains("slot=green -> slot=blue")) {
                blueWhenSwitchedBack.add(rerun.replicas("payments-blue") + " replicas, ready "
                        + cluster.deployment("payments-blue").getStatus().getReadyReplicas());
            }
        });
        rerun.start(plan(""));
        rerun.runUntil(() -> rerun.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);

        assertThat(rerun.runner.abort("bob", "changed my mind")).isTrue();
        RolloutResult result = rerun.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rerun.production()).isEqualTo("slot=blue");
        assertThat(blueWhenSwitchedBack).as("production, then the preview").containsExactly("4 replicas, ready 4",
                "4 replicas, ready 4");
        assertThat(rerun.image("payments-blue")).isEqualTo("payments:1.0");
    }
}
