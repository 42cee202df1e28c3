package io.jenkins.plugins.progressivedelivery.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static AuditEvent.Builder at(int second, AuditAction action) {
        return AuditEvent.at(T0.plusSeconds(second), action);
    }

    private static List<AuditEvent> promoted() {
        return List.of(
                at(0, AuditAction.START).resource("deployment/demo/web").after("web:2.0").build(),
                at(1, AuditAction.WEIGHT).resource("virtualservice/demo/web route primary")
                        .change("stable 100, canary 0", "stable 90, canary 10").detail("canaryWeight", 10).build(),
                at(9, AuditAction.MEASUREMENT).resource("metric error-ratio").after("[0.004] Successful")
                        .detail("metric", "error-ratio").detail("value", "[0.004]").detail("phase", "Successful")
                        .detail("threshold", "0.05").build(),
                at(10, AuditAction.VERDICT).resource("analysis canary").after("Successful").build(),
                at(11, AuditAction.WEIGHT).resource("virtualservice/demo/web route primary")
                        .change("stable 90, canary 10", "stable 100, canary 0").detail("canaryWeight", 0).build(),
                at(12, AuditAction.COMPLETE).after("PROMOTED").build());
    }

    private static List<AuditEvent> rolledBack() {
        return List.of(
                at(0, AuditAction.START).resource("deployment/demo/web").after("web:3.0 <script>alert(1)</script>")
                        .build(),
                at(1, AuditAction.WEIGHT).change("stable 100, canary 0", "stable 90, canary 10")
                        .detail("canaryWeight", 10).build(),
                at(8, AuditAction.MEASUREMENT).resource("metric error-ratio").after("[0.15] Failed")
                        .detail("metric", "error-ratio").detail("value", "[0.15]").detail("phase", "Failed")
                        .detail("threshold", "0.05").build(),
                at(8, AuditAction.VERDICT).resource("analysis canary").after("Failed").build(),
                at(8, AuditAction.ROLLBACK).resource("virtualservice/demo/web route primary")
                        .change("stable 90, canary 10", "stable 100, canary 0").reason("ok").detail("change", "weight")
                        .detail("canaryWeight", 0).build(),
                at(13, AuditAction.ROLLBACK).resource("deployment/demo/web-canary").change("replicas 1", "replicas 0")
                        .reason("ok").detail("change", "scale").build(),
                at(13, AuditAction.COMPLETE).after("ROLLED_BACK").build());
    }

    @Test
    void writesOneSelfContainedPageWithAChartAndEveryEventPerRollout(@TempDir Path dir) throws Exception {
        Path json = ReportFiles.writeAuditJson(dir.resolve("02-bad.audit.json"), rolledBack());
        Path html = ReportFiles.writeHtml(dir.resolve("report.html"), "Progressive Delivery demo", "Two canaries.",
                List.of(new HtmlReport.Section("Canary of web:2.0", "PROMOTED", "PROMOTED", "all steps done",
                                promoted(), "01-good.audit.json"),
                        new HtmlReport.Section("Canary of web:3.0", "ROLLED_BACK", "ROLLED_BACK",
                                "analysis canary Failed", rolledBack(), "02-bad.audit.json")),
                T0.plusSeconds(60));

        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<title>Progressive Delivery demo</title>")
                .contains("Canary of web:2.0").contains("Canary of web:3.0")
                .contains("<span class=\"badge good\">promoted</span>")
                .contains("<span class=\"badge bad\">rolled back</span>")
                .contains("<a href=\"02-bad.audit.json\">");
        assertThat(Pattern.compile("<svg ").matcher(page).results().count()).isEqualTo(2);
        assertThat(Pattern.compile("<tr class=").matcher(page).results().count())
                .isEqualTo(promoted().size() + rolledBack().size());
        // Event text is data, never markup; the page has no script and loads nothing.
        assertThat(page).doesNotContain("<script").contains("web:3.0 &lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("src=");
        assertThat(page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http://")
                .doesNotContain("https://");
        assertThat(page).contains("stable 90, canary 10 &rarr; stable 100, canary 0");

        assertThat(AuditTrail.fromJson(Files.readString(json))).isEqualTo(rolledBack());
    }

    @Test
    void saysWhenAnOutcomeIsNotTheExpectedOne() {
        String page = HtmlReport.render("demo", null, List.of(new HtmlReport.Section("Canary of web:3.0",
                "PROMOTED", "ROLLED_BACK", "all steps done", promoted(), null)), T0);

        assertThat(page).contains("<strong>Not as expected</strong> (expected rolled back)")
                .contains("badge unexpected");
    }
}
