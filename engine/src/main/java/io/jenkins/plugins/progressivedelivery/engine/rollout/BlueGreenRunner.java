package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.BuiltinThresholds;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Moves a blue-green switch through its plan, as {@link CanaryRunner} moves a canary: a state machine driven by a
 * {@link Scheduler}, so that waiting (readiness, the promotion gate, the scale-down delays) holds no thread, with
 * cluster and metric calls on the {@code io} executor one at a time, every transition under this object's lock and
 * reported as an {@link AuditEvent}.
 *
 * <p>The new version is deployed as the idle colour, must be ready, gets the preview Service, passes the
 * pre-promotion analysis, waits for a person or {@code autoPromotionSeconds}, is scaled to full size, and takes
 * production traffic in one write. It then passes the post-promotion analysis while the old colour stays at full
 * size, and {@code scaleDownDelaySeconds} after the switch (never before that analysis passed) the old colour is
 * scaled to zero: {@link RolloutPhase#PROMOTED}.
 *
 * <p>A failure, a Failed or Error analysis, or {@link #abort} before the old colour is scaled down leaves production
 * on the old colour: if traffic had been switched it is switched back in one write ({@link RolloutPhase#ROLLED_BACK}
 * or {@link RolloutPhase#ABORTED}), otherwise production was never touched. After
 * {@code abortScaleDownDelaySeconds} the preview goes back to the old colour and the new one is scaled to zero. A
 * call in flight when an abort arrives is allowed to finish first, so a switch can never land after the switch back.
 */
public final class BlueGreenRunner implements Rollout {
    private final BlueGreenPlan plan;
    private final Map<String, String> analysisArgs;
    private final BlueGreenCluster cluster;
    private final MeasurementSource metrics;
    /** The preStop sleep the doctor found in preflight; not persisted (after a restart: drainSeconds or none). */
    private Integer preStopSeconds;
    /** The hooks of the phase in progress, whose Job an abort deletes. */
    private PhaseHooks runningHooks;
    private final RunnerCore core;
    private final Consumer<RolloutResult> onComplete;

    private RolloutPhase phase;
    private BlueGreenStage stage;
    private Colour newColour;
    private Colour activeColour;
    private int fullReplicas;
    private Instant switchedAt;
    private Instant dueAt;
    private Instant deadline;
    private final List<AnalysisResult> analyses = new ArrayList<>();
    private String rollbackReason;
    private String rollbackActor;
    private boolean abortedByUser;
    private boolean awaitingPromotion;
    private String message;
    private Instant rollbackStartedAt;
    private boolean adopted;

    private BlueGreenRunner(BlueGreenState state, BlueGreenCluster cluster, MeasurementSource metrics,
                            Scheduler scheduler, Executor io, AuditListener audit,
                            Consumer<RolloutResult> onComplete) {
        this.plan = Objects.requireNonNull(state.plan(), "plan");
        this.analysisArgs = state.analysisArgs();
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.metrics = metrics;
        this.onComplete = Objects.requireNonNull(onComplete, "onComplete");
        this.phase = state.phase();
        this.stage = state.stage();
        this.newColour = state.newColour();
        this.activeColour = state.activeColour();
        this.fullReplicas = state.fullReplicas();
        this.switchedAt = state.switchedAt();
        this.dueAt = state.dueAt();
        this.deadline = state.deadline();
        this.analyses.addAll(state.analyses());
        this.rollbackReason = state.rollbackReason();
        this.rollbackActor = state.rollbackActor();
        this.abortedByUser = state.abortedByUser();
        this.awaitingPromotion = state.awaitingPromotion();
        this.message = state.message();
        this.rollbackStartedAt = state.rollbackStartedAt();
        this.adopted = state.adopted();
        this.core = new RunnerCore(this, new RunnerCore.Machine() {
            @Override
            public boolean ended() {
                return stage == BlueGreenStage.DONE;
            }

            @Override
            public boolean rollingBack() {
                return stage.rollingBack();
            }

            @Override
            public void callFailed(String what, Exception failure) {
                failed(what, failure);
            }

            @Override
            public void abortNow(String actor, String reason) {
                startRollback(reason, actor, true);
            }

            @Override
            public String retryResource() {
                return stageResource();
            }

            @Override
            public boolean trafficUnsafe() {
                return stage == BlueGreenStage.ROLLBACK_SWITCH || stage == BlueGreenStage.ROLLBACK_WARM_OLD
                        || stage == BlueGreenStage.ROLLBACK_AWAIT_OLD;
            }

            @Override
            public Instant rollbackDeadline() {
                return rollbackStartedAt == null || plan.rollbackTimeout() == null ? null
                        : rollbackStartedAt.plus(plan.rollbackTimeout());
            }

            @Override
            public java.time.Duration rollbackTimeout() {
                return plan.rollbackTimeout();
            }
        }, metrics, scheduler, io, audit, state.attempt(), state.analysis());
        this.core.restoreRetry(state.failingSince(), state.trouble());
    }

    /**
     * Starts a blue-green switch of a validated plan and returns at once; {@code onComplete} is called exactly once.
     *
     * @param analysisArgs values for the analyses' {@code {{args.name}}}, overriding their defaults
     * @throws InvalidPlanException when an analysis argument has no value or an unsafe one; nothing was touched
     */
    public static BlueGreenRunner start(BlueGreenPlan plan, Map<String, String> analysisArgs,
                                        BlueGreenCluster cluster, MeasurementSource metrics, Scheduler scheduler,
                                        Executor io, AuditListener audit, Consumer<RolloutResult> onComplete) {
        RunnerCore.checkArguments(analysesByPath(plan), analysisArgs, "prePromotionAnalysis or"
                + " postPromotionAnalysis");
        BlueGreenState initial = new BlueGreenState(plan, analysisArgs, RolloutPhase.PROGRESSING,
                BlueGreenStage.PREFLIGHT, null, null, 0, null, null, null, 0, null, List.of(), null, null, false,
                false, null);
        BlueGreenRunner runner = new BlueGreenRunner(initial, cluster, metrics, scheduler, io, audit, onComplete);
        synchronized (runner) {
            runner.core.emit(runner.core.event(AuditAction.START).resource(runner.routeResource())
                    .after("blue-green: " + plan.target().container() + " -> " + plan.target().image()
                            + " on the idle colour, then " + runner.promotionMode())
                    .detail("image", plan.target().image()));
            runner.enter(BlueGreenStage.PREFLIGHT);
        }
        return runner;
    }

    /**
     * Continues a switch from {@link #snapshot()} after its process went away. The idempotent cluster call of the
     * stage it was in is issued again, timers are re-armed from their persisted due times (one already past fires
     * at once), a running analysis resumes, and a wait for promote keeps waiting.
     */
    public static BlueGreenRunner resume(BlueGreenState state, BlueGreenCluster cluster, MeasurementSource metrics,
                                         Scheduler scheduler, Executor io, AuditListener audit,
                                         Consumer<RolloutResult> onComplete) {
        return resume(state, cluster, metrics, scheduler, io, audit, onComplete, ResumeReason.RESTART);
    }

    /**
     * As {@link #resume(BlueGreenState, BlueGreenCluster, MeasurementSource, Scheduler, Executor, AuditListener, Consumer)},
     * with why it resumes, for the {@code [start] ... resumed ...} line (a restart, or a hand-over).
     */
    public static BlueGreenRunner resume(BlueGreenState state, BlueGreenCluster cluster, MeasurementSource metrics,
                                         Scheduler scheduler, Executor io, AuditListener audit,
                                         Consumer<RolloutResult> onComplete, ResumeReason reason) {
        BlueGreenRunner runner = new BlueGreenRunner(state, cluster, metrics, scheduler, io, audit, onComplete);
        synchronized (runner) {
            if (state.phase().completed()) {
                runner.stage = BlueGreenStage.DONE;
                onComplete.accept(runner.result());
                return runner;
            }
            runner.core.emit(runner.core.event(AuditAction.START).resource(runner.routeResource())
                    .after("resumed at " + runner.stageLabel() + (runner.activeColour == null ? ""
                            : ", production on " + runner.activeColour))
                    .reason(reason.text()));
            runner.reenter();
        }
        return runner;
    }

    /**
     * Promotes: at the promotion gate, switches production to the new colour (without waiting for
     * {@code autoPromotionSeconds}); after an Inconclusive post-promotion analysis, keeps it there.
     *
     * @return false when the switch is not waiting for promotion
     */
    @Override
    public synchronized boolean promote(String actor) {
        if (phase.completed() || (stage != BlueGreenStage.AWAIT_PROMOTION
                && stage != BlueGreenStage.AWAIT_CONFIRMATION)) {
            return false;
        }
        boolean switched = stage == BlueGreenStage.AWAIT_CONFIRMATION;
        core.emit(core.event(AuditAction.PROMOTE).actor(actor).resource(routeResource())
                .after(switched ? "keep production on " + newColour : "switch production to " + newColour));
        awaitingPromotion = false;
        phase = RolloutPhase.PROGRESSING;
        if (switched) {
            waitForScaleDown();
        } else {
            promoteNewColour();
        }
        return true;
    }

    /**
     * Aborts: production goes back to (or stays on) the old colour. A cluster call in flight finishes first; the
     * rollback follows it.
     *
     * @return false when the switch has ended, is already rolling back, or is scaling the old colour down (the new
     *         colour is then the only one at full size)
     */
    @Override
    public synchronized boolean abort(String actor, String reason) {
        if (phase.completed() || stage.rollingBack() || stage == BlueGreenStage.SCALE_DOWN_OLD
                || core.abortPending()) {
            return false;
        }
        core.emit(core.event(AuditAction.ABORT).actor(actor).resource(routeResource())
                .after("at " + stageLabel() + (activeColour == null ? "" : ", production on " + activeColour))
                .reason(reason));
        if (!core.deferAbort(actor, reason)) {
            startRollback(reason, actor, true);
        }
        return true;
    }

    public synchronized BlueGreenState snapshot() {
        boolean analysing = stage == BlueGreenStage.PRE_ANALYSIS || stage == BlueGreenStage.POST_ANALYSIS;
        return new BlueGreenState(plan, analysisArgs, phase, stage, newColour, activeColour, fullReplicas,
                switchedAt, dueAt, deadline, core.attempt(), analysing ? core.analysisSnapshot() : null, analyses,
                rollbackReason, rollbackActor, abortedByUser, awaitingPromotion, message, rollbackStartedAt,
                core.failingSince(), core.trouble(), adopted);
    }

    @Override
    public String statusLine() {
        return status().line();
    }

    public synchronized BlueGreenStatus status() {
        return new BlueGreenStatus(phase, stage, activeColour, newColour, newColourWeight(), awaitingPromotion,
                waitingFor(), core.retryingStatus());
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    private void enter(BlueGreenStage next) {
        if (!next.rollingBack() && core.takeAbort()) {
            return;
        }
        core.transition();
        stage = next;
        run(next);
    }

    /** The action of a stage; also what a resumed runner does first. */
    private void run(BlueGreenStage current) {
        switch (current) {
            case PREFLIGHT -> core.call("preflight", cluster::preflight, this::preflightPassed);
            case DEPLOY_NEW -> core.call("deploy " + plan.target().deployment(newColour),
                    () -> cluster.deployColour(newColour, plan.previewReplicas(fullReplicas)), changes -> {
                        core.record(changes, false, newColourWeight());
                        awaitReady(BlueGreenStage.AWAIT_NEW);
                    });
            case AWAIT_NEW -> pollReadiness(BlueGreenStage.POINT_PREVIEW);
            case POINT_PREVIEW -> core.call("point the preview at " + newColour,
                    () -> cluster.pointPreviewAt(newColour), changes -> {
                        core.record(changes, false, newColourWeight());
                        if (plan.prePromotionAnalysis() == null) {
                            openPromotionGate(false);
                        } else {
                            core.emit(core.event(AuditAction.STEP).resource(previewResource())
                                    .after("pre-promotion analysis of " + metricCount(plan.prePromotionAnalysis())
                                            + " metric(s) against the preview"));
                            enter(BlueGreenStage.PRE_ANALYSIS);
                        }
                    });
            case PRE_ANALYSIS -> core.startAnalysis("pre-promotion", plan.prePromotionAnalysis(), analysisArgs,
                    BuiltinThresholds.Context.blueGreen(plan, newColour, true), this::prePromotionVerdict);
            case AWAIT_PROMOTION -> armPromotionGate();
            case SCALE_UP_NEW -> core.call("scale " + plan.target().deployment(newColour) + " to full size",
                    () -> cluster.scaleColour(newColour, fullReplicas), changes -> {
                        core.record(changes, false, newColourWeight());
                        awaitReady(BlueGreenStage.AWAIT_FULL);
                    });
            case AWAIT_FULL -> pollReadiness(BlueGreenStage.SWITCH);
            case SWITCH -> core.call("switch production to " + newColour,
                    () -> cluster.switchActiveTo(newColour), changes -> {
                        activeColour = newColour;
                        switchedAt = core.now();
                        core.record(changes, false, newColourWeight());
                        if (plan.postPromotionAnalysis() == null) {
                            waitForScaleDown();
                        } else {
                            core.emit(core.event(AuditAction.STEP).resource(routeResource())
                                    .after("post-promotion analysis of " + metricCount(plan.postPromotionAnalysis())
                                            + " metric(s) against production on " + newColour)
                                    .reason(newColour.other() + " stays at full size until it passes"));
                            enter(BlueGreenStage.POST_ANALYSIS);
                        }
                    });
            case POST_ANALYSIS -> core.startAnalysis("post-promotion", plan.postPromotionAnalysis(), analysisArgs,
                    BuiltinThresholds.Context.blueGreen(plan, newColour, false), this::postPromotionVerdict);
            case AWAIT_CONFIRMATION -> {
                phase = RolloutPhase.PAUSED;
                awaitingPromotion = true;
                core.emit(core.event(AuditAction.PAUSE).resource(routeResource())
                        .after("waiting for promote (keep " + newColour + ") or abort (switch back to "
                                + newColour.other() + ")").detail("indefinite", true)
                        .reason("the post-promotion analysis was Inconclusive"));
            }
            case SCALE_DOWN_WAIT -> {
                core.emit(core.event(AuditAction.PAUSE).resource(deploymentResource(newColour.other()))
                        .after(newColour.other() + " kept at full size until " + dueAt + " (scaleDownDelaySeconds "
                                + plan.effectiveScaleDownDelay().toSeconds() + "); switching back is instant until"
                                + " then"));
                core.armTimer(dueAt, () -> enter(BlueGreenStage.SCALE_DOWN_OLD));
            }
            case SCALE_DOWN_OLD -> whileProductionOn(newColour, () -> core.call("scale "
                    + plan.target().deployment(newColour.other()) + " down",
                    () -> cluster.scaleColour(newColour.other(), 0), changes -> {
                        core.record(changes, false, newColourWeight());
                        hooks(HooksSpec.Phase.POST_PROMOTION, () -> finish(RolloutPhase.PROMOTED, promotedMessage()),
                                failed -> finish(RolloutPhase.FAILED, promotedMessage() + ", but " + failed));
                    }));
            case ROLLBACK_WARM_OLD -> core.call("scale " + plan.target().deployment(newColour.other())
                    + " to full size before production goes back to it",
                    () -> cluster.scaleColour(newColour.other(), fullReplicas), changes -> {
                        core.record(changes, true, newColourWeight());
                        enter(BlueGreenStage.ROLLBACK_AWAIT_OLD);
                    });
            case ROLLBACK_AWAIT_OLD -> core.pollReadiness(plan.target().deployment(newColour.other()),
                    deploymentResource(newColour.other()), () -> cluster.readiness(newColour.other()),
                    cluster.readinessWatch(newColour.other()),
                    rollbackStartedAt == null || plan.rollbackTimeout() == null ? Instant.MAX
                            : rollbackStartedAt.plus(plan.rollbackTimeout()), plan.rollbackTimeout(),
                    () -> enter(BlueGreenStage.ROLLBACK_SWITCH),
                    late -> failed("wait for " + plan.target().deployment(newColour.other()),
                            new ClusterException("rollbackTimeout passed: " + late, false, null)));
            case ROLLBACK_SWITCH -> core.call("switch production back to " + newColour.other(),
                    () -> cluster.switchActiveTo(newColour.other()), changes -> {
                        activeColour = newColour.other();
                        core.record(changes, true, newColourWeight());
                        waitBeforeCleanUp();
                    });
            case ROLLBACK_WAIT -> {
                core.emit(core.event(AuditAction.PAUSE).resource(deploymentResource(newColour))
                        .after(newColour + " kept for " + plan.effectiveAbortScaleDownDelay().toSeconds() + "s"
                                + " (abortScaleDownDelaySeconds) before it is scaled down"));
                core.armTimer(dueAt, () -> enter(BlueGreenStage.ROLLBACK_SCALE_DOWN));
            }
            case ROLLBACK_SCALE_DOWN -> whileProductionOn(newColour.other(), () -> core.call("point the preview"
                    + " back at " + newColour.other(), () -> cluster.pointPreviewAt(newColour.other()), preview -> {
                        core.record(preview, true, newColourWeight());
                        core.call("scale " + plan.target().deployment(newColour) + " down",
                                () -> cluster.scaleColour(newColour, 0), scaled -> {
                                    core.record(scaled, true, newColourWeight());
                                    hooks(HooksSpec.Phase.ON_ROLLBACK, () -> finishRollback(null),
                                            this::finishRollback);
                                });
                    }));
            case DONE -> { }
        }
    }

    /** After a restart: waits are re-armed from their persisted times, everything else is re-issued. */
    private void reenter() {
        core.transition();
        switch (stage) {
            case AWAIT_PROMOTION -> {
                if (dueAt == null) {
                    phase = RolloutPhase.PAUSED;
                    awaitingPromotion = true;
                } else {
                    core.armTimer(dueAt, this::autoPromote);
                }
            }
            case AWAIT_CONFIRMATION -> {
                phase = RolloutPhase.PAUSED;
                awaitingPromotion = true;
            }
            case SCALE_DOWN_WAIT -> core.armTimer(dueAt, () -> enter(BlueGreenStage.SCALE_DOWN_OLD));
            case ROLLBACK_WAIT -> core.armTimer(dueAt, () -> enter(BlueGreenStage.ROLLBACK_SCALE_DOWN));
            default -> run(stage);
        }
    }

    private void preflightPassed(BlueGreenSnapshot snapshot) {
        activeColour = snapshot.activeColour();
        newColour = snapshot.activeColour().other();
        fullReplicas = snapshot.activeReplicas();
        if (plan.target().image().equals(snapshot.activeImage())) {
            adoptSwitch(snapshot);
            return;
        }
        core.emit(core.event(AuditAction.PREFLIGHT).resource(routeResource())
                .after("ok: " + snapshot.router() + "; production on " + activeColour + " ("
                        + plan.target().deployment(activeColour) + ", " + fullReplicas + " replicas of "
                        + snapshot.activeImage() + "); " + plan.target().image() + " goes to " + newColour)
                .detail("fromImage", snapshot.activeImage()));
        PreflightDoctor.run(core, plan, cluster::doctor, metrics, found -> preStopSeconds = found,
                () -> hooks(HooksSpec.Phase.PRE_ROLLOUT, () -> enter(BlueGreenStage.DEPLOY_NEW),
                        failed -> finish(RolloutPhase.FAILED, failed + "; nothing was deployed or switched")),
                blocked -> finish(RolloutPhase.FAILED, blocked));
    }

    /**
     * Production already runs the new image: a run that switched and then went away (a crash, a killed agent) left
     * it so, and the other colour may still be warm with the old version. Deploying "the new version" to that colour
     * would overwrite the only copy of the old one, so the switch is finished instead, as the plan would have: the
     * post-promotion analysis (a failure switches back to the old colour), then the scale-down delay.
     */
    private void adoptSwitch(BlueGreenSnapshot snapshot) {
        adopted = true;
        newColour = snapshot.activeColour();
        switchedAt = core.now();
        core.emit(core.event(AuditAction.PREFLIGHT).resource(routeResource())
                .after("ok: " + snapshot.router() + "; production on " + activeColour + " ("
                        + plan.target().deployment(activeColour) + ", " + fullReplicas + " replicas) already runs "
                        + plan.target().image() + ": not deployed again; finishing the switch, "
                        + newColour.other() + " is kept as it is until then")
                .reason("an earlier run switched production and did not finish"));
        if (plan.postPromotionAnalysis() == null) {
            waitForScaleDown();
        } else {
            enter(BlueGreenStage.POST_ANALYSIS);
        }
    }

    private void awaitReady(BlueGreenStage await) {
        deadline = core.now().plus(plan.effectiveReadinessTimeout());
        enter(await);
    }

    private void pollReadiness(BlueGreenStage whenReady) {
        String deployment = plan.target().deployment(newColour);
        core.pollReadiness(deployment, deploymentResource(newColour), () -> cluster.readiness(newColour),
                cluster.readinessWatch(newColour), deadline,
                plan.effectiveReadinessTimeout(), () -> enter(whenReady),
                late -> startRollback(late, AuditEvent.ENGINE, false));
    }

    private void prePromotionVerdict(AnalysisResult result) {
        analyses.add(result);
        AnalysisPhase verdict = result.phase();
        if (verdict == AnalysisPhase.SUCCESSFUL) {
            openPromotionGate(false);
        } else if (verdict == AnalysisPhase.INCONCLUSIVE
                && plan.effectiveOnInconclusive() == CanaryPlan.OnInconclusive.PAUSE) {
            openPromotionGate(true);
        } else {
            startRollback(verdictReason(result), AuditEvent.ENGINE, false);
        }
    }

    private void postPromotionVerdict(AnalysisResult result) {
        analyses.add(result);
        AnalysisPhase verdict = result.phase();
        if (verdict == AnalysisPhase.SUCCESSFUL) {
            waitForScaleDown();
        } else if (verdict == AnalysisPhase.INCONCLUSIVE
                && plan.effectiveOnInconclusive() == CanaryPlan.OnInconclusive.PAUSE) {
            enter(BlueGreenStage.AWAIT_CONFIRMATION);
        } else {
            startRollback(verdictReason(result), AuditEvent.ENGINE, false);
        }
    }

    /**
     * The promotion gate: automatic after {@code autoPromotionSeconds}, else (or after an Inconclusive pre-promotion
     * analysis) a person promotes or aborts.
     */
    private void openPromotionGate(boolean inconclusive) {
        dueAt = !inconclusive && plan.autoPromotionSeconds() != null
                ? core.now().plusSeconds(plan.autoPromotionSeconds()) : null;
        enter(BlueGreenStage.AWAIT_PROMOTION);
    }

    private void armPromotionGate() {
        if (dueAt == null) {
            phase = RolloutPhase.PAUSED;
            awaitingPromotion = true;
            boolean inconclusive = !analyses.isEmpty()
                    && analyses.get(analyses.size() - 1).phase() == AnalysisPhase.INCONCLUSIVE;
            core.emit(core.event(AuditAction.PAUSE).resource(routeResource())
                    .after("waiting for promote (switch production to " + newColour + ") or abort")
                    .detail("indefinite", true)
                    .reason(inconclusive ? "the pre-promotion analysis was Inconclusive" : null));
        } else {
            core.emit(core.event(AuditAction.PAUSE).resource(routeResource())
                    .after("automatic promotion at " + dueAt + " (autoPromotionSeconds "
                            + plan.autoPromotionSeconds() + ")"));
            core.armTimer(dueAt, this::autoPromote);
        }
    }

    private void autoPromote() {
        core.emit(core.event(AuditAction.PROMOTE).resource(routeResource())
                .after("switch production to " + newColour)
                .reason("autoPromotionSeconds " + plan.autoPromotionSeconds() + " passed"));
        promoteNewColour();
    }

    private void promoteNewColour() {
        dueAt = null;
        hooks(HooksSpec.Phase.PRE_PROMOTION, () -> {
            if (plan.previewReplicas(fullReplicas) != fullReplicas) {
                enter(BlueGreenStage.SCALE_UP_NEW);
            } else {
                enter(BlueGreenStage.SWITCH);
            }
        }, failed -> startRollback(failed, AuditEvent.ENGINE, false));
    }

    /** The plan's hooks of {@code phase}, then {@code then}; {@code failed} with the reason if one fails. */
    private void hooks(HooksSpec.Phase phase, Runnable then, java.util.function.Consumer<String> failed) {
        boolean any = !plan.effectiveHooks().of(phase).isEmpty();
        String verdict = phase == HooksSpec.Phase.ON_ROLLBACK ? (abortedByUser ? "Aborted" : "Rolled back")
                : phase == HooksSpec.Phase.POST_PROMOTION ? "Promoted" : "Progressing";
        runningHooks = PhaseHooks.run(core, phase, plan.effectiveHooks(), any ? cluster.hooks() : null,
                new PhaseHooks.Subject(plan.target().namespace(), plan.target().deployment(), plan.target().image(),
                        verdict), then, failed);
    }

    /**
     * How long the colour that lost production keeps serving after the traffic write: {@code drainSeconds}, else
     * the preStop sleep the doctor found in preflight (0 when neither is known, e.g. after a restart).
     */
    private java.time.Duration drain() {
        Integer seconds = plan.drainSeconds() != null ? plan.drainSeconds() : preStopSeconds;
        return java.time.Duration.ofSeconds(seconds == null ? 0 : seconds);
    }

    /** The old colour stays warm for the delay after the switch, which is over once the analysis passes late. */
    private void waitForScaleDown() {
        dueAt = switchedAt.plus(plan.effectiveScaleDownDelay());
        if (switchedAt.plus(drain()).isAfter(dueAt)) {
            dueAt = switchedAt.plus(drain());
            core.emit(core.event(AuditAction.PAUSE).resource(deploymentResource(newColour.other()))
                    .after("draining: " + newColour.other() + " keeps serving its in-flight requests for "
                            + drain().toSeconds() + "s (" + (plan.drainSeconds() != null ? "drainSeconds"
                            : "its preStop sleep") + ") before it is scaled down"));
        }
        enter(BlueGreenStage.SCALE_DOWN_WAIT);
    }

    /**
     * Before a colour is scaled down: reads where production is (one read of the active Service or route) and runs
     * {@code scaleDown} only when it is still on {@code expected}, where the engine left it. Someone else (a person
     * with kubectl, a GitOps sync) may have switched it during the promotion wait or a scale-down delay, and
     * scaling down the colour production is on now would take it to zero pods. As Argo Rollouts never scales down
     * what the active Service selects, the switch then ends without another write: see {@link #productionMoved}.
     * Also read when a resumed runner re-enters the stage, since nothing watched the cluster while it was away.
     */
    private void whileProductionOn(Colour expected, Runnable scaleDown) {
        core.call("read where production is before " + plan.target().deployment(expected.other())
                + " is scaled down", cluster::readProduction, found -> {
                    if (found.colour() == expected) {
                        scaleDown.run();
                    } else {
                        productionMoved(expected, found);
                    }
                });
    }

    /**
     * Production is not where the engine left it: nothing is scaled down and no traffic is moved (the person who
     * moved it decided; writing over them is what {@code onDrift: overwrite} would be, and blue-green has no such
     * choice), the drift is logged with who made it, and the switch ends {@link RolloutPhase#FAILED} with what is
     * left and how to go on.
     */
    private void productionMoved(Colour expected, ProductionTraffic found) {
        Colour idle = expected.other();
        activeColour = found.colour();
        String what = routeResource() + " is now " + found.found()
                + (found.colour() == null ? "" : " (production on " + found.colour() + ")")
                + ", the engine left production on " + expected + "; changed " + found.writer();
        core.emit(core.event(AuditAction.DRIFT).resource(routeResource())
                .after(idle + " was not scaled down and traffic was not moved: "
                        + (found.colour() == idle ? idle + " takes production traffic"
                                : "which colour takes production traffic cannot be told")
                        + "; production stays where it was put")
                .reason("changed by someone else since the engine wrote it: " + what));
        String left = plan.target().deployment(Colour.BLUE) + " and " + plan.target().deployment(Colour.GREEN)
                + " keep their replicas, " + plan.target().image() + " on " + newColour;
        String next = found.colour() == null
                ? "put all production traffic on one colour, then run the switch again (or scale the other colour"
                        + " to 0)"
                : found.colour() == newColour
                ? "run the switch again to finish with " + newColour + " in production (or scale "
                        + plan.target().deployment(newColour.other()) + " to 0)"
                : "run the switch again to promote " + plan.target().image() + ", or scale "
                        + plan.target().deployment(newColour) + " to 0 to stay on " + newColour.other();
        String before = stage.rollingBack() ? (abortedByUser ? "aborted" : "rolled back") + ": " + rollbackReason
                + "; but then " : "not promoted: ";
        finish(RolloutPhase.FAILED, before + "someone else moved production off " + expected + " (" + what
                + "); nothing was scaled down and the engine did not move traffic: " + left + "; " + next);
    }

    private void startRollback(String reason, String actor, boolean byUser) {
        core.terminateAnalysis("the switch is being undone: " + reason);
        if (runningHooks != null) {
            runningHooks.abandon(reason);
            runningHooks = null;
        }
        BlueGreenStage from = stage;
        phase = RolloutPhase.ROLLING_BACK;
        awaitingPromotion = false;
        rollbackReason = reason;
        rollbackActor = actor;
        abortedByUser = byUser;
        core.resetAttempts();
        rollbackStartedAt = core.now();
        if (from.switchIssued()) {
            core.emit(core.event(AuditAction.ROLLBACK).actor(actor).resource(routeResource())
                    .after("switching production back to " + newColour.other() + " (" + newColour + " -> "
                            + newColour.other() + ")").reason(reason));
            enter(adopted ? BlueGreenStage.ROLLBACK_WARM_OLD : BlueGreenStage.ROLLBACK_SWITCH);
        } else if (from == BlueGreenStage.PREFLIGHT) {
            core.emit(core.event(AuditAction.ROLLBACK).actor(actor).resource(routeResource())
                    .after("nothing to undo: nothing was changed").reason(reason));
            finishRollback(null);
        } else {
            core.emit(core.event(AuditAction.ROLLBACK).actor(actor).resource(routeResource())
                    .after("production stays on " + newColour.other() + ": it was never switched").reason(reason));
            waitBeforeCleanUp();
        }
    }

    private void waitBeforeCleanUp() {
        dueAt = core.now().plus(plan.effectiveAbortScaleDownDelay());
        if (newColour != null && drain().compareTo(plan.effectiveAbortScaleDownDelay()) > 0) {
            dueAt = core.now().plus(drain());
            core.emit(core.event(AuditAction.PAUSE).resource(deploymentResource(newColour))
                    .after("draining: " + newColour + " keeps serving its in-flight requests for "
                            + drain().toSeconds() + "s (" + (plan.drainSeconds() != null ? "drainSeconds"
                            : "its preStop sleep") + ") before it is scaled down"));
        }
        enter(BlueGreenStage.ROLLBACK_WAIT);
    }

    private void finishRollback(String problem) {
        RolloutPhase end = abortedByUser ? RolloutPhase.ABORTED : RolloutPhase.ROLLED_BACK;
        String how = end == RolloutPhase.ABORTED ? "aborted" : "rolled back";
        String where = newColour == null ? "production was not touched"
                : "production is on " + newColour.other() + " (" + plan.target().deployment(newColour.other()) + ")";
        finish(end, how + ": " + rollbackReason + "; " + where + (problem == null ? "" : "; but " + problem));
    }

    private void finish(RolloutPhase end, String why) {
        core.transition();
        stage = BlueGreenStage.DONE;
        phase = end;
        message = why;
        awaitingPromotion = false;
        core.emit(core.event(AuditAction.COMPLETE).resource(routeResource()).after(end.name()).reason(why));
        onComplete.accept(result());
    }

    private RolloutResult result() {
        return new RolloutResult(phase, newColourWeight(), analyses, message);
    }

    /** A call failed for good: before any write the switch fails; later it is undone, or ends loudly. */
    private void failed(String what, Exception failure) {
        String reason = what + " failed: " + RunnerCore.describe(failure);
        if (failure instanceof PreflightException) {
            finish(RolloutPhase.FAILED, failure.getMessage());
        } else if (stage == BlueGreenStage.PREFLIGHT) {
            finish(RolloutPhase.FAILED, reason + "; nothing was changed");
        } else if (stage == BlueGreenStage.ROLLBACK_SWITCH || stage == BlueGreenStage.ROLLBACK_WARM_OLD
                || stage == BlueGreenStage.ROLLBACK_AWAIT_OLD) {
            core.emit(core.event(AuditAction.ROLLBACK).resource(routeResource()).after("FAILED").reason(reason));
            finish(RolloutPhase.ROLLBACK_FAILED, "SWITCH BACK FAILED, traffic is NOT safe: "
                    + ManualRecovery.blueGreenLeft(plan, routeResource(), newColour) + " (" + reason
                    + "); finish it by hand: " + ManualRecovery.blueGreenCommand(plan, newColour.other()));
        } else if (stage == BlueGreenStage.ROLLBACK_SCALE_DOWN) {
            core.emit(core.event(AuditAction.ROLLBACK).resource(deploymentResource(newColour)).after("FAILED")
                    .reason(reason));
            finishRollback("the clean-up failed (" + reason + ")");
        } else if (stage == BlueGreenStage.SCALE_DOWN_OLD) {
            core.emit(core.event(AuditAction.SCALE).resource(deploymentResource(newColour.other())).after("FAILED")
                    .reason(reason));
            finish(RolloutPhase.PROMOTED, promotedMessage() + "; but " + newColour.other() + " could not be scaled"
                    + " down (" + reason + "): once " + routeResource() + " sends production to " + newColour
                    + ", scale " + plan.target().deployment(newColour.other()) + " to 0 by hand");
        } else {
            startRollback(reason, AuditEvent.ENGINE, false);
        }
    }

    // ---- descriptions ------------------------------------------------------------------------------------------

    private int newColourWeight() {
        return newColour != null && newColour == activeColour ? 100 : 0;
    }

    private String promotedMessage() {
        return plan.target().image() + " on " + newColour + " takes all production traffic; "
                + newColour.other() + " was scaled down";
    }

    private static String verdictReason(AnalysisResult result) {
        return "analysis " + result.name() + " was " + result.phase().displayName()
                + (result.message() == null ? "" : ": " + result.message());
    }

    private String promotionMode() {
        return plan.autoPromotionSeconds() == null ? "a person promotes"
                : "automatic promotion after " + plan.autoPromotionSeconds() + "s";
    }

    private String stageLabel() {
        return stage.name().toLowerCase().replace('_', ' ');
    }

    private String waitingFor() {
        return switch (stage) {
            case AWAIT_PROMOTION -> dueAt == null ? "promote or abort" : "automatic promotion at " + dueAt;
            case AWAIT_CONFIRMATION -> "promote or abort (the post-promotion analysis was Inconclusive)";
            case PRE_ANALYSIS -> "pre-promotion analysis";
            case POST_ANALYSIS -> "post-promotion analysis";
            case AWAIT_NEW, AWAIT_FULL -> "deployment " + plan.target().deployment(newColour) + " to be ready";
            case SCALE_DOWN_WAIT -> "scaleDownDelaySeconds until " + dueAt + " (switching back is instant)";
            case ROLLBACK_WAIT -> "abortScaleDownDelaySeconds until " + dueAt;
            case DONE -> "nothing (" + phase.name().toLowerCase() + ")";
            default -> stageLabel();
        };
    }

    private static int metricCount(AnalysisSpec analysis) {
        return analysis.metrics().size();
    }

    /** What the current stage acts on, for retry events. */
    private String stageResource() {
        return switch (stage) {
            case DEPLOY_NEW, AWAIT_NEW, SCALE_UP_NEW, AWAIT_FULL, ROLLBACK_SCALE_DOWN -> deploymentResource(newColour);
            case SCALE_DOWN_OLD, ROLLBACK_WARM_OLD, ROLLBACK_AWAIT_OLD -> deploymentResource(newColour.other());
            case POINT_PREVIEW -> previewResource();
            default -> routeResource();
        };
    }

    private String deploymentResource(Colour colour) {
        return resource("deployment", plan.target().deployment(colour));
    }

    private String previewResource() {
        return resource("service", plan.previewService());
    }

    /** What carries production traffic: the active Service, or the VirtualService route. */
    private String routeResource() {
        if (plan.traffic().isServiceSelector()) {
            return resource("service", plan.activeService());
        }
        if (plan.traffic().gatewayAPI() != null) {
            var split = plan.traffic().gatewayAPI().asSplit();
            return resource(split.kind().toLowerCase(java.util.Locale.ROOT), split.routeName())
                    + (split.rule() == null ? "" : " rule " + split.rule());
        }
        String route = plan.traffic().istio().route();
        return resource("virtualservice", plan.traffic().istio().virtualService())
                + (route == null ? "" : " route " + route);
    }

    private String resource(String kind, String name) {
        return kind + "/" + plan.target().namespace() + "/" + name;
    }

    private static Map<String, AnalysisSpec> analysesByPath(BlueGreenPlan plan) {
        Map<String, AnalysisSpec> analyses = new LinkedHashMap<>();
        if (plan.prePromotionAnalysis() != null) {
            analyses.put("prePromotionAnalysis", plan.prePromotionAnalysis());
        }
        if (plan.postPromotionAnalysis() != null) {
            analyses.put("postPromotionAnalysis", plan.postPromotionAnalysis());
        }
        return analyses;
    }
}
