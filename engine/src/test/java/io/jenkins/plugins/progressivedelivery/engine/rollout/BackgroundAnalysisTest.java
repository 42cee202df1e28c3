package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Argo's {@code strategy.canary.analysis}: measured across the steps from {@code startingStep} on; Failed rolls
 * back at once (in the middle of a pause), Inconclusive pauses, and the analysis ends with the rollout.
 */
class BackgroundAnalysisTest {
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

    private static CanaryPlan plan(String app, int startingStep, String conditions) {
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 0s
                analysis:
                  startingStep: STARTING
                  args: [{name: app, value: APP}]
                  metrics:
                    - name: error-ratio
                      interval: 1m
                      CONDITIONS
                      provider:
                        prometheus:
                          address: PROMETHEUS
                          query: QUERY
                steps:
                  - setWeight: 10
                  - pause: 10m
                  - setWeight: 50
                  - pause: 10m
                  - setWeight: 100
                """.replace("STARTING", String.valueOf(startingStep)).replace("APP", app)
                .replace("CONDITIONS", conditions).replace("PROMETHEUS", PROMETHEUS.url())
                .replace("QUERY", "'" + BackfilledPrometheus.errorRatioQuery("{{args.app}}") + "'"), "canary.yaml");
    }

    @Test
    void aHealthyCanaryIsMeasuredFromTheStartingStepUntilTheRolloutEnds() {
        harness.start(plan("checkout", 2, "successCondition: result[0] <= 0.05"));

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(result.analyses()).isEmpty();
        // measured every minute from step 2 (setWeight 50) through the 10-minute pause, then terminated
        long measurements = harness.trail.events().stream().filter(e -> e.action() == AuditAction.MEASUREMENT)
                .count();
        assertThat(measurements).isBetween(10L, 12L);
        AuditEvent first = harness.trail.events().stream().filter(e -> e.action() == AuditAction.MEASUREMENT)
                .findFirst().orElseThrow();
        AuditEvent secondStep = harness.trail.events().stream().filter(e -> e.action() == AuditAction.STEP
                && e.after().startsWith("step 3/5")).findFirst().orElseThrow();
        assertThat(first.time()).isEqualTo(secondStep.time());
        assertThat(harness.logged(AuditAction.VERDICT, "analysis background: Successful")).isTrue();
    }

    @Test
    void aFailedMeasurementRollsBackInTheMiddleOfAPause() {
        harness.start(plan("degrading", 0, "successCondition: result[0] <= 0.05"));

        RolloutResult result = harness.runToEnd();

        // degrading's error ratio crosses 0.05 after T0 + 2m, during the first 10-minute pause
        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("the background analysis was Failed: metric 'error-ratio' Failed");
        assertThat(result.analyses()).singleElement()
                .satisfies(a -> assertThat(a.phase()).isEqualTo(AnalysisPhase.FAILED));
        AuditEvent rollback = harness.trail.events().stream().filter(e -> e.action() == AuditAction.ROLLBACK)
                .findFirst().orElseThrow();
        assertThat(Duration.between(BackfilledPrometheus.T0, rollback.time())).isLessThan(Duration.ofMinutes(5));
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void anInconclusiveVerdictPausesTheRolloutForAPerson() {
        harness.start(plan("checkout", 0, """
                successCondition: result[0] <= 0.001
                      failureCondition: result[0] > 0.5"""));

        harness.runUntil(() -> harness.runner.status().awaitingPromotion());

        assertThat(harness.runner.status().phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(harness.logged(AuditAction.PAUSE, "the background analysis was Inconclusive")).isTrue();
        assertThat(harness.runner.promote("alice")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
    }

    @Test
    void aStartingStepOutsideThePlanIsRefused() {
        assertThatThrownBy(() -> plan("checkout", 7, "successCondition: result[0] <= 0.05"))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("analysis.startingStep");
    }
}
