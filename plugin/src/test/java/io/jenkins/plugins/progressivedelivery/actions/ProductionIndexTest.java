package io.jenkins.plugins.progressivedelivery.actions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.thoughtworks.xstream.XStream;
import com.thoughtworks.xstream.security.AnyTypePermission;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.fakes.FakeJob;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Production page's rows through {@link ProductionIndex}: the same rows as reading every job's last builds, from
 * several builds and jobs, with a view after the first one reading only what changed; the jobs' Deployments link
 * ({@link DeploymentsActionFactory}) from the same summaries; and the structured {@code fromImage} of the record.
 */
class ProductionIndexTest {
    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    private final FakeJob shop = new FakeJob("shop");
    private final FakeJob pay = new FakeJob("pay");
    private final ProductionIndex index = new ProductionIndex();

    /** What the page showed before it kept summaries: every job's last builds read on each view. */
    private static List<Deployment> readingEverything(FakeJob... jobs) {
        return DeploymentHistory.production(java.util.Arrays.stream(jobs)
                .map(job -> DeploymentHistory.of(job, DeploymentHistory.BUILDS)).toList());
    }

    private void idleBuilds(FakeJob job, int count) {
        for (int i = 0; i < count; i++) {
            job.newBuild(T0.toEpochMilli()).finish();
        }
    }

    @Test
    void oneRowPerTargetFromTheNewestPromotedRolloutOfSeveralBuildsAndJobs() {
        Records.promotedCanary(shop, T0, "shop/checkout", "registry/checkout:2.4.1", "alice");
        Records.switchedBack(shop, T0.plusSeconds(3600));
        Records.promotedCanary(shop, T0.plusSeconds(7200), "shop/checkout", "registry/checkout:2.4.2", "bob");
        Records.promotedSwitch(pay, T0.plusSeconds(600), "payments:5.11.3", "payments:5.12.1");

        List<Deployment> rows = index.production(List.of(shop, pay));

        assertThat(rows).isEqualTo(readingEverything(shop, pay));
        assertThat(rows).extracting(Deployment::target).containsExactly("pay/payments", "shop/checkout");
        assertThat(rows.get(0).job()).as("the rolled-back switch of shop #2 is not production").isEqualTo("pay");
        assertThat(rows.get(0).toImage()).isEqualTo("payments:5.12.1");
        assertThat(rows.get(0).fromImage()).isEqualTo("payments:5.11.3");
        assertThat(rows.get(1).build()).isEqualTo(3);
        assertThat(rows.get(1).promotedBy()).containsExactly("bob");
    }

    @Test
    void aViewAfterTheFirstReadsOnlyTheBuildsBehindItsRowsAndTheBuildsSince() {
        Records.promotedCanary(shop, T0, "shop/checkout", "registry/checkout:2.4.1", "alice");
        idleBuilds(shop, 59);
        idleBuilds(pay, 60);

        List<Deployment> everything = readingEverything(shop, pay);
        int perView = shop.buildsRead() + pay.buildsRead();
        assertThat(perView).as("what every view used to read: each job's 60 builds").isEqualTo(120);

        index.production(List.of(shop, pay));
        int first = shop.buildsRead() + pay.buildsRead() - perView;
        assertThat(first).as("the first view reads as much, and the build behind the row").isEqualTo(121);

        int before = shop.buildsRead() + pay.buildsRead();
        List<Deployment> second = index.production(List.of(shop, pay));
        assertThat(shop.buildsRead() + pay.buildsRead() - before).as("the second: the one build behind the row")
                .isEqualTo(1);
        assertThat(second).isEqualTo(everything);

        before = shop.buildsRead() + pay.buildsRead();
        Records.promotedCanary(shop, T0.plusSeconds(86_400), "shop/checkout", "registry/checkout:2.4.2", "bob");
        List<Deployment> third = index.production(List.of(shop, pay));
        assertThat(shop.buildsRead() + pay.buildsRead() - before)
                .as("the new build, the step back to the one already read, and the row's build").isEqualTo(2);
        assertThat(third).singleElement().satisfies(row -> assertThat(row.build()).isEqualTo(61));
    }

    @Test
    void aPromotionOlderThanTheJobsLast100BuildsLeavesThePageAsItAlwaysDid() {
        Records.promotedCanary(shop, T0, "shop/checkout", "registry/checkout:2.4.1", "alice");
        idleBuilds(shop, 99);
        assertThat(index.production(List.of(shop))).as("build 1 is the 100th newest").hasSize(1);

        idleBuilds(shop, 1);
        assertThat(index.production(List.of(shop))).as("now the 101st").isEmpty();
        assertThat(readingEverything(shop)).isEmpty();
        Records.promotedCanary(shop, T0.plusSeconds(60), "shop/checkout", "registry/checkout:2.4.2", "bob");
        idleBuilds(shop, 150);
        assertThat(index.production(List.of(shop))).as("more than 100 builds since the last view").isEmpty();
    }

