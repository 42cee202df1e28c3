package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.jenkins.plugins.progressivedelivery.engine.hooks.KubernetesHooks;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hooks around a blue-green switch: a failed preRollout Job deploys and switches nothing. */
class BlueGreenHooksTest {
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
    void setUp() {
        harness = new BlueGreenHarness(cluster.reset()).withBlueInProduction();
    }

    @Test
    void aFailedPreRolloutJobLeavesProductionAndTheIdleColourUntouched() {
        String name = KubernetesHooks.jobName("payments", HooksSpec.Phase.PRE_ROLLOUT, "expand", "payments:2.0");
        cluster.takeRequests();
        harness.start(PlanLoader.loadBlueGreen("""
                target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
                activeService: payments
                previewService: payments-preview
                hooks:
                  preRollout:
                  - name: expand
                    job: {spec: {template: {spec: {containers: [{name: m, image: "payments-migrations:2.0"}]}}}}
                """, "bluegreen.yaml"));
        harness.runUntil(() -> cluster.client.batch().v1().jobs().inNamespace(NS).withName(name).get() != null);
        Job job = cluster.client.batch().v1().jobs().inNamespace(NS).withName(name).get();
        job.setStatus(new JobStatusBuilder().withFailed(1).withConditions(new JobConditionBuilder()
                .withType("Failed").withStatus("True").withReason("DeadlineExceeded").build()).build());
        cluster.client.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(result.message()).isEqualTo("preRollout hook 'expand' failed: the Job failed: DeadlineExceeded;"
                + " nothing was deployed or switched");
        assertThat(MockCluster.writes(cluster.takeRequests())).allMatch(w -> w.contains("/jobs/") || w.endsWith("/jobs"));
        assertThat(harness.production()).isEqualTo("slot=blue");
        assertThat(cluster.deployment("payments-green")).isNull();
    }

    @Test
    void afterTheSwitchTheOldColourDrainsForDrainSecondsEvenWithoutAScaleDownDelay() {
        harness.start(PlanLoader.loadBlueGreen("""
                target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
                activeService: payments
                previewService: payments-preview
                autoPromotionSeconds: 0
                scaleDownDelaySeconds: 0
                drainSeconds: 20
                """, "bluegreen.yaml"));
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.log).contains("[pause] deployment/demo/payments-blue: draining: blue keeps serving its"
                + " in-flight requests for 20s (drainSeconds) before it is scaled down");
        java.time.Instant switched = harness.trail.events().stream().filter(e -> e.toLogLine().contains(
                "slot=blue -> slot=green")).findFirst().orElseThrow().time();
        java.time.Instant scaledDown = harness.trail.events().stream().filter(e -> e.action()
                == io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction.SCALE
                && e.toLogLine().contains("payments-blue")).reduce((a, b) -> b).orElseThrow().time();
        assertThat(java.time.Duration.between(switched, scaledDown)).isEqualTo(java.time.Duration.ofSeconds(20));
    }
}
