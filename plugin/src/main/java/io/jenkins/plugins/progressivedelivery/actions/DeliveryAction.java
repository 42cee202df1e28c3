package io.jenkins.plugins.progressivedelivery.actions;

import hudson.model.Item;
import hudson.model.Run;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.audit.TimelineChart;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * The record of one {@code canaryRollout}, {@code blueGreenSwitch} or {@code analysisGate} on a build: what was
 * deployed where, the verdict, who promoted or aborted, every rollback action, and the full event timeline with a
 * chart. Build history is thus the deploy history. While a rollout waits for promotion it also carries the Promote /
 * Abort buttons.
 *
 * <p>Persisted in build.xml with JDK types only: the events as the engine's audit JSON.
 */
public final class DeliveryAction implements RunAction2 {
    /** The live execution, when one is running in this JVM; null after it ended or before it resumed. */
    public interface Gate {
        boolean awaitingPromotion();

        boolean promote(String actor);

        boolean abort(String actor, String reason);
    }

    private final String id;
    private final String kind;
    private final String title;
    private String target;
    private String status;
    private String verdict;
    private Integer finalWeight;
    private String message;
    private String eventsJson = "[]";
    /** Who may Promote or Abort ({@code approvers:}); null: anyone with Job/Build or Job/Cancel. */
    private String approvers;
    /** What people wrote when they promoted or aborted, one line each: time, action, who, text. */
    private List<String> comments;
    /**
     * The image production ran before this rollout, from the engine's preflight; null in records written before the
     * field existed (their rows fall back to reading the events) and until the preflight has run.
     */
    private String fromImage;

    private transient List<AuditEvent> events;
    private transient volatile Gate gate;
    private transient Run<?, ?> run;

    /**
     * @param id    unique among this build's records; the URL is {@code progressive-delivery-<id>}
     * @param kind  the step: {@code canaryRollout}, {@code blueGreenSwitch} or {@code analysisGate}
     * @param title what it is about, e.g. {@code demo/web: nginx:1.27}
     */
    public DeliveryAction(String id, String kind, String title) {
        this.id = id;
        this.kind = kind;
        this.title = title;
    }

    /** Guards id allocation: the steps of a {@code parallel} add their records from different threads. */
    private static final Object IDS = new Object();

    /** The next free record id on {@code run}. */
    public static String nextId(Run<?, ?> run) {
        return Integer.toString(run.getActions(DeliveryAction.class).size() + 1);
    }

    /**
     * Adds a new record to {@code run} under the next free id, atomically, so that two branches of a {@code parallel}
     * never share an id (and so a URL, a Promote button, a record to resume into).
     */
    public static DeliveryAction addTo(Run<?, ?> run, String kind, String title) {
        synchronized (IDS) {
            DeliveryAction action = new DeliveryAction(nextId(run), kind, title);
            run.addAction(action);
            return action;
        }
    }

    /** The record with {@code id} on {@code run}, or null. */
    public static DeliveryAction find(Run<?, ?> run, String id) {
        for (DeliveryAction action : run.getActions(DeliveryAction.class)) {
            if (action.id.equals(id)) {
                return action;
            }
        }
        return null;
    }

    // ---- recording (called by the step execution) ----------------------------------------------------------------

    public synchronized void record(AuditEvent event) {
        List<AuditEvent> all = new ArrayList<>(getEvents());
        all.add(event);
        events = Collections.unmodifiableList(all);
        eventsJson = AuditTrail.toJson(all);
        if (fromImage == null) {
            fromImage = event.details().get(FROM_IMAGE);
        }
    }

    /** The engine's preflight event detail naming the image production ran before the rollout. */
    static final String FROM_IMAGE = "fromImage";

    public synchronized void setTarget(String target) {
        this.target = target;
    }

    public synchronized void setStatus(String status) {
        this.status = status;
    }

    public synchronized void complete(String verdict, Integer finalWeight, String message) {
        this.verdict = verdict;
        this.finalWeight = finalWeight;
        this.message = message;
        this.status = verdict;
    }

    public synchronized void setApprovers(String approvers) {
        this.approvers = approvers == null || approvers.isBlank() ? null : approvers.trim();
    }

    public synchronized String getApprovers() {
        return approvers;
    }

    /** The image production ran before; null when the record does not say (see {@link #fromImage}). */
    public synchronized String getFromImage() {
        return fromImage;
    }

    public synchronized List<String> getComments() {
        return comments == null ? List.of() : List.copyOf(comments);
    }

    private synchronized void comment(String action, String actor, String comment) {
        if (comment == null || comment.isBlank()) {
            return;
        }
        List<String> all = comments == null ? new ArrayList<>() : new ArrayList<>(comments);
        all.add(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " " + action + " by "
                + actor + ": " + comment.strip());
        comments = all;
    }

    public void attach(Gate liveGate) {
        this.gate = liveGate;
    }

    public void detach() {
        this.gate = null;
    }

    // ---- read by the views -------------------------------------------------------------------------------------

    public String getId() {
        return id;
    }

    public String getKind() {
        return kind;
    }

    public String getTitle() {
        return title;
    }

    public synchronized String getTarget() {
        return target;
    }

    public synchronized String getStatus() {
        return status;
    }

    public synchronized String getVerdict() {
        return verdict;
    }

    public synchronized Integer getFinalWeight() {
        return finalWeight;
    }