    @Test
    void aBuildStillRunningIsReadAgainUntilItHasEnded() {
        Records.promotedCanary(shop, T0, "shop/checkout", "registry/checkout:2.4.1", "alice");
        FakeRun running = shop.newBuild(T0.plusSeconds(3600).toEpochMilli());
        DeliveryAction record = DeliveryAction.addTo(running, "canaryRollout", "shop/checkout: registry/checkout:2.5");
        record.record(AuditEvent.at(T0.plusSeconds(3700), AuditAction.START).resource("deployment/shop/checkout")
                .build());

        assertThat(index.production(List.of(shop))).singleElement()
                .satisfies(row -> assertThat(row.build()).as("still the one in production").isEqualTo(1));

        record.record(AuditEvent.at(T0.plusSeconds(4000), AuditAction.COMPLETE).after("Promoted").build());
        record.complete("Promoted", 0, "done");
        running.finish();
        assertThat(index.production(List.of(shop))).singleElement()
                .satisfies(row -> assertThat(row.toImage()).isEqualTo("registry/checkout:2.5"));
    }

    @Test
    void aDeletedBuildTakesItsRowAwayAndTheRowBeforeItComesBack() {
        Records.promotedCanary(shop, T0, "shop/checkout", "registry/checkout:2.4.1", "alice");
        Records.promotedCanary(shop, T0.plusSeconds(3600), "shop/checkout", "registry/checkout:2.4.2", "bob");
        assertThat(index.production(List.of(shop))).singleElement()
                .satisfies(row -> assertThat(row.build()).isEqualTo(2));

        shop.delete(2); // a build discarder
        assertThat(index.production(List.of(shop))).singleElement()
                .satisfies(row -> assertThat(row.build()).isEqualTo(1));
        shop.delete(1);
        assertThat(index.production(List.of(shop))).isEmpty();
    }

    private boolean linked(FakeJob job) {
        return !new DeploymentsActionFactory(index).createFor(job).isEmpty();
    }

    /** Builds read while {@code job}'s actions are listed once: how much a job page costs. */
    private int readsToList(FakeJob job, boolean expectLink) {
        int before = job.buildsRead();
        assertThat(linked(job)).as("the Deployments link").isEqualTo(expectLink);
        return job.buildsRead() - before;
    }

    @Test
    void listingAJobsActionsReadsItsLastBuildsOnceThenOnlyTheBuildsSince() {
        idleBuilds(shop, 60);
        assertThat(readsToList(shop, false)).as("the first listing: the last 10 builds, as every listing did")
                .isEqualTo(DeploymentsActionFactory.RECENT);
        assertThat(readsToList(shop, false)).as("the next ones: none").isZero();
        assertThat(readsToList(shop, false)).isZero();

        idleBuilds(shop, 1);
        assertThat(readsToList(shop, false)).as("a new build: the step back to the builds already read").isEqualTo(1);

        Records.promotedCanary(shop, T0.plusSeconds(60), "shop/checkout", "registry/checkout:2.4.1", "alice");
        assertThat(readsToList(shop, true)).as("the rollout in the last build").isEqualTo(1);
        assertThat(readsToList(shop, true)).as("and nothing more while it is the last build").isZero();

        idleBuilds(shop, 3);
        assertThat(readsToList(shop, true)).as("three steps back to the builds already read, and the build that says"
                + " yes").isEqualTo(3 + 1);
        assertThat(readsToList(shop, true)).as("the build that says yes, which may have been deleted").isEqualTo(1);

        idleBuilds(shop, 7);
        assertThat(readsToList(shop, false)).as("the rollout is now the 11th newest build; seven steps back")
                .isEqualTo(7);
        assertThat(readsToList(shop, false)).isZero();
    }

    @Test
    void theProductionPageAfterAJobPageReadsOnlyTheOlderBuildsTheJobPageDidNot() {
        Records.promotedCanary(shop, T0, "shop/checkout", "registry/checkout:2.4.1", "alice");
        idleBuilds(shop, 59);
        assertThat(readsToList(shop, false)).isEqualTo(DeploymentsActionFactory.RECENT);

        int before = shop.buildsRead();
        List<Deployment> rows = index.production(List.of(shop));
        int read = shop.buildsRead() - before;
        assertThat(rows).isEqualTo(readingEverything(shop));
        assertThat(read).as("the oldest build read, 51 steps back from it (the last one past the first build),"
                + " the build behind the row; from nothing it was 61").isEqualTo(1 + 51 + 1);
        assertThat(readsToList(shop, false)).as("the job page after the Production page: nothing").isZero();
        before = shop.buildsRead();
        index.production(List.of(shop));
        assertThat(shop.buildsRead() - before).as("the Production page again: the build behind the row").isEqualTo(1);
    }

