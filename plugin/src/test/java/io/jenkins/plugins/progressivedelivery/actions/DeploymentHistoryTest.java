package io.jenkins.plugins.progressivedelivery.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.fakes.FakeJob;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.access.AccessDeniedException;

/** The Deployments pages' rows, trends and JSON, from the records of several builds. */
class DeploymentHistoryTest {
    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    private final FakeJob shop = new FakeJob("shop");

    private void promotedCanary(Instant buildStart, String image, String by) {
        Records.promotedCanary(shop, buildStart, "shop/checkout", image, by);
    }

    private void switchedBack(Instant buildStart) {
        Records.switchedBack(shop, buildStart);
    }

    private List<Deployment> history() {
        promotedCanary(T0, "registry/checkout:2.4.1", "alice");
        switchedBack(T0.plusSeconds(3600));
        promotedCanary(T0.plusSeconds(7200), "registry/checkout:2.4.2", "bob");
        return DeploymentHistory.of(shop, DeploymentHistory.BUILDS);
    }

    @Test
    void everyRolloutOfEveryBuildIsARowNewestFirstAndAnalysisGatesAreNot() {
        List<Deployment> rows = history();
        assertThat(rows).extracting(Deployment::build).containsExactly(3, 2, 1);
        Deployment latest = rows.get(0);
        assertThat(latest.target()).isEqualTo("shop/checkout");
        assertThat(latest.strategy()).isEqualTo("canary");
        assertThat(latest.fromImage()).isEqualTo("registry/checkout:2.4.0");
        assertThat(latest.toImage()).isEqualTo("registry/checkout:2.4.2");
        assertThat(latest.verdict()).isEqualTo("Promoted");
        assertThat(latest.duration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(latest.promotedBy()).containsExactly("bob");
        assertThat(latest.recordUrl()).isEqualTo("job/shop/3/progressive-delivery-1/");

        Deployment blueGreen = rows.get(1);
        assertThat(blueGreen.strategy()).isEqualTo("blue-green");
        assertThat(blueGreen.fromImage()).isEqualTo("payments:5.11.3");
        assertThat(blueGreen.verdict()).isEqualTo("Rolled back");
        assertThat(blueGreen.rollbacks()).isEqualTo(2);
        assertThat(blueGreen.recordUrl()).as("the analysis gate took id 1").endsWith("progressive-delivery-2/");

        assertThat(DeploymentHistory.forTarget(rows, "pay/payments")).extracting(Deployment::build)
                .containsExactly(2);
        assertThat(DeploymentHistory.targets(rows)).containsExactly("pay/payments", "shop/checkout");
        assertThat(DeploymentHistory.of(shop, 1)).as("only the last builds are read").hasSize(1);
    }

    @Test
    void onlyJobsThatRolledSomethingOutGetThePageAndItReadsAsManyBuildsAsAsked() {
        FakeJob gatesOnly = new FakeJob("gates");
        DeliveryAction.addTo(gatesOnly.newBuild(T0.toEpochMilli()), "analysisGate", "smoke").complete("Successful",
                null, null);
        assertThat(new DeploymentsActionFactory().createFor(gatesOnly)).isEmpty();
        assertThat(new DeploymentsActionFactory().createFor(new FakeJob("never-built"))).isEmpty();

        history();
        assertThat(new DeploymentsActionFactory().createFor(shop)).singleElement()
                .isInstanceOf(DeploymentsAction.class);
        DeploymentsAction page = new DeploymentsAction(shop);
        assertThat(page.getRows(null, null)).hasSize(3);
        assertThat(page.getRows("shop/checkout", "2")).extracting(Deployment::build).containsExactly(3);
        assertThat(page.getRows(null, "not a number")).hasSize(3);
        assertThat(page.getTargets()).containsExactly("pay/payments", "shop/checkout");
        assertThat(page.durationOf(page.getRows(null, null).get(0))).isEqualTo("15m 00s");
    }

    @Test
    void trendsGiveTheRollbackRateAndTheLeadTimeFromTheBuildsStart() {
        List<Deployment> rows = history();
        List<DeploymentHistory.Trend> trends = DeploymentHistory.trends(rows, DeploymentsAction.buildStarts(shop));
        assertThat(trends).extracting(DeploymentHistory.Trend::target).containsExactly("pay/payments",
                "shop/checkout");
        DeploymentHistory.Trend payments = trends.get(0);
        assertThat(payments.rollbackRate()).isEqualTo(1.0);
        assertThat(payments.medianLeadTime()).isNull();
        DeploymentHistory.Trend checkout = trends.get(1);
        assertThat(checkout.finished()).isEqualTo(2);
        assertThat(checkout.rollbackRate()).isZero();
        assertThat(checkout.medianLeadTime()).as("5 minutes to start, 15 to promote").isEqualTo(Duration.ofMinutes(20));
        assertThat(TrendChart.render(checkout.target(), checkout.bars())).startsWith("<svg").contains("<rect")
                .contains("lead time 20m 00s").doesNotContain("<script").doesNotContain("style=");
    }

    @Test
    void productionIsTheNewestPromotedRolloutPerTarget() {
        List<Deployment> production = DeploymentHistory.production(List.of(history()));
        assertThat(production).hasSize(1);
        assertThat(production.get(0).toImage()).isEqualTo("registry/checkout:2.4.2");
        assertThat(production.get(0).build()).isEqualTo(3);
    }

    @Test
    void theJsonHasOneObjectPerRolloutAndPerTarget() throws Exception {
        List<Deployment> rows = history();
        JsonNode json = new ObjectMapper().readTree(DeploymentHistory.json(rows,
                DeploymentHistory.trends(rows, DeploymentsAction.buildStarts(shop))));
        assertThat(json.get("deployments")).hasSize(3);
        JsonNode first = json.get("deployments").get(0);
        assertThat(first.get("job").asText()).isEqualTo("shop");
        assertThat(first.get("build").asInt()).isEqualTo(3);
        assertThat(first.get("started").asText()).isEqualTo("2026-03-01T11:05:00Z");
        assertThat(first.get("durationSeconds").asLong()).isEqualTo(900);
        assertThat(first.get("promotedBy").get(0).asText()).isEqualTo("bob");
        assertThat(first.get("fromImage").asText()).isEqualTo("registry/checkout:2.4.0");
        assertThat(json.get("trends").get(1).get("medianLeadTimeSeconds").asLong()).isEqualTo(1200);
        assertThat(json.get("trends").get(0).get("rollbackRate").asDouble()).isEqualTo(1.0);
    }

    @Test
    void namesCannotBreakTheJsonOrInjectMarkupIntoTheChart() throws Exception {
        FakeRun run = shop.newBuild(T0.toEpochMilli());
        DeliveryAction record = DeliveryAction.addTo(run, "canaryRollout",
                "ns/\"<script>alert(1)</script>\\: img:1");
        record.complete("Rolled back", 0, "x");
        List<Deployment> rows = DeploymentHistory.of(shop, 10);
        JsonNode json = new ObjectMapper().readTree(DeploymentHistory.json(rows, List.of()));
        assertThat(json.get("deployments").get(0).get("target").asText())
                .isEqualTo("ns/\"<script>alert(1)</script>\\");
        assertThat(TrendChart.render(rows.get(0).target(), java.util.Arrays.asList((Duration) null)))
                .doesNotContain("<script>").contains("&lt;script&gt;");
    }

    @Test
    void approversDecideAndTheirCommentGoesIntoTheRecord() {
        FakeRun run = shop.newBuild(T0.toEpochMilli());
        DeliveryAction record = DeliveryAction.addTo(run, "canaryRollout", "shop/checkout: c:2");
        record.setApprovers("release-managers, carol");
        boolean[] promoted = new boolean[1];
        record.attach(new DeliveryAction.Gate() {
            @Override
            public boolean awaitingPromotion() {
                return true;
            }

            @Override
            public boolean promote(String actor) {
                promoted[0] = true;
                return true;
            }

            @Override
            public boolean abort(String actor, String reason) {
                return true;
            }
        });
        Identity mallory = Identity.named("mallory");
        assertThatThrownBy(() -> record.promote(mallory, "ship it")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("only release-managers, carol may");
        assertThat(promoted[0]).isFalse();

        Identity dave = new Identity("Dave (dave)", "dave", List.of("authenticated", "Release-Managers"), false,
                String::equalsIgnoreCase, String::equalsIgnoreCase);
        record.promote(dave, "error rate flat for 10 minutes");
        assertThat(promoted[0]).isTrue();
        assertThat(record.getComments()).singleElement().asString()
                .endsWith("promote by Dave (dave): error rate flat for 10 minutes");
        assertThat(Identity.named("carol").isAmong(" release-managers ,carol")).isTrue();
        assertThat(new Identity("root", "root", List.of(), true, String::equals, String::equals)
                .isAmong("carol")).as("administrators always may").isTrue();
    }
}