    public synchronized String getMessage() {
        return message;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    public synchronized List<AuditEvent> getEvents() {
        if (events == null) {
            events = Collections.unmodifiableList(AuditTrail.fromJson(eventsJson == null ? "[]" : eventsJson));
        }
        return events;
    }

    /** Who promoted or aborted, and when: the events a person caused. */
    public List<AuditEvent> getDecisions() {
        return getEvents().stream()
                .filter(e -> e.action() == AuditAction.PROMOTE || e.action() == AuditAction.ABORT)
                .filter(e -> !AuditEvent.ENGINE.equals(e.actor()))
                .collect(Collectors.toList());
    }

    public List<AuditEvent> getRollbackActions() {
        return getEvents().stream().filter(e -> e.action() == AuditAction.ROLLBACK).collect(Collectors.toList());
    }

    /** True while a rollout waits for Promote or Abort (shows the buttons). */
    public boolean isAwaitingPromotion() {
        Gate live = gate;
        return live != null && live.awaitingPromotion();
    }

    public boolean isRunning() {
        return gate != null;
    }

    /** The timeline chart as inline SVG, rendered on the server: the page runs no script (Jenkins' CSP). */
    public String getChartSvg() {
        return TimelineChart.render(getEvents());
    }

    /** The judge steps' scores and per-metric tables, server-rendered HTML; empty without a judge step. */
    public String getJudgeHtml() {
        return io.jenkins.plugins.progressivedelivery.engine.judge.JudgeReport.html(getEvents(),
                "jenkins-table jenkins-table--small");
    }

    public String getJson() {
        return AuditTrail.toJson(getEvents());
    }

    // ---- Action ---------------------------------------------------------------------------------------------------

    @Override
    public String getIconFileName() {
        return "/plugin/progressive-delivery/images/progressive-delivery.svg";
    }

    @Override
    public String getDisplayName() {
        switch (kind) {
            case "analysisGate":
                return "Analysis: " + title;
            case "blueGreenSwitch":
                return "Blue-green: " + title;
            default:
                return "Canary: " + title;
        }
    }

    @Override
    public String getUrlName() {
        return "progressive-delivery-" + id;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    // ---- web methods ------------------------------------------------------------------------------------------------

    /**
     * Ends the pause and continues the rollout. Needs Job/Build, as {@code input}'s Proceed does, or, with
     * {@code approvers:}, to be one of them (as {@code input}'s {@code submitter}). {@code comment} goes into the record.
     */
    @RequirePOST
    public HttpResponse doPromote(@QueryParameter String comment) {
        return promote(Identity.current(), comment);
    }

    /**
     * Aborts the rollout: traffic back to stable (a canary) or to the old colour (blue-green), the new version scaled
     * down. Needs Job/Cancel, as the build's stop does.
     */
    @RequirePOST
    public HttpResponse doAbort(@QueryParameter String comment) {
        return abort(Identity.current(), comment);
    }

    /** The record as JSON: {@code .../progressive-delivery-1/json}. */
    public HttpResponse doJson() {
        String json = getJson();
        return new HttpResponse() {
            @Override
            public void generateResponse(StaplerRequest2 req, StaplerResponse2 rsp, Object node)
                    throws IOException, ServletException {
                rsp.setContentType("application/json;charset=UTF-8");
                rsp.setCharacterEncoding(StandardCharsets.UTF_8.name());
                PrintWriter out = rsp.getWriter();
                out.write(json);
                out.flush();
            }
        };
    }

    HttpResponse promote(String actor) {
        return promote(Identity.named(actor), null);
    }

    HttpResponse promote(Identity who, String comment) {
        checkDecision(who, Item.BUILD, "promote");
        String actor = who.display();
        Gate live = gate;
        if (live == null || !live.awaitingPromotion() || !live.promote(actor)) {
            return HttpResponses.errorWithoutStack(409, "This rollout is not waiting for promotion"
                    + (live == null ? " (it has ended, or is resuming after a restart: try again shortly)" : ""));
        }
        comment("promote", actor, comment);
        saveRun();
        return HttpResponses.redirectTo("..");
    }

    HttpResponse abort(String actor) {
        return abort(Identity.named(actor), null);
    }

    HttpResponse abort(Identity who, String comment) {
        checkDecision(who, Item.CANCEL, "abort");
        String actor = who.display();
        Gate live = gate;
        String reason = "aborted from the build page" + (comment == null || comment.isBlank() ? ""
                : ": " + comment.strip());
        if (live == null || !live.abort(actor, reason)) {
            return HttpResponses.errorWithoutStack(409, "This rollout is not running, or is already rolling back");
        }
        comment("abort", actor, comment);
        saveRun();
        return HttpResponses.redirectTo("..");
    }

    private void saveRun() {
        try {
            run.save();
        } catch (IOException | RuntimeException e) {
            java.util.logging.Logger.getLogger(DeliveryAction.class.getName())
                    .log(java.util.logging.Level.WARNING, "could not save the comment on " + run, e);
        }
    }

    /** With {@code approvers:} only they (and administrators) decide, as with {@code input}'s submitter. */
    private void checkDecision(Identity who, hudson.security.Permission permission, String what) {
        String allowed = getApprovers();
        if (allowed == null) {
            run.checkPermission(permission);
        } else if (!who.isAmong(allowed)) {
            throw new org.springframework.security.access.AccessDeniedException(who.display() + " may not " + what
                    + " this rollout: only " + allowed + " may");
        }
    }

}