    @Test
    void theLinkGoesWithTheDeletedBuildOfTheRolloutAndComesWithARunningOnesRecord() {
        idleBuilds(shop, 4);
        Records.promotedCanary(shop, T0, "shop/checkout", "registry/checkout:2.4.1", "alice");
        idleBuilds(shop, 2);
        assertThat(linked(shop)).isTrue();
        shop.delete(5); // a build discarder, or a person
        assertThat(linked(shop)).isFalse();

        FakeRun running = shop.newBuild(T0.plusSeconds(3600).toEpochMilli());
        assertThat(linked(shop)).as("running, nothing rolled out yet").isFalse();
        DeliveryAction.addTo(running, "analysisGate", "smoke").complete("Successful", null, null);
        assertThat(linked(shop)).as("an analysis gate is not a rollout").isFalse();
        DeliveryAction.addTo(running, "canaryRollout", "shop/checkout: registry/checkout:2.5");
        assertThat(linked(shop)).as("the running build is read again until it ends").isTrue();
        running.finish();
        assertThat(linked(shop)).isTrue();
    }

    @Test
    void theJsonKeepsItsShapeAndEscapesWhatAPlanNamed() throws Exception {
        Records.promotedCanary(shop, T0, "ns/\"<script>alert(1)</script>", "img:1", "<b>mallory</b>");
        JsonNode json = new ObjectMapper().readTree(DeploymentHistory.productionJson(index.production(List.of(shop))));
        JsonNode row = json.get("production").get(0);
        assertThat(json.size()).isEqualTo(1);
        assertThat(row.fieldNames()).toIterable().containsExactly("job", "build", "buildUrl", "recordUrl", "started",
                "target", "strategy", "fromImage", "toImage", "verdict", "finished", "durationSeconds", "promotedBy",
                "abortedBy", "comments", "rollbacks");
        assertThat(row.get("target").asText()).isEqualTo("ns/\"<script>alert(1)</script>");
        assertThat(row.get("promotedBy").get(0).asText()).isEqualTo("<b>mallory</b>");
        assertThat(DeploymentHistory.productionJson(index.production(List.of(shop))))
                .contains("\"target\":\"ns/\\\"<script>alert(1)</script>\",");
    }

    @Test
    void theFromImageIsTheRecordsOwnFieldAndARecordWrittenBeforeItExistedFallsBackToItsEvents() {
        FakeRun run = shop.newBuild(T0.toEpochMilli());
        run.finish();
        DeliveryAction rolledBack = DeliveryAction.addTo(run, "canaryRollout", "shop/checkout: checkout:3");
        rolledBack.record(AuditEvent.at(T0, AuditAction.PREFLIGHT).resource("deployment/shop/checkout")
                .after("ok: istio host split").detail("fromImage", "checkout:2").build());
        rolledBack.record(AuditEvent.at(T0.plusSeconds(60), AuditAction.COMPLETE).after("Rolled back").build());
        rolledBack.complete("Rolled back", 0, "analysis failed");
        assertThat(rolledBack.getFromImage()).isEqualTo("checkout:2");
        assertThat(Deployment.of(run, rolledBack).fromImage())
                .as("known from the preflight, even for a canary rolled back before its promotion")
                .isEqualTo("checkout:2");

        XStream xstream = new XStream();
        xstream.addPermission(AnyTypePermission.ANY);
        DeliveryAction reloaded = (DeliveryAction) xstream.fromXML(xstream.toXML(rolledBack));
        assertThat(reloaded.getFromImage()).as("kept in build.xml").isEqualTo("checkout:2");

        FakeRun old = Records.promotedCanary(shop, T0.plusSeconds(3600), "shop/checkout", "checkout:4", "alice");
        String xml = xstream.toXML(old.getAction(DeliveryAction.class));
        assertThat(xml).doesNotContain("<fromImage>");
        DeliveryAction written = (DeliveryAction) xstream.fromXML(xml);
        written.onLoad(old);
        assertThat(written.getFromImage()).isNull();
        assertThat(Deployment.of(old, written).fromImage()).as("read back from the old record's events")
                .isEqualTo("registry/checkout:2.4.0");
    }
}
