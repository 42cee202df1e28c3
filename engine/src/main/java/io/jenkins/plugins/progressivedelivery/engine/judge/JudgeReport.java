package io.jenkins.plugins.progressivedelivery.engine.judge;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.TimelineChart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A rollout's judgements as HTML, read back from its audit events, for the build page and the CLI's report: per
 * judge step the verdict and score, and a table with one row per metric (classification, p-value, shift estimate and
 * interval, effect size, samples), each with the canary's and the control's series drawn against each other as an
 * inline SVG. Everything is escaped; no script, no style attribute.
 */
public final class JudgeReport {
    private static final int WIDTH = 220;
    private static final int HEIGHT = 44;

    private JudgeReport() {
    }

    /**
     * @param tableClass the CSS class of the tables ({@code jenkins-table} on the build page)
     * @return empty when the events hold no judgement
     */
    public static String html(List<AuditEvent> events, String tableClass) {
        StringBuilder html = new StringBuilder();
        render(html, events, tableClass);
        return html.toString();
    }

    private static void render(StringBuilder html, List<AuditEvent> events, String tableClass) {
        List<AuditEvent> metrics = new ArrayList<>();
        for (AuditEvent e : events) {
            if (e.action() != AuditAction.VERDICT || !e.details().containsKey("judge")) {
                continue;
            }
            if (e.details().containsKey("metric")) {
                metrics.add(e);
                continue;
            }
            Map<String, String> d = e.details();
            html.append("<h3>Judge ").append(esc(d.get("judge"))).append(": ").append(esc(d.get("verdict")))
                    .append(d.containsKey("score") ? ", score " + esc(d.get("score")) + " / 100" : "")
                    .append(" <small>(pass ").append(esc(d.get("pass"))).append(", marginal ")
                    .append(esc(d.get("marginal"))).append(")</small></h3>\n<p>").append(esc(e.reason()))
                    .append("</p>\n");
            if (!metrics.isEmpty()) {
                html.append("<table class=\"").append(esc(tableClass)).append("\">\n<thead><tr><th>metric</th>")
                        .append("<th>classification</th>")
                        .append("<th>p-value</th><th>shift</th><th>interval</th><th>effect size</th>")
                        .append("<th>samples (canary / control)</th><th>canary (red) vs control (blue)</th>")
                        .append("<th>reason</th></tr>")
                        .append("</thead>\n<tbody>\n");
                for (AuditEvent m : metrics) {
                    row(html, m);
                }
                html.append("</tbody>\n</table>\n");
            }
            metrics.clear();
        }
    }

    private static void row(StringBuilder html, AuditEvent m) {
        Map<String, String> d = m.details();
        String classification = d.getOrDefault("classification", "");
        String rowClass = classification.equals("Pass") ? "good" : classification.equals("Nodata") ? "warn" : "bad";
        html.append("<tr class=\"").append(rowClass).append("\"><td>").append(esc(d.get("metric")))
                .append("true".equals(d.get("critical")) ? " (critical)" : "").append("</td><td>")
                .append(esc(classification)).append("</td><td class=\"num\">").append(esc(number(d.get("pValue"))))
                .append("</td><td class=\"num\">").append(esc(number(d.get("estimate"))))
                .append("</td><td class=\"num\">")
                .append(d.containsKey("lower") ? "[" + esc(number(d.get("lower"))) + ", "
                        + esc(number(d.get("upper"))) + "]" : "")
                .append("</td><td class=\"num\">").append(d.containsKey("effectSize")
                        ? esc(d.get("effectSizeMeasure")) + " " + esc(number(d.get("effectSize"))) : "")
                .append("</td><td class=\"num\">").append(esc(d.get("canarySamples"))).append(" / ")
                .append(esc(d.get("controlSamples"))).append("</td><td>")
                .append(sparkline(d.get(JudgeAudit.CANARY_SERIES), d.get(JudgeAudit.CONTROL_SERIES)))
                .append("</td><td>").append(esc(m.reason())).append("</td></tr>\n");
    }

    /** Both series on one scale, the canary in red and the control in blue. */
    static String sparkline(String canary, String control) {
        double[] a = parse(canary);
        double[] b = parse(control);
        if (a.length == 0 && b.length == 0) {
            return "";
        }
        double min = Math.min(Arrays.stream(a).min().orElse(Double.MAX_VALUE),
                Arrays.stream(b).min().orElse(Double.MAX_VALUE));
        double max = Math.max(Arrays.stream(a).max().orElse(-Double.MAX_VALUE),
                Arrays.stream(b).max().orElse(-Double.MAX_VALUE));
        double span = max > min ? max - min : 1;
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH
                + "\" height=\"" + HEIGHT + "\" viewBox=\"0 0 " + WIDTH + " " + HEIGHT + "\"><title>")
                .append(esc(format(min))).append(" .. ").append(esc(format(max))).append("</title>");
        svg.append(line(b, min, span, "#0969da")).append(line(a, min, span, "#cf222e")).append("</svg>");
        return svg.toString();
    }

    private static String line(double[] values, double min, double span, String colour) {
        if (values.length == 0) {
            return "";
        }
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            double x = values.length == 1 ? WIDTH / 2.0 : 2 + i * (WIDTH - 4.0) / (values.length - 1);
            double y = HEIGHT - 3 - (values[i] - min) / span * (HEIGHT - 6);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.5\" points=\""
                + points.toString().trim() + "\"/>";
    }

    private static double[] parse(String series) {
        if (series == null || series.isBlank()) {
            return new double[0];
        }
        return Arrays.stream(series.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static String number(String value) {
        if (value == null) {
            return "";
        }
        try {
            return format(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return value;
        }
    }

    private static String format(double value) {
        if (value != 0 && Math.abs(value) < 1e-3) {
            return String.format(Locale.ROOT, "%.2e", value);
        }
        return String.format(Locale.ROOT, "%.4g", value).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    private static String esc(String text) {
        return TimelineChart.escape(text == null ? "" : text);
    }
}
