package io.jenkins.plugins.progressivedelivery.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoPlansTest {

    @Test
    void theDemoPlansAreValidPlansWithTheirPlaceholdersFilled() {
        for (DemoPlans.Timing timing : List.of(DemoPlans.Timing.NORMAL, DemoPlans.Timing.FAST)) {
            String yaml = DemoPlans.canary("web:3.0", "http://127.0.0.1:9999", timing);

            CanaryPlan plan = PlanLoader.loadCanary(yaml, "demo.yaml");

            assertThat(yaml).doesNotContain("${");
            assertThat(plan.target().image()).isEqualTo("web:3.0");
            assertThat(plan.steps().stream().filter(PlanStep.SetWeight.class::isInstance)
                    .map(s -> ((PlanStep.SetWeight) s).weight())).containsExactly(10, 30, 60, 100);
            assertThat(plan.effectiveBaseline()).isTrue();
            assertThat(plan.metrics().prometheus().address()).isEqualTo("http://127.0.0.1:9999");
            assertThat(plan.metrics().requests().workloadLabel()).isEqualTo("version");
            List<PlanStep.Judge> judges = plan.steps().stream().filter(PlanStep.Judge.class::isInstance)
                    .map(PlanStep.Judge.class::cast).toList();
            assertThat(judges).singleElement().satisfies(judge -> {
                assertThat(judge.judge().metrics()).extracting(m -> m.name())
                        .containsExactly("success-rate", "latency-p99");
                // No threshold anywhere: only the comparison's window and step.
                assertThat(judge.judge().metrics()).allSatisfy(m -> assertThat(m.high()).isNull());
                assertThat(judge.judge().window()).isEqualTo(timing.judgeWindow());
                // At least the judge's 10 samples a side, with two to spare.
                assertThat(timing.judgeWindow().dividedBy(timing.judgeStep())).isGreaterThanOrEqualTo(12);
            });
            assertThat(plan.steps().get(1)).isEqualTo(new PlanStep.Pause(timing.judgeWindow()));
            // The rate window never reaches back past the pause into the previous rollout's canary traffic.
            assertThat(timing.window()).isLessThanOrEqualTo(timing.pause());
        }
    }

    @Test
    void theGatewayApiDemoPlanScalesTheCanaryAndRoutesTestersBeforeAnyWeight() {
        for (DemoPlans.Timing timing : List.of(DemoPlans.Timing.NORMAL, DemoPlans.Timing.FAST)) {
            String yaml = DemoPlans.gatewayCanary("shop:2.0", "http://127.0.0.1:9999", timing);

            CanaryPlan plan = PlanLoader.loadCanary(yaml, "demo.yaml");

            assertThat(yaml).doesNotContain("${");
            assertThat(plan.traffic().gatewayAPI().httpRoute()).isEqualTo(EmbeddedCluster.SHOP_APP);
            assertThat(plan.steps().get(0)).isEqualTo(new PlanStep.SetCanaryScale(2, null, null));
            assertThat(plan.steps().get(1)).isInstanceOf(PlanStep.SetHeaderRoute.class);
            assertThat(plan.steps().stream().filter(PlanStep.SetWeight.class::isInstance)
                    .map(s -> ((PlanStep.SetWeight) s).weight())).containsExactly(25, 100);
            PlanStep.Analysis analysis = plan.steps().stream().filter(PlanStep.Analysis.class::isInstance)
                    .map(PlanStep.Analysis.class::cast).findFirst().orElseThrow();
            assertThat(analysis.analysis().metrics().get(0).provider().prometheus().query())
                    .contains("app=\"shop\",version=\"canary\"");
        }
    }

    @Test
    void rollbackFactsCountTheVirtualServiceWritesAfterTheDecision() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        List<AuditEvent> events = List.of(
                AuditEvent.at(t, AuditAction.WEIGHT).detail("canaryWeight", 10).build(),
                AuditEvent.at(t.plusSeconds(10), AuditAction.VERDICT).after("Failed").build(),
                AuditEvent.at(t.plusSeconds(10).plusMillis(3), AuditAction.ROLLBACK).after("moving traffic").build(),
                AuditEvent.at(t.plusSeconds(10).plusMillis(12), AuditAction.ROLLBACK).detail("change", "weight")
                        .detail("canaryWeight", 0).build(),
                AuditEvent.at(t.plusSeconds(15), AuditAction.ROLLBACK).detail("change", "scale").build(),
                AuditEvent.at(t.plusSeconds(15), AuditAction.COMPLETE).after("ROLLED_BACK").build());
        String vs = "/apis/networking.istio.io/v1/namespaces/demo/virtualservices/web";
        List<EmbeddedCluster.ApiWrite> writes = List.of(
                new EmbeddedCluster.ApiWrite(t, "PUT", vs, 200),
                new EmbeddedCluster.ApiWrite(t.plusSeconds(10).plusMillis(10), "PUT", vs, 200),
                new EmbeddedCluster.ApiWrite(t.plusSeconds(15), "PUT",
                        "/apis/apps/v1/namespaces/demo/deployments/web-canary", 200));

        RollbackFacts facts = RollbackFacts.of(events, writes).orElseThrow();

        assertThat(facts.virtualServiceWrites()).isEqualTo(1);
        assertThat(facts.trafficRestoredAfter()).isEqualTo(Duration.ofMillis(12));
        assertThat(facts.describe()).isEqualTo("traffic back on stable in 1 VirtualService write, 12 ms after the"
                + " decision to roll back");
        assertThat(RollbackFacts.of(events.subList(0, 2), writes)).isEmpty();
    }
}
