package io.jenkins.plugins.progressivedelivery.actions;

import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorPreflight;
import io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport;
import io.jenkins.plugins.progressivedelivery.engine.doctor.Finding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jenkins.model.RunAction2;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;

/**
 * What the doctor found, as a section on the build page: one per {@code deliveryDoctor} step or rollout preflight.
 * Persisted in build.xml with plain fields only (no engine records: XStream writes them field by field).
 */
public final class DoctorAction implements RunAction2 {
    private final String subject;
    private final String summary;
    private final String report;
    private final boolean blocking;
    private final List<Row> rows;

    private transient Run<?, ?> run;

    /** One finding, as the page shows it. */
    public static final class Row {
        private final String severity;
        private final String check;
        private final String object;
        private final String field;
        private final String problem;
        private final String fix;

        Row(Finding finding) {
            this.severity = finding.severity().id();
            this.check = finding.check();
            this.object = finding.object();
            this.field = finding.field();
            this.problem = finding.problem();
            this.fix = finding.fix();
        }

        public String getSeverity() {
            return severity;
        }

        public String getCheck() {
            return check;
        }

        public String getObject() {
            return object;
        }

        public String getField() {
            return field;
        }

        public String getProblem() {
            return problem;
        }

        public String getFix() {
            return fix;
        }
    }

    public DoctorAction(DoctorReport report) {
        this.subject = report.subject();
        this.summary = report.summary();
        this.report = report.text();
        this.blocking = report.blocking();
        List<Row> list = new ArrayList<>();
        report.findings().forEach(f -> list.add(new Row(f)));
        this.rows = list;
    }

    /** From the summary event of a rollout's preflight doctor: the table as text, without rows of its own. */
    private DoctorAction(String subject, String summary, String report, boolean blocking) {
        this.subject = subject;
        this.summary = summary;
        this.report = report;
        this.blocking = blocking;
        this.rows = new ArrayList<>();
    }

    /**
     * For {@code canaryRollout} and {@code blueGreenSwitch}: when their preflight doctor's summary event arrives,
     * the report goes to the log and the build page, and warnings turn the stage yellow.
     *
     * @return whether {@code event} was such a summary
     */
    public static boolean onRolloutEvent(AuditEvent event, Run<?, ?> run, TaskListener listener,
                                         java.util.function.Supplier<FlowNode> node) {
        String text = event.action() == AuditAction.DOCTOR ? event.details().get(DoctorPreflight.REPORT_DETAIL)
                : null;
        if (text == null) {
            return false;
        }
        boolean blocking = !"0".equals(event.details().getOrDefault("errors", "0"));
        boolean warnings = !"0".equals(event.details().getOrDefault("warnings", "0"));
        if (warnings || blocking) {
            text.lines().forEach(line -> listener.getLogger().println("[progressive-delivery]     " + line));
            FlowNode flowNode = node.get();
            if (flowNode != null) {
                flowNode.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage("delivery doctor: "
                        + event.after()));
            }
        }
        run.addAction(new DoctorAction(event.resource(), event.after(), text, blocking));
        return true;
    }

    /** Adds the report to the build's page. */
    public static DoctorAction addTo(Run<?, ?> run, DoctorReport report) {
        DoctorAction action = new DoctorAction(report);
        run.addAction(action);
        return action;
    }

    public String getSubject() {
        return subject;
    }

    public String getSummary() {
        return summary;
    }

    /** The whole report as text, as the log has it, for a ticket. */
    public String getReport() {
        return report;
    }

    public boolean isBlocking() {
        return blocking;
    }

    public List<Row> getRows() {
        return rows == null ? List.of() : Collections.unmodifiableList(rows);
    }

    @Override
    public String getIconFileName() {
        return null; // a section of the build page, not a page of its own
    }

    @Override
    public String getDisplayName() {
        return "Delivery doctor";
    }

    @Override
    public String getUrlName() {
        return null;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        run = r;
    }
}
