package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The new colour's readiness comes from a watch on its Deployment, as in the CLI and on the controller: with the
 * manual clock standing still (so no poll can run), the Deployment controller's status update alone moves the
 * switch on, and on a switch back the warmed old colour's readiness moves production back. Without a watch event the
 * 2 s poll is still scheduled as the fallback.
 */
class BlueGreenReadinessWatchTest {
    private static final BlueGreenPlan PLAN = PlanLoader.loadBlueGreen("""
            target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
            activeService: payments
            previewService: payments-preview
            autoPromotionSeconds: 0
            scaleDownDelaySeconds: 600
            readinessTimeout: 10m
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
        harness = new BlueGreenHarness(cluster.reset()).withBlueInProduction();
        harness.watchReadiness = true;
        harness.noController();
    }

    @Test
    void theWatchSeesTheNewColourReadyAndTheSwitchHappensWithNoTimePassing() throws InterruptedException {
        harness.start(PLAN);
        harness.runUntil(() -> waitingForReadiness());
        assertThat(harness.runner.status().waitingFor()).contains("payments-green");
        Instant frozen = harness.scheduler.now();

        cluster.markRolledOut("payments-green"); // the Deployment controller's status update, seen by the watch
        awaitOnFrozenClock(() -> "slot=green".equals(harness.production()));

        assertThat(harness.scheduler.now()).as("no time passed, so no poll ran").isEqualTo(frozen);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[ready] deployment/demo/payments-green")
                .contains("seen by the watch"));
        assertThat(harness.first(AuditAction.WEIGHT, "slot=blue -> slot=green").time()).isEqualTo(frozen);
    }

    @Test
    void withoutAWatchEventThePollIsStillTheFallback() {
        harness.start(PLAN);
        harness.runUntil(() -> waitingForReadiness());
        assertThat(harness.scheduler.nextDueIn()).as("the fallback poll").isPresent()
                .hasValueSatisfying(next -> assertThat(next).isLessThanOrEqualTo(RunnerCore.READINESS_POLL));

        cluster.markRolledOut("payments-green");
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.production()).isEqualTo("slot=green");
    }

    @Test
    void onTheWayBackTheWatchSeesTheWarmedOldColourReadyAndProductionGoesBackWithNoTimePassing()
            throws InterruptedException {
        BlueGreenHarness first = new BlueGreenHarness(cluster.reset()).withBlueInProduction();
        first.start(PLAN);
        first.runUntil(() -> first.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);
        // the process went away after the old colour was scaled down; the same plan is run again
        var blue = cluster.deployment("payments-blue");
        blue.getSpec().setReplicas(0);
        cluster.client.apps().deployments().inNamespace("demo").resource(blue).update();
        cluster.markRolledOut("payments-blue");
        harness.scheduler.advance(Duration.between(harness.scheduler.now(), first.scheduler.now()));
        harness.start(PLAN);
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.SCALE_DOWN_WAIT);

        assertThat(harness.runner.abort("bob", "changed my mind")).isTrue();
        harness.runUntil(() -> harness.runner.status().stage() == BlueGreenStage.ROLLBACK_AWAIT_OLD);
        assertThat(harness.production()).as("not before the old colour is ready").isEqualTo("slot=green");
        Instant frozen = harness.scheduler.now();

        cluster.markRolledOut("payments-blue");
        awaitOnFrozenClock(() -> "slot=blue".equals(harness.production()));

        assertThat(harness.scheduler.now()).as("no time passed, so no poll ran").isEqualTo(frozen);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[ready] deployment/demo/payments-blue")
                .contains("seen by the watch"));
    }

    private boolean waitingForReadiness() {
        String waitingFor = harness.runner.status().waitingFor();
        return waitingFor != null && waitingFor.contains("to be ready");
    }

    /** Runs only what is due now (the clock does not move) until {@code done}, the watch waking the runner. */
    private void awaitOnFrozenClock(BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!done.getAsBoolean() && Instant.now().isBefore(deadline)) {
            harness.scheduler.runDue();
            Thread.sleep(10);
        }
        assertThat(done.getAsBoolean()).as("moved on by the watch; log:\n" + String.join("\n", harness.log))
                .isTrue();
    }
}
