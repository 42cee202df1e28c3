package io.jenkins.plugins.progressivedelivery.engine.doctor;

import io.jenkins.plugins.progressivedelivery.engine.plan.DoctorSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the doctor found for one plan, in a stable order (severity, then the order of the checks, then object and
 * field), so that two runs against the same cluster print the same text.
 *
 * @param subject         what was examined, {@code canary of shop/checkout}
 * @param findings        in the stable order
 * @param preStopSeconds  the preStop sleep the pods have, or null: what a drain window defaults to
 */
public record DoctorReport(String subject, List<Finding> findings, Integer preStopSeconds) implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity)
            .thenComparing(f -> DoctorSpec.CHECKS.indexOf(f.check()))
            .thenComparing(Finding::object).thenComparing(Finding::field);

    public DoctorReport {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(ORDER);
        findings = List.copyOf(sorted);
    }

    /**
     * The plan's wishes applied: skipped checks removed, the warnings of required checks made errors.
     */
    public DoctorReport judged(DoctorSpec spec) {
        List<Finding> kept = new ArrayList<>();
        for (Finding finding : findings) {
            if (spec.isSkipped(finding.check())) {
                continue;
            }
            kept.add(finding.severity() == Severity.WARNING && spec.isRequired(finding.check())
                    ? finding.withSeverity(Severity.ERROR) : finding);
        }
        return new DoctorReport(subject, kept, preStopSeconds);
    }

    /** This report and {@code more} findings (the traffic-volume check's, which come from Prometheus). */
    public DoctorReport with(List<Finding> more) {
        List<Finding> all = new ArrayList<>(findings);
        all.addAll(more);
        return new DoctorReport(subject, all, preStopSeconds);
    }

    public long count(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }

    /** A required check failed: the rollout must not start. */
    public boolean blocking() {
        return count(Severity.ERROR) > 0;
    }

    /** {@code 1 error, 2 warnings, 1 note} or {@code no findings}. */
    public String summary() {
        if (findings.isEmpty()) {
            return "no findings";
        }
        List<String> parts = new ArrayList<>();
        for (Severity severity : Severity.values()) {
            long n = count(severity);
            if (n > 0) {
                parts.add(n + " " + severity.id() + (n == 1 ? "" : "s"));
            }
        }
        return String.join(", ", parts);
    }

    /**
     * The report as plain text a user can paste into a ticket: a heading, a table with one row per finding, then
     * each finding with why it matters and its fix.
     */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("Doctor: ").append(subject).append(": ").append(summary()).append('\n');
        if (findings.isEmpty()) {
            return out.toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "SEVERITY", "CHECK", "OBJECT", "FIELD"});
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            rows.add(new String[] {String.valueOf(i + 1), f.severity().id().toUpperCase(java.util.Locale.ROOT),
                f.check(), f.object(), f.field()});
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                line.append(c == row.length - 1 ? row[c] : pad(row[c], widths[c] + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            out.append('\n').append(i + 1).append(". ").append(f.check()).append(" (")
                    .append(f.severity().id()).append("): ").append(f.problem()).append('\n');
            out.append("   Why: ").append(f.why()).append('\n');
            if (f.fix() != null && !f.fix().isBlank()) {
                out.append("   Fix (").append(f.object()).append(", ").append(f.field()).append("):\n");
                f.fix().lines().forEach(line -> out.append("     ").append(line).append('\n'));
            }
        }
        return out.toString();
    }

    /** For Groovy and JSON: JDK types only. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("subject", subject);
        map.put("ok", !blocking());
        map.put("errors", (int) count(Severity.ERROR));
        map.put("warnings", (int) count(Severity.WARNING));
        map.put("notes", (int) count(Severity.NOTE));
        map.put("preStopSeconds", preStopSeconds);
        List<Object> list = new ArrayList<>();
        findings.forEach(f -> list.add(f.toMap()));
        map.put("findings", list);
        return map;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
