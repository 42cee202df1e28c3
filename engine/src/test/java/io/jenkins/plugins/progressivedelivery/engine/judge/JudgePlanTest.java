package io.jenkins.plugins.progressivedelivery.engine.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeMetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutPhase;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutState;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Stage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code judge} step and {@code baseline} in plans: reading, writing and the errors a user sees. */
class JudgePlanTest {
    private static final String HEAD = """
            target: {namespace: shop, deployment: checkout, container: app, image: "checkout:2"}
            traffic:
              istio: {virtualService: checkout, stableService: checkout-stable, canaryService: checkout-canary}
            """;

    private static CanaryPlan load(String rest) {
        return PlanLoader.loadCanary(HEAD + rest, "plan.yaml");
    }

    @Test
    void metricsAreNamesOrObjectsAndEveryDefaultIsKnown() {
        CanaryPlan plan = load("""
                baseline: true
                metrics: {prometheus: {address: 'http://prometheus:9090'}}
                steps:
                  - setWeight: 10
                  - judge:
                      metrics:
                        - success-rate
                        - {name: latency-p99, weight: 2, critical: true, effectSize: cles, high: 0.8}
                        - {name: queue-depth, direction: increase, query: 'max(queue{pod=~"{{workload}}-.*"})'}
                      window: 10m
                """);
        PlanStep.Judge judge = (PlanStep.Judge) plan.steps().get(1);

        assertThat(plan.effectiveBaseline()).isTrue();
        // Templates read from the cluster replace the steps; the baseline and the metrics' source stay.
        assertThat(plan.withSteps(plan.steps())).isEqualTo(plan);
        assertThat(plan.withAnalysis(null).metrics()).isEqualTo(plan.metrics());
        assertThat(judge.judge().metrics()).containsExactly(JudgeMetricSpec.named("success-rate"),
                new JudgeMetricSpec("latency-p99", null, null, 2.0, true, EffectSizeMeasure.CLES, 0.8, null),
                new JudgeMetricSpec("queue-depth", "max(queue{pod=~\"{{workload}}-.*\"})", Direction.INCREASE, null,
                        null, null, null, null));
        assertThat(judge.judge().effectiveWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(judge.judge().effectiveStep()).isEqualTo(Duration.ofSeconds(30));
        ClassifierSettings latency = JudgeRun.settings(judge.judge(), judge.judge().metrics().get(1));
        assertThat(latency).isEqualTo(new ClassifierSettings(0.98, 0.25, Direction.INCREASE, EffectSizeMeasure.CLES,
                0.8, 0.5, 10, false));
        assertThat(JudgeRun.settings(judge.judge(), judge.judge().metrics().get(0)).direction())
                .isEqualTo(Direction.DECREASE);
    }

    @Test
    void aPlanWithAJudgeSurvivesTheStatesJsonRoundTrip() {
        CanaryPlan plan = load("""
                metrics: {prometheus: {address: 'http://prometheus:9090'}}
                steps:
                  - setWeight: 10
                  - judge: {metrics: [success-rate, {name: latency-p90, critical: true}], pass: 90, marginal: 60}
                """);
        RolloutState state = new RolloutState(plan, Map.of(), RolloutPhase.PROGRESSING, Stage.JUDGE, 1, 10, 4, null,
                null, 0, null, List.of(), null, null, false, false, null);

        assertThat(RolloutState.fromJson(state.toJson())).isEqualTo(state);
    }

    @Test
    void aStateWithJudgementsAndTheWeightsTimeSurvivesTheJsonRoundTripEvenWithInfiniteAndNaNValues() {
        CanaryPlan plan = load("""
                metrics: {prometheus: {address: 'http://prometheus:9090'}}
                steps:
                  - setWeight: 10
                  - judge: {metrics: [success-rate]}
                """);
        // an error count that was 0 for the control: mean ratio +Infinity; a degenerate test: p-value NaN
        MetricJudgement errors = new MetricJudgement("errors", Classification.HIGH, "more errors",
                Direction.INCREASE, 2, true, Double.NaN, 3.0, 1.0, 5.0, EffectSizeMeasure.MEAN_RATIO,
                Double.POSITIVE_INFINITY, 20, 20, null, null);
        Scorecard card = new Scorecard(Verdict.FAIL, 0.0, 95, 75, "stable", List.of(errors), "critical High");
        JudgeRun.Outcome outcome = new JudgeRun.Outcome(card, List.of(new JudgeRun.MetricQueries("errors", "a", "b")),
                1200, "checkout", Duration.ofMinutes(10), Duration.ofSeconds(30));
        JudgeGate.Result judged = new JudgeGate.Result(JudgeAudit.toAnalysisResult("step-2-judge", outcome,
                java.time.Instant.EPOCH, java.time.Instant.EPOCH.plusSeconds(1)), outcome);
        RolloutState state = new RolloutState(plan, Map.of(), RolloutPhase.PROGRESSING, Stage.PAUSE, 2, 10, 4, null,
                null, 0, null, List.of(judged.analysis()), null, null, false, false, null, null, null, null, false,
                null, null, null, false, List.of(), java.time.Instant.parse("2026-01-01T00:00:00Z"), List.of(judged));

        RolloutState read = RolloutState.fromJson(state.toJson());

        assertThat(read).isEqualTo(state);
        assertThat(read.judgements().get(0).outcome().scorecard().metrics().get(0).effectSize()).isInfinite();
        assertThat(read.weightSince()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void mistakesAreNamedWithTheirFix() {
        assertThatThrownBy(() -> load("""
                steps:
                  - setWeight: 10
                  - judge:
                      metrics: [success-rate, succes-rate, {name: custom, query: 'up'}]
                      confidence: 1.5
                      pass: 70
                      marginal: 80
                """)).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("steps[1].judge.metrics[1].name: 'succes-rate' is not a built-in metric"
                        + " (success-rate, latency-p50, latency-p90, latency-p99)")
                .hasMessageContaining("steps[1].judge.metrics[2].query: does not contain {{workload}}")
                .hasMessageContaining("steps[1].judge.metrics[2].direction: is required for a metric of your own")
                .hasMessageContaining("steps[1].judge.prometheus: is required")
                .hasMessageContaining("steps[1].judge.confidence: must be between 0 and 1")
                .hasMessageContaining("steps[1].judge.marginal: must be a score in 0..70");
        assertThatThrownBy(() -> load("""
                steps:
                  - judge: {metrics: [success-rate], prometheus: {address: 'http://p:9090'}}
                """.replace("steps:", "baseline: true\ntraffic:\n  istio: {virtualService: checkout,"
                + " destinationRule: checkout}\nsteps:"))).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> PlanLoader.loadCanary("""
                target: {namespace: shop, deployment: checkout, container: app, image: "checkout:2"}
                baseline: true
                steps: [{setWeight: 10}]
                """, "plan.yaml")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("baseline: needs traffic.istio");
        assertThatThrownBy(() -> load("""
                steps:
                  - judge: {metrics: [success-rate], direction: up}
                """)).isInstanceOf(InvalidPlanException.class).hasMessageContaining("steps[0].judge");
    }
}
