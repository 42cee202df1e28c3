package io.jenkins.plugins.progressivedelivery.engine.doctor;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The doctor as a step of a rollout's preflight: its findings become audit events (one per finding and a summary
 * carrying the whole table), warnings never stop the rollout, errors (required checks) stop it before the first
 * write. The doctor itself failing is a note, not a failed rollout: it advises, the preflight decides.
 */
public final class DoctorPreflight {
    /** The summary event's detail holding {@link DoctorReport#text()}. */
    public static final String REPORT_DETAIL = "report";

    private DoctorPreflight() {
    }

    /**
     * Blocking I/O, for the runner's I/O executor: the cluster part (read where the cluster calls run) and the
     * traffic volume from Prometheus.
     */
    public static DoctorReport examine(Supplier<DoctorReport> cluster, DeliveryPlan plan, MeasurementSource metrics,
                                       Instant at) {
        DoctorReport report;
        try {
            report = cluster.get();
        } catch (RuntimeException e) {
            if (e instanceof io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException c
                    && c.isTransient()) {
                throw e; // the runner retries it
            }
            report = new DoctorReport("the plan's workloads", List.of(new Finding("doctor", Severity.NOTE,
                    "plan", "target", "the doctor could not read the workloads: " + e.getMessage(),
                    "its checks did not run; the rollout goes on without them", null)), null);
        }
        if (report == null) {
            return null;
        }
        return report.with(TrafficVolume.check(plan, metrics, at)).judged(plan.effectiveDoctor());
    }

    /** The events for the audit trail: each finding, then the summary with the whole report as text. */
    public static List<AuditEvent.Builder> events(DoctorReport report, Function<AuditAction, AuditEvent.Builder> at) {
        List<AuditEvent.Builder> events = new ArrayList<>();
        for (Finding finding : report.findings()) {
            events.add(at.apply(AuditAction.DOCTOR).resource(finding.object())
                    .after(finding.severity().id() + " " + finding.check() + ": " + finding.problem())
                    .reason(finding.field())
                    .detail("check", finding.check()).detail("severity", finding.severity().id()));
        }
        events.add(at.apply(AuditAction.DOCTOR).resource(report.subject().replaceFirst("^.* of ", ""))
                .after(report.summary())
                .reason(report.blocking() ? "required checks failed: nothing will be changed" : null)
                .detail("errors", report.count(Severity.ERROR))
                .detail("warnings", report.count(Severity.WARNING))
                .detail("notes", report.count(Severity.NOTE))
                .detail(REPORT_DETAIL, report.text()));
        return events;
    }

    /** Why the rollout did not start, for its result. */
    public static String blockedMessage(DoctorReport report) {
        StringBuilder out = new StringBuilder("the doctor's required checks failed (nothing was changed):");
        report.findings().stream().filter(f -> f.severity() == Severity.ERROR).forEach(f -> out.append("\n  - ")
                .append(f.check()).append(" ").append(f.object()).append(" ").append(f.field()).append(": ")
                .append(f.problem()));
        return out.toString();
    }
}
