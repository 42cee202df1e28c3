package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness comes from a watch on the Deployment: the runner checks as soon as the API server says the Deployment
 * rolled out, with the manual clock standing still, so no poll can have found it.
 */
class ReadinessWatchTest {
    private static MockCluster cluster;
    private RolloutHarness harness;

    private static final CanaryPlan PLAN = PlanLoader.loadCanary("""
            target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            readinessTimeout: 10m
            steps:
              - setWeight: 20
              - pause: {}
            """, "canary.yaml");

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
        harness.wrap = real -> ((io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster) real)
                .watchingReadiness();
        harness.noController();
    }

    @Test
    void aWatchEventWakesTheRunnerWithoutWaitingForAPoll() throws InterruptedException {
        harness.start(PLAN);
        harness.runUntil(() -> harness.runner.status().waitingFor().contains("to be ready"));
        assertThat(harness.runner.status().waitingFor()).contains("canary deployment web-canary");
        Instant frozen = harness.scheduler.now();

        cluster.markRolledOut("web-canary"); // the Deployment controller's status update, seen by the watch
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!harness.logged(AuditAction.READY, "web-canary") && Instant.now().isBefore(deadline)) {
            harness.scheduler.runDue(); // runs only what is due now: the clock does not move
            Thread.sleep(10);
        }

        assertThat(harness.scheduler.now()).as("no time passed, so no poll ran").isEqualTo(frozen);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[ready] deployment/demo/web-canary")
                .contains("seen by the watch"));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 80, canary 20");
    }

    @Test
    void withoutAWatchEventAPollStillFindsReadiness() {
        harness.start(PLAN);
        harness.runUntil(() -> harness.runner.status().waitingFor().contains("to be ready"));
        assertThat(harness.scheduler.nextDueIn()).as("the fallback poll").isPresent()
                .hasValueSatisfying(next -> assertThat(next).isLessThanOrEqualTo(RunnerCore.READINESS_POLL));
    }
}
