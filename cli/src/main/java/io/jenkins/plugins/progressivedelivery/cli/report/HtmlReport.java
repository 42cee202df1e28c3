package io.jenkins.plugins.progressivedelivery.cli.report;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.TimelineChart;
import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeReport;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One self-contained HTML page for one or more rollouts: per rollout its outcome, the {@link TimelineChart} and
 * every audit event in a table. No script and no external resource, so it opens from disk anywhere and can be
 * archived as a build artifact.
 */
public final class HtmlReport {

    /**
     * One rollout in the report.
     *
     * @param title     e.g. {@code Canary of web:2.0}
     * @param outcome   how it ended, e.g. {@code PROMOTED}
     * @param expected  what was expected, or null when nothing was ({@code run}); shown next to the outcome
     * @param message   the runner's explanation of the outcome
     * @param events    its audit trail
     * @param auditFile the name of the JSON file holding the same events, or null
     */
    public record Section(String title, String outcome, String expected, String message, List<AuditEvent> events,
                          String auditFile) {
        public Section {
            events = List.copyOf(events);
        }

        public boolean asExpected() {
            return expected == null || expected.equalsIgnoreCase(outcome);
        }
    }

    private HtmlReport() {
    }

    public static String render(String title, String intro, List<Section> sections, Instant generatedAt) {
        StringBuilder html = new StringBuilder(64_000);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        html.append("<header><h1>").append(escape(title)).append("</h1>");
        if (intro != null && !intro.isEmpty()) {
            html.append("<p class=\"intro\">").append(escape(intro)).append("</p>");
        }
        html.append("<p class=\"meta\">Generated ").append(escape(generatedAt.truncatedTo(ChronoUnit.SECONDS)
                .toString())).append(" &middot; ").append(sections.size())
                .append(sections.size() == 1 ? " rollout" : " rollouts").append("</p>");
        if (sections.size() > 1) {
            html.append("<ol class=\"toc\">");
            for (int i = 0; i < sections.size(); i++) {
                Section s = sections.get(i);
                html.append("<li><a href=\"#rollout-").append(i + 1).append("\">").append(escape(s.title()))
                        .append("</a> ").append(badge(s)).append("</li>");
            }
            html.append("</ol>");
        }
        html.append("</header>\n");
        for (int i = 0; i < sections.size(); i++) {
            section(html, i + 1, sections.get(i));
        }
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void section(StringBuilder html, int number, Section s) {
        html.append("<section id=\"rollout-").append(number).append("\">\n<h2>").append(number).append(". ")
                .append(escape(s.title())).append(' ').append(badge(s)).append("</h2>\n");
        html.append("<p class=\"outcome\">");
        if (s.expected() != null) {
            html.append(s.asExpected() ? "As expected: " : "<strong>Not as expected</strong> (expected ")
                    .append(s.asExpected() ? "" : escape(s.expected().toLowerCase(Locale.ROOT).replace('_', ' '))
                            + "): ");
        }
        html.append(escape(s.message() == null ? "" : s.message()));
        Duration took = took(s.events());
        if (took != null) {
            html.append(" &middot; took ").append(took.toSeconds()).append(" s");
        }
        if (s.auditFile() != null) {
            html.append(" &middot; audit trail: <a href=\"").append(escape(s.auditFile())).append("\">")
                    .append(escape(s.auditFile())).append("</a>");
        }
        html.append("</p>\n<figure class=\"chart\">").append(TimelineChart.render(s.events())).append("</figure>\n");
        html.append(JudgeReport.html(s.events(), "judge"));
        eventTable(html, s.events());
        html.append("</section>\n");
    }

    private static void eventTable(StringBuilder html, List<AuditEvent> events) {
        html.append("<details open><summary>").append(events.size()).append(" events</summary>\n")
                .append("<table>\n<thead><tr><th>+time</th><th>time (UTC)</th><th>action</th><th>resource</th>")
                .append("<th>change</th><th>reason</th><th>by</th><th>details</th></tr></thead>\n<tbody>\n");
        Instant start = events.isEmpty() ? Instant.EPOCH : events.get(0).time();
        for (AuditEvent e : events) {
            html.append("<tr class=\"").append(rowClass(e)).append("\"><td class=\"num\">")
                    .append(escape(relative(Duration.between(start, e.time())))).append("</td><td class=\"time\">")
                    .append(escape(e.time().truncatedTo(ChronoUnit.MILLIS).toString())).append("</td><td>")
                    .append(escape(e.action().id())).append("</td><td>").append(escape(nonNull(e.resource())))
                    .append("</td><td>").append(change(e)).append("</td><td>").append(escape(nonNull(e.reason())))
                    .append("</td><td>").append(escape(e.actor())).append("</td><td class=\"details\">")
                    .append(details(e.details())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</details>\n");
    }

    private static String change(AuditEvent e) {
        if (e.before() != null && !e.before().isEmpty()) {
            return escape(e.before()) + " &rarr; " + escape(nonNull(e.after()));
        }
        return escape(nonNull(e.after()));
    }

    private static String details(Map<String, String> details) {
        return details.entrySet().stream()
                .map(d -> "<span><b>" + escape(d.getKey()) + "</b>=" + escape(d.getValue()) + "</span>")
                .collect(Collectors.joining(" "));
    }

    private static String rowClass(AuditEvent e) {
        AuditAction a = e.action();
        if (a == AuditAction.ROLLBACK || a == AuditAction.ABORT) {
            return "bad";
        }
        if (a == AuditAction.VERDICT || a == AuditAction.MEASUREMENT) {
            String phase = e.details().getOrDefault("phase", nonNull(e.after())).toLowerCase(Locale.ROOT);
            return phase.contains("fail") ? "bad" : phase.contains("success") ? "good"
                    : phase.contains("inconclusive") || phase.contains("error") ? "warn" : "";
        }
        if (a == AuditAction.PROMOTE) {
            return "good";
        }
        if (a == AuditAction.COMPLETE) {
            String after = nonNull(e.after()).toLowerCase(Locale.ROOT);
            return after.contains("promot") ? "good" : "bad";
        }
        return a == AuditAction.WEIGHT ? "weight" : "";
    }

    private static String badge(Section s) {
        String outcome = s.outcome() == null ? "unknown" : s.outcome();
        String kind = outcome.toLowerCase(Locale.ROOT).contains("promot") ? "good" : "bad";
        return "<span class=\"badge " + kind + "\">" + escape(outcome.toLowerCase(Locale.ROOT).replace('_', ' '))
                + "</span>" + (s.asExpected() ? "" : " <span class=\"badge unexpected\">unexpected</span>");
    }

    private static Duration took(List<AuditEvent> events) {
        return events.size() < 2 ? null
                : Duration.between(events.get(0).time(), events.get(events.size() - 1).time());
    }

    static String relative(Duration d) {
        long millis = d.toMillis();
        return String.format(Locale.ROOT, "+%d:%02d.%d", millis / 60_000, millis / 1000 % 60, millis / 100 % 10);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    static String escape(String text) {
        return TimelineChart.escape(text);
    }

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;
                   color: #24292f; margin: 24px auto; max-width: 1180px; padding: 0 16px; line-height: 1.45; }
            h1 { font-size: 24px; margin: 0 0 6px; }
            h2 { font-size: 19px; margin: 32px 0 6px; border-bottom: 1px solid #d8dee4; padding-bottom: 6px; }
            .intro { margin: 4px 0; }
            .meta { color: #57606a; font-size: 13px; margin: 4px 0; }
            .toc { margin: 8px 0 0; padding-left: 20px; }
            .outcome { margin: 6px 0 10px; }
            .badge { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 10px;
                     padding: 1px 9px; vertical-align: middle; }
            .badge.good { background: #dafbe1; color: #1a7f37; border: 1px solid #1a7f37; }
            .badge.bad { background: #ffebe9; color: #cf222e; border: 1px solid #cf222e; }
            .badge.unexpected { background: #fff8c5; color: #7d4e00; border: 1px solid #bf8700; }
            figure.chart { margin: 0 0 12px; border: 1px solid #d8dee4; border-radius: 6px; padding: 8px;
                           overflow-x: auto; }
            figure.chart svg { width: 100%; max-width: 1100px; height: auto; display: block; }
            details summary { cursor: pointer; color: #57606a; margin: 6px 0; }
            table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
            th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid #eaeef2; }
            th { background: #f6f8fa; position: sticky; top: 0; }
            td.num, td.time { white-space: nowrap; font-variant-numeric: tabular-nums; color: #57606a; }
            td.details { color: #57606a; font-size: 11.5px; max-width: 340px; }
            td.details span { display: inline-block; margin-right: 6px; }
            tr.bad td { background: #fff5f5; }
            tr.good td { background: #f3fcf5; }
            tr.warn td { background: #fffbea; }
            tr.weight td { background: #f1f6fe; }
            h3 { font-size: 15px; margin: 14px 0 4px; }
            table.judge { margin-bottom: 12px; }
            """;
}
