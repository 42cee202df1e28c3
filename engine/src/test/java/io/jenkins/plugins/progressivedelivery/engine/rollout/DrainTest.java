package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** After the traffic write that takes the canary out of production, it keeps serving for the drain window. */
class DrainTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();
    private static MockCluster cluster;
    private RolloutHarness harness;

    private static final String PLAN = """
            target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            steps: [{setWeight: 20}, {pause: {}}, {setWeight: 100}]
            """;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void setUp() {
        harness = new RolloutHarness(cluster.reset()).withHostSplit();
    }

    private Instant when(AuditAction action, String text) {
        return harness.trail.events().stream().filter(e -> e.action() == action && e.toLogLine().contains(text))
                .map(AuditEvent::time).findFirst().orElseThrow(() -> new AssertionError(text + " not logged:\n"
                        + String.join("\n", harness.log)));
    }

    @Test
    void theRollbackWaitsAsLongAsThePreStopSleepTheDoctorFound() {
        Deployment stable = cluster.deployment("web");
        stable.getSpec().getTemplate().getSpec().getContainers().get(0).setLifecycle(
                new io.fabric8.kubernetes.api.model.LifecycleBuilder().withNewPreStop().withNewSleep(45L)
                        .endPreStop().build());
        cluster.client.apps().deployments().inNamespace(NS).resource(stable).update();
        harness.start(PlanLoader.loadCanary(PLAN, "plan.yaml"));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());

        harness.runner.abort("alice", "looks wrong");
        harness.runToEnd();

        assertThat(harness.log).contains("[pause] deployment/demo/web-canary: draining: the canary keeps serving its"
                + " in-flight requests for 45s (its preStop sleep, found by the doctor) before it is scaled down");
        assertThat(harness.trail.events().stream().filter(e -> e.action() == AuditAction.ROLLBACK
                && e.toLogLine().startsWith("[rollback] deployment/demo/web-canary")).map(AuditEvent::time)
                .findFirst().orElseThrow()).as(String.join("\n", harness.log))
                .isEqualTo(when(AuditAction.ROLLBACK, "virtualservice/demo/web").plusSeconds(45));
    }

    @Test
    void afterPromotionTheCanaryDrainsForDrainSecondsBeforeItIsScaledDown() {
        harness.start(PlanLoader.loadCanary(PLAN + "drainSeconds: 20\n", "plan.yaml"));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        harness.runner.promote("alice");
        harness.runToEnd();

        assertThat(harness.log).contains("[pause] deployment/demo/web-canary: draining: the canary keeps serving its"
                + " in-flight requests for 20s (drainSeconds) before it is scaled down");
        Instant drained = when(AuditAction.PAUSE, "draining");
        Instant scaledDown = harness.trail.events().stream().filter(e -> e.action() == AuditAction.SCALE
                && e.toLogLine().contains("web-canary") && e.time().isAfter(drained.minusMillis(1)))
                .map(AuditEvent::time).reduce((a, b) -> b).orElseThrow();
        assertThat(Duration.between(drained, scaledDown)).isEqualTo(Duration.ofSeconds(20));
    }
}
