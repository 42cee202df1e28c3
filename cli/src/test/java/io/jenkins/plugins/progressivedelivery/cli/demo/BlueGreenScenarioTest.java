package io.jenkins.plugins.progressivedelivery.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlueGreenScenarioTest {
    private static final String ACTIVE = "/api/v1/namespaces/demo/services/pay";

    @Test
    void theBlueGreenPlansAreValidPlansWithTheirPlaceholdersFilled() {
        for (DemoPlans.Timing timing : List.of(DemoPlans.Timing.NORMAL, DemoPlans.Timing.FAST)) {
            for (boolean auto : List.of(true, false)) {
                String yaml = DemoPlans.blueGreen("pay:3.0", "http://127.0.0.1:9999", timing, auto);

                BlueGreenPlan plan = PlanLoader.loadBlueGreen(yaml, "bluegreen.yaml");

                assertThat(yaml).doesNotContain("${");
                assertThat(plan.target().deployment(Colour.GREEN)).isEqualTo("pay-green");
                assertThat(plan.target().image()).isEqualTo("pay:3.0");
                assertThat(plan.activeService()).isEqualTo(EmbeddedCluster.ACTIVE_SERVICE);
                assertThat(plan.previewService()).isEqualTo(EmbeddedCluster.PREVIEW_SERVICE);
                assertThat(plan.effectiveColorLabel()).isEqualTo(EmbeddedCluster.COLOUR_LABEL);
                assertThat(plan.autoPromotionSeconds()).isEqualTo(auto ? (int) timing.promotion().toSeconds() : null);
                MetricSpec preview = plan.prePromotionAnalysis().metrics().get(0);
                MetricSpec production = plan.postPromotionAnalysis().metrics().get(0);
                assertThat(preview.provider().prometheus().query()).contains("service=\"pay-preview\"")
                        .doesNotContain("service=\"pay\"");
                assertThat(production.provider().prometheus().query()).contains("service=\"pay\"")
                        .doesNotContain("pay-preview");
                assertThat(production.provider().prometheus().address()).isEqualTo("http://127.0.0.1:9999");
                // Each first measurement waits out a whole rate window, so it counts only the new colour's requests.
                assertThat(preview.initialDelay()).isEqualTo(timing.window());
                assertThat(production.initialDelay()).isEqualTo(timing.window());
                assertThat(plan.postPromotionAnalysis().args()).singleElement()
                        .satisfies(arg -> assertThat(arg.value()).isEqualTo(Durations.format(timing.window())));
                // The old colour is still warm when the post-promotion analysis ends, so the switch back is one write.
                Duration postAnalysis = production.initialDelay()
                        .plus(production.interval().multipliedBy(production.count() - 1));
                assertThat(plan.effectiveScaleDownDelay()).isGreaterThan(postAnalysis);
            }
        }
    }

    @Test
    void thePlanPassesPreflightAgainstTheSeededCluster() {
        try (EmbeddedCluster cluster = EmbeddedCluster.startSeeded(Clock.systemUTC())) {
            BlueGreenPlan plan = PlanLoader.loadBlueGreen(DemoPlans.blueGreen("pay:2.0", "http://127.0.0.1:9999",
                    DemoPlans.Timing.FAST, false), "bluegreen.yaml");

            int writesBefore = cluster.writes().size();

            BlueGreenSnapshot snapshot = new KubernetesBlueGreenCluster(cluster.client(), plan).preflight();

            assertThat(snapshot.activeColour()).isEqualTo(Colour.BLUE);
            assertThat(snapshot.activeReplicas()).isEqualTo(4);
            assertThat(snapshot.activeImage()).isEqualTo("pay:1.0");
            assertThat(BlueGreenScenario.activeColour(cluster.client())).isEqualTo(Colour.BLUE);
            assertThat(cluster.writes()).as("preflight writes nothing").hasSize(writesBefore);
        }
    }

    /** A switch to green promoted at 0:20 whose post-promotion analysis fails at 0:30, as the runner reports it. */
    private static List<AuditEvent> switchedBack(Instant t) {
        String route = "service/demo/pay";
        return List.of(
                AuditEvent.at(t, AuditAction.START).resource(route).build(),
                AuditEvent.at(t.plusSeconds(3), AuditAction.ROUTE).resource("service/demo/pay-preview")
                        .change("slot=blue", "slot=green").detail("change", "route").build(),
                AuditEvent.at(t.plusSeconds(20), AuditAction.PROMOTE).resource(route).build(),
                AuditEvent.at(t.plusSeconds(20).plusMillis(9), AuditAction.WEIGHT).resource(route)
                        .change("slot=blue", "slot=green").detail("change", "weight").detail("canaryWeight", 100)
                        .build(),
                AuditEvent.at(t.plusSeconds(30), AuditAction.VERDICT).resource("analysis post-promotion")
                        .after("Failed").build(),
                AuditEvent.at(t.plusSeconds(30).plusMillis(1), AuditAction.ROLLBACK).resource(route)
                        .after("switching production back to blue").build(),
                AuditEvent.at(t.plusSeconds(30).plusMillis(7), AuditAction.ROLLBACK).resource(route)
                        .change("slot=green", "slot=blue").detail("change", "weight").detail("canaryWeight", 0)
                        .build(),
                AuditEvent.at(t.plusSeconds(35), AuditAction.ROLLBACK).resource("deployment/demo/pay-green")
                        .detail("change", "scale").build(),
                AuditEvent.at(t.plusSeconds(35), AuditAction.COMPLETE).after("ROLLED_BACK").build());
    }

    @Test
    void switchFactsCountTheActiveServiceWritesAndTimeThemFromTheDecision() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        List<AuditEvent> events = switchedBack(t);
        List<EmbeddedCluster.ApiWrite> writes = List.of(
                new EmbeddedCluster.ApiWrite(t.plusSeconds(3), "PUT", "/api/v1/namespaces/demo/services/pay-preview",
                        200),
                new EmbeddedCluster.ApiWrite(t.plusSeconds(20).plusMillis(4), "PUT", ACTIVE, 409),
                new EmbeddedCluster.ApiWrite(t.plusSeconds(20).plusMillis(8), "PUT", ACTIVE, 200),
                new EmbeddedCluster.ApiWrite(t.plusSeconds(30).plusMillis(5), "PUT", ACTIVE, 200),
                new EmbeddedCluster.ApiWrite(t.plusSeconds(35), "PUT", "/apis/apps/v1/namespaces/demo/deployments/"
                        + "pay-green", 200));

        SwitchFacts promotion = SwitchFacts.promotion(events, writes, ACTIVE).orElseThrow();
        SwitchFacts back = SwitchFacts.switchBack(events, writes, ACTIVE).orElseThrow();

        assertThat(promotion.writes()).as("a 409, then the write that went through").isEqualTo(2);
        assertThat(promotion.acceptedAfter()).isEqualTo(Duration.ofMillis(8));
        assertThat(promotion.reportedAfter()).isEqualTo(Duration.ofMillis(9));
        assertThat(back.writes()).isEqualTo(1);
        assertThat(back.acceptedAfter()).isEqualTo(Duration.ofMillis(5));
        assertThat(back.describe()).isEqualTo("switched back slot=green -> slot=blue in 1 write, accepted by the API"
                + " server 5 ms after the decision (reported by the engine at 7 ms)");
        assertThat(BlueGreenScenario.productionMoves(writes)).as("the switch and the switch back").isEqualTo(2);
        assertThat(BlueGreenScenario.bad().trafficFacts(events, writes)).containsExactly(
                "switch: " + promotion.describe(), "switch back: " + back.describe());
    }

    @Test
    void aSwitchThatNeverReachedProductionHasNothingToSwitchBack() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        List<AuditEvent> events = List.of(
                AuditEvent.at(t, AuditAction.VERDICT).resource("analysis pre-promotion").after("Failed").build(),
                AuditEvent.at(t, AuditAction.ROLLBACK).after("production stays on blue: it was never switched")
                        .build(),
                AuditEvent.at(t.plusSeconds(2), AuditAction.ROLLBACK).resource("service/demo/pay-preview")
                        .change("slot=green", "slot=blue").detail("change", "route").build());

        assertThat(SwitchFacts.promotion(events, List.of(), ACTIVE)).isEmpty();
        assertThat(SwitchFacts.switchBack(events, List.of(), ACTIVE)).isEmpty();
    }

    @Test
    void theReleaseManagerPromotesOnlyAtAGateThatWaitsForAPerson() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");

        assertThat(BlueGreenScenario.waitsForPromotion(AuditEvent.at(t, AuditAction.PAUSE)
                .after("waiting for promote (switch production to green) or abort").detail("indefinite", true)
                .build())).isTrue();
        assertThat(BlueGreenScenario.waitsForPromotion(AuditEvent.at(t, AuditAction.PAUSE)
                .after("automatic promotion at ...").build())).isFalse();
        assertThat(BlueGreenScenario.good().autoPromotion()).isFalse();
        assertThat(BlueGreenScenario.bad().autoPromotion()).isTrue();
    }
}
