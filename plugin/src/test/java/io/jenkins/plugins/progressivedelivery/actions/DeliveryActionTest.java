package io.jenkins.plugins.progressivedelivery.actions;

import static org.assertj.core.api.Assertions.assertThat;

import com.thoughtworks.xstream.XStream;
import com.thoughtworks.xstream.security.AnyTypePermission;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DeliveryActionTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private static DeliveryAction rolledBack() {
        DeliveryAction action = new DeliveryAction("1", "canaryRollout", "demo/web: web:2.0");
        action.setTarget("Deployment demo/web, container web -> web:2.0");
        action.record(AuditEvent.at(T0, AuditAction.WEIGHT).resource("virtualservice/demo/web route primary")
                .change("stable 100, canary 0", "stable 80, canary 20").detail("canaryWeight", 20).build());
        action.record(AuditEvent.at(T0.plusSeconds(60), AuditAction.ABORT).actor("alice")
                .resource("deployment/demo/web").reason("error budget burning").build());
        action.record(AuditEvent.at(T0.plusSeconds(61), AuditAction.ROLLBACK)
                .resource("virtualservice/demo/web route primary")
                .change("stable 80, canary 20", "stable 100, canary 0").build());
        action.complete("Aborted", 0, "aborted by alice");
        return action;
    }

    @Test
    void theRecordSurvivesBuildXmlWithOnlyJdkTypesInIt() {
        XStream xstream = new XStream();
        xstream.addPermission(AnyTypePermission.ANY);
        String xml = xstream.toXML(rolledBack());

        Matcher classes = Pattern.compile("class=\"([^\"]+)\"").matcher(xml);
        while (classes.find()) {
            assertThat(classes.group(1)).startsWith("java.");
        }
        assertThat(xml).doesNotContain("io.jenkins.plugins.progressivedelivery.engine");

        DeliveryAction loaded = (DeliveryAction) xstream.fromXML(xml);
        loaded.onLoad(new FakeRun());
        assertThat(loaded.getVerdict()).isEqualTo("Aborted");
        assertThat(loaded.getFinalWeight()).isZero();
        assertThat(loaded.getEvents()).hasSize(3);
        assertThat(loaded.getDecisions()).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("alice");
            assertThat(e.time()).isEqualTo(T0.plusSeconds(60));
        });
        assertThat(loaded.getRollbackActions()).singleElement()
                .satisfies(e -> assertThat(e.toLogLine()).contains("stable 80, canary 20 -> stable 100, canary 0"));
        assertThat(loaded.isRunning()).as("no live rollout after a reload until its execution resumes").isFalse();
    }

    @Test
    void theTimelineIsJsonAndTheChartIsScriptFreeSvg() {
        DeliveryAction action = rolledBack();
        assertThat(action.getJson()).contains("\"action\" : \"rollback\"").contains("\"actor\" : \"alice\"");
        String svg = action.getChartSvg();
        assertThat(svg).startsWith("<svg").doesNotContainIgnoringCase("<script").doesNotContain("javascript:")
                .doesNotContainPattern(" on[a-z]+=");
    }

    @Test
    void namesFromThePlanCannotInjectMarkupIntoThePage() {
        DeliveryAction action = new DeliveryAction("1", "canaryRollout", "x");
        action.record(AuditEvent.at(T0, AuditAction.WEIGHT).resource("virtualservice/demo/<script>alert(1)</script>")
                .change("stable 100, canary 0", "stable 90, canary 10").detail("canaryWeight", 10).build());
        action.record(AuditEvent.at(T0.plusSeconds(5), AuditAction.ABORT).actor("<img src=x onerror=alert(1)>")
                .build());
        assertThat(action.getChartSvg()).doesNotContain("<script").doesNotContain("<img");
    }

    @Test
    void eachRecordHasItsOwnUrl() {
        FakeRun run = new FakeRun();
        DeliveryAction first = new DeliveryAction(DeliveryAction.nextId(run), "canaryRollout", "a");
        run.addAction(first);
        DeliveryAction second = new DeliveryAction(DeliveryAction.nextId(run), "analysisGate", "b");
        run.addAction(second);
        assertThat(first.getUrlName()).isEqualTo("progressive-delivery-1");
        assertThat(second.getUrlName()).isEqualTo("progressive-delivery-2");
        assertThat(DeliveryAction.find(run, "2")).isSameAs(second);
        assertThat(second.getRun()).isSameAs(run);
    }

    @Test
    void branchesOfAParallelAddingRecordsAtOnceGetDistinctIds() throws Exception {
        FakeRun run = new FakeRun();
        int branches = 8;
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(branches);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(branches);
        try {
            java.util.List<java.util.concurrent.Future<DeliveryAction>> added = new java.util.ArrayList<>();
            for (int i = 0; i < branches; i++) {
                added.add(pool.submit(() -> {
                    together.await();
                    return DeliveryAction.addTo(run, "canaryRollout", "branch");
                }));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (java.util.concurrent.Future<DeliveryAction> action : added) {
                ids.add(action.get(30, java.util.concurrent.TimeUnit.SECONDS).getId());
            }
            assertThat(ids).hasSize(branches);
            assertThat(run.getActions(DeliveryAction.class)).hasSize(branches);
        } finally {
            pool.shutdownNow();
        }
    }
}
