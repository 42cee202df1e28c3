package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeAudit;
import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeGate;
import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeRun;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.BuiltinThresholds;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Moves a canary through its plan: a state machine driven by a {@link Scheduler}, so that a waiting rollout (a
 * pause, an analysis interval, a readiness poll) holds no thread. Cluster and metric calls run on the {@code io}
 * executor, one at a time; every transition happens under this object's lock and is reported as an
 * {@link AuditEvent}.
 *
 * <p>Any failure, a Failed or Error analysis, or {@link #abort} rolls back: all traffic to stable in one write of
 * the route, then, after the plan's {@code abortScaleDownDelay}, the canary is scaled to zero. A call in flight when
 * an abort arrives is allowed to finish first, so an older weight can never land after the rollback's.
 */
public final class CanaryRunner implements Rollout {
    private final CanaryPlan plan;
    private final Map<String, String> analysisArgs;
    private final CanaryCluster cluster;
    private final MeasurementSource metrics;
    /** The preStop sleep the doctor found in preflight; not persisted (after a restart: drainSeconds or none). */
    private Integer preStopSeconds;
    /** The hooks of the phase in progress, whose Job an abort deletes. */
    private PhaseHooks runningHooks;
    private final RunnerCore core;
    private final Consumer<RolloutResult> onComplete;

    private RolloutPhase phase;
    private Stage stage;
    private int stepIndex;
    private int canaryWeight;
    private int stableReplicas;
    private Instant dueAt;
    private Instant deadline;
    private final List<AnalysisResult> analyses = new ArrayList<>();
    /** Every judge step's result so far, without its series (the audit events carry those). */
    private final List<JudgeGate.Result> judgements = new ArrayList<>();
    private String rollbackReason;
    private String rollbackActor;
    private boolean abortedByUser;
    private boolean awaitingPromotion;
    private String message;
    private String stableImage;
    private String stablePodTemplate;
    private String rollbackCommand;
    private boolean stablePromoted;
    private Instant rollbackStartedAt;
    private boolean driftPause;
    /** Set by a promote after a drift pause: the step it re-begins does not check again what the person accepted. */
    private boolean skipDriftCheck;
    /** Changes by others a person accepted by promoting after a drift pause: not reported as drift again. */
    private final List<String> driftAccepted = new ArrayList<>();
    /** What the last drift pause was for, accepted if a person promotes. */
    private List<String> driftSeen = List.of();
    /** With {@code onDrift: overwrite}, what a pause's watch already logged, so that each change is logged once. */
    private List<String> overwriteLogged = List.of();
    /** The canary has been sized by this process for {@link #canaryWeight}, so its size can be checked. */
    private boolean canaryPrepared;
    /** {@link #suspend()} was called: the process is going away. */
    private boolean suspended;
    private final BackgroundAnalysisHook background;
    /**
     * When the canary's weight last changed (persisted in the state, so it survives a restart; null in a state from
     * before it was): a judge step's window starts no earlier, so that it compares the canary at its current weight
     * only.
     */
    private Instant weightSince;

    private CanaryRunner(RolloutState state, CanaryCluster cluster, MeasurementSource metrics, Scheduler scheduler,
                         Executor io, AuditListener audit, Consumer<RolloutResult> onComplete) {
        this.plan = Objects.requireNonNull(state.plan(), "plan");
        this.analysisArgs = state.analysisArgs();
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.metrics = metrics;
        this.onComplete = Objects.requireNonNull(onComplete, "onComplete");
        this.phase = state.phase();
        this.stage = state.stage();
        this.stepIndex = state.stepIndex();
        this.canaryWeight = state.canaryWeight();
        this.stableReplicas = state.stableReplicas();
        this.dueAt = state.dueAt();
        this.deadline = state.deadline();
        this.analyses.addAll(state.analyses());
        this.rollbackReason = state.rollbackReason();
        this.rollbackActor = state.rollbackActor();
        this.abortedByUser = state.abortedByUser();
        this.awaitingPromotion = state.awaitingPromotion();
        this.message = state.message();
        this.stableImage = state.stableImage();
        this.stablePodTemplate = state.stablePodTemplate();
        this.rollbackCommand = state.rollbackCommand();
        this.stablePromoted = state.stablePromoted();
        this.rollbackStartedAt = state.rollbackStartedAt();
        this.driftPause = state.driftPause();
        this.driftAccepted.addAll(state.driftAccepted());
        this.weightSince = state.weightSince();
        this.judgements.addAll(state.judgements());
        this.core = new RunnerCore(this, new RunnerCore.Machine() {
            @Override
            public boolean ended() {
                return stage == Stage.DONE || suspended;
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
                startRollback(reason, actor, !background.failedVerdictPending());
            }

            @Override
            public String retryResource() {
                return stage == Stage.AWAIT_CANARY || stage == Stage.PREPARE_CANARY ? canaryResource()
                        : stage == Stage.PREFLIGHT || stage == Stage.PROMOTE_STABLE || stage == Stage.AWAIT_STABLE
                        || stage == Stage.ROLLBACK_RESTORE_STABLE || stage == Stage.ROLLBACK_AWAIT_STABLE
                        ? deploymentResource() : routeResource();
            }

            @Override
            public boolean trafficUnsafe() {
                return stage.trafficUnsafe();
            }

            @Override
            public Instant rollbackDeadline() {
                return rollbackStartedAt == null || plan.rollbackTimeout() == null ? null
                        : rollbackStartedAt.plus(plan.rollbackTimeout());
            }

            @Override
            public Duration rollbackTimeout() {
                return plan.rollbackTimeout();
            }
        }, metrics, scheduler, io, audit, state.attempt(), state.analysis());
        this.core.restoreRetry(state.failingSince(), state.trouble());
        this.background = new BackgroundAnalysisHook(this, plan, analysisArgs, metrics, scheduler, io, audit,
                this::backgroundVerdict);
    }

    /**
     * Starts a rollout of a validated plan and returns at once; {@code onComplete} is called exactly once.
     *
     * @param analysisArgs values for the analyses' {@code {{args.name}}}, overriding their defaults
     * @throws InvalidPlanException when an analysis argument has no value or an unsafe one; nothing was touched
     */
    public static CanaryRunner start(CanaryPlan plan, Map<String, String> analysisArgs, CanaryCluster cluster,
                                     MeasurementSource metrics, Scheduler scheduler, Executor io,
                                     AuditListener audit, Consumer<RolloutResult> onComplete) {
        RunnerCore.checkArguments(analysesByPath(plan), analysisArgs, "any analysis step of the plan");
        RolloutState initial = new RolloutState(plan, analysisArgs, RolloutPhase.PROGRESSING, Stage.PREFLIGHT, 0, 0,
                0, null, null, 0, null, List.of(), null, null, false, false, null);
        CanaryRunner runner = new CanaryRunner(initial, cluster, metrics, scheduler, io, audit, onComplete);
        synchronized (runner) {
            runner.core.emit(runner.core.event(AuditAction.START)
                    .resource(runner.deploymentResource())
                    .after("container " + plan.target().container() + " gets " + plan.target().image() + " in "
                            + plan.steps().size() + " steps")
                    .detail("image", plan.target().image()));
            runner.enter(Stage.PREFLIGHT);
        }
        return runner;
    }

    /**
     * Continues a rollout from {@link #snapshot()} after its process went away. Idempotent cluster calls of the
     * stage it was in are issued again, timers are re-armed from their persisted due times (one already past
     * fires at once), a running analysis resumes, and an indefinite pause keeps waiting.
     */
    public static CanaryRunner resume(RolloutState state, CanaryCluster cluster, MeasurementSource metrics,
                                      Scheduler scheduler, Executor io, AuditListener audit,
                                      Consumer<RolloutResult> onComplete) {
        return resume(state, cluster, metrics, scheduler, io, audit, onComplete, ResumeReason.RESTART);
    }

    /**
     * As {@link #resume(RolloutState, CanaryCluster, MeasurementSource, Scheduler, Executor, AuditListener, Consumer)},
     * with why it resumes, for the {@code [start] ... resumed ...} line (a restart, or a hand-over).
     */
    public static CanaryRunner resume(RolloutState state, CanaryCluster cluster, MeasurementSource metrics,
                                      Scheduler scheduler, Executor io, AuditListener audit,
                                      Consumer<RolloutResult> onComplete, ResumeReason reason) {
        CanaryRunner runner = new CanaryRunner(state, cluster, metrics, scheduler, io, audit, onComplete);
        synchronized (runner) {
            if (state.phase().completed()) {
                runner.stage = Stage.DONE;
                onComplete.accept(runner.result());
                return runner;
            }
            runner.core.emit(runner.core.event(AuditAction.START)
                    .resource(runner.deploymentResource())
                    .after("resumed at step " + runner.stepLabel() + " (" + state.stage().name().toLowerCase()
                            + ")")
                    .reason(reason.text()));
            runner.reenter();
        }
        return runner;
    }

    /**
     * Ends the current pause (timed, indefinite, or after an inconclusive analysis) and moves on.
     *
     * @return false when the rollout is not paused, so there is nothing to promote
     */
    @Override
    public synchronized boolean promote(String actor) {
        if (stage != Stage.PAUSE || phase.completed() || suspended) {
            return false;
        }
        awaitingPromotion = false;
        phase = RolloutPhase.PROGRESSING;
        if (driftPause) {
            driftPause = false;
            driftAccepted.addAll(driftSeen);
            driftSeen = List.of();
            boolean weightStep = stepIndex >= plan.steps().size()
                    || plan.steps().get(stepIndex) instanceof PlanStep.SetWeight;
            core.emit(core.event(AuditAction.PROMOTE).actor(actor).resource(deploymentResource())
                    .after("continue from the cluster as it is now" + (weightStep ? ": step " + stepLabel()
                            + " writes over the change" : ", after step " + stepLabel())));
            if (weightStep) {
                skipDriftCheck = true;
                int again = stepIndex;
                core.next(() -> beginStep(again));
            } else {
                nextStep();
            }
            return true;
        }
        core.emit(core.event(AuditAction.PROMOTE).actor(actor).resource(deploymentResource())
                .after("continue after step " + stepLabel()));
        nextStep();
        return true;
    }

    /**
     * Aborts and rolls back. A cluster call in flight finishes first; the rollback follows it.
     *
     * @return false when the rollout has already ended or is already rolling back
     */
    @Override
    public synchronized boolean abort(String actor, String reason) {
        if (phase.completed() || stage.rollingBack() || core.abortPending() || suspended) {
            return false;
        }
        core.emit(core.event(AuditAction.ABORT).actor(actor).resource(deploymentResource())
                .after("at step " + stepLabel() + ", canary weight " + canaryWeight).reason(reason));
        if (!core.deferAbort(actor, reason)) {
            startRollback(reason, actor, true);
        }
        return true;
    }

    /**
     * For a process that is going away: every timer and watch is let go and the runner does nothing more (a call in
     * flight finishes, its answer ignored). {@link #resume} continues from the state returned, re-reading what it
     * watched.
     */
    public synchronized RolloutState suspend() {
        RolloutState state = snapshot();
        suspended = true;
        core.terminateAnalysis("the process running the rollout is going away");
        background.terminate("the process running the rollout is going away");
        core.transition();
        return state;
    }

    public synchronized RolloutState snapshot() {
        return new RolloutState(plan, analysisArgs, phase, stage, stepIndex, canaryWeight, stableReplicas, dueAt,
                deadline, core.attempt(), stage == Stage.ANALYSIS ? core.analysisSnapshot() : null, analyses,
                rollbackReason, rollbackActor, abortedByUser, awaitingPromotion, message, stableImage,
                stablePodTemplate, rollbackCommand, stablePromoted, rollbackStartedAt, core.failingSince(),
                core.trouble(), driftPause, driftAccepted, weightSince, judgements);
    }

    @Override
    public String statusLine() {
        return status().line();
    }

    public synchronized RolloutStatus status() {
        return new RolloutStatus(phase, Math.min(stepIndex, plan.steps().size()) + 1, plan.steps().size(),
                canaryWeight, awaitingPromotion, waitingFor(), core.retryingStatus());
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    private void enter(Stage next) {
        if (!next.rollingBack() && core.takeAbort()) {
            return;
        }
        core.transition();
        stage = next;
        run(next);
    }

    /** The action of a stage; also what a resumed runner does first. */
    private void run(Stage current) {
        switch (current) {
            case PREFLIGHT -> core.call("preflight", cluster::preflight, snapshot -> {
                stableReplicas = snapshot.stableReplicas();
                canaryWeight = snapshot.canaryWeight();
                weightSince = core.now();
                stableImage = snapshot.stableImage();
                stablePodTemplate = snapshot.stablePodTemplate();
                rollbackCommand = snapshot.rollbackCommand();
                core.emit(core.event(AuditAction.PREFLIGHT).resource(deploymentResource())
                        .after("ok: " + snapshot.router() + ", stable replicas " + snapshot.stableReplicas()
                                + ", canary weight " + snapshot.canaryWeight())
                        .detail("fromImage", snapshot.stableImage())
                        .reason(snapshot.canaryWeight() > 0 ? "a previous rollout left traffic on the canary;"
                                + " the plan's steps set it again" : null));
                PreflightDoctor.run(core, plan, cluster::doctor, metrics, found -> preStopSeconds = found,
                        () -> hooks(HooksSpec.Phase.PRE_ROLLOUT, () -> beginStep(0),
                                failed -> finish(RolloutPhase.FAILED, failed + "; no traffic was moved")),
                        blocked -> finish(RolloutPhase.FAILED, blocked));
            });
            case PREPARE_CANARY -> core.call("create or scale the canary", this::prepareCanary, changes -> {
                canaryPrepared = false; // sized for the step, the route not yet at its weight
                core.record(changes, false, canaryWeight);
                deadline = core.now().plus(plan.effectiveReadinessTimeout());
                enter(Stage.AWAIT_CANARY);
            });
            case AWAIT_CANARY -> pollReadiness(cluster::canaryReadiness, cluster.canaryReadinessWatch(),
                    plan.target().canaryDeployment(),
                    Stage.SHIFT_WEIGHT);
            case SHIFT_WEIGHT -> {
                if (!(plan.steps().get(stepIndex) instanceof PlanStep.SetWeight)) {
                    nextStep(); // a setCanaryScale step: the canary is sized and ready, traffic stays as it is
                    return;
                }
                core.call("set the traffic weight", () -> cluster.setWeight(targetWeight()), changes -> {
                    canaryWeight = targetWeight();
                    weightSince = core.now();
                    canaryPrepared = true;
                    core.record(changes, false, canaryWeight);
                    nextStep();
                });
            }
            case SET_ROUTE -> core.call("set the " + describe(plan.steps().get(stepIndex)),
                    () -> cluster.applyRouteStep(stepIndex), changes -> {
                        core.record(changes, false, canaryWeight);
                        nextStep();
                    });
            case PAUSE -> {
                if (driftPause) {
                    phase = RolloutPhase.PAUSED;
                    awaitingPromotion = true;
                } else {
                    armPause();
                    watchForDrift(false);
                }
            }
            case ANALYSIS -> startAnalysis();
            case JUDGE -> startJudge();
            case PROMOTE_STABLE -> {
                // From here a rollback must put the old pod template back: the write may land even if it fails.
                stablePromoted = true;
                core.call("promote the new version to stable", cluster::promoteStable, changes -> {
                    core.record(changes, false, canaryWeight);
                    deadline = core.now().plus(plan.effectiveReadinessTimeout());
                    enter(Stage.AWAIT_STABLE);
                });
            }
            case AWAIT_STABLE -> pollReadiness(cluster::stableReadiness, cluster.stableReadinessWatch(),
                    plan.target().deployment(),
                    Stage.FINAL_SHIFT);
            case FINAL_SHIFT -> core.call("move all traffic to the promoted stable", cluster::restoreStable,
                    changes -> {
                        canaryWeight = 0;
                        core.record(changes, false, canaryWeight);
                        if (drain().isZero()) {
                            enter(Stage.FINAL_SCALE_DOWN);
                        } else {
                            core.emit(core.event(AuditAction.PAUSE).resource(canaryResource())
                                    .after("draining: the canary keeps serving its in-flight requests for "
                                            + Durations.format(drain()) + " (" + drainSource()
                                            + ") before it is scaled down"));
                            core.armTimer(core.now().plus(drain()), () -> enter(Stage.FINAL_SCALE_DOWN));
                        }
                    });
            case FINAL_SCALE_DOWN -> core.call("scale the canary down", () -> cluster.scaleCanary(0), changes -> {
                core.record(changes, false, canaryWeight);
                String promoted = plan.target().image() + " is stable and takes all traffic";
                hooks(HooksSpec.Phase.POST_PROMOTION, () -> finish(RolloutPhase.PROMOTED, promoted),
                        failed -> finish(RolloutPhase.FAILED, promoted + ", but " + failed));
            });
            case ROLLBACK_RESTORE_STABLE -> core.call("put the pod template of " + plan.target().deployment()
                    + " back as it was before the promotion", () -> cluster.restoreStablePodTemplate(stablePodTemplate),
                    changes -> {
                        core.record(changes, true, canaryWeight);
                        enter(Stage.ROLLBACK_AWAIT_STABLE);
                    });
            case ROLLBACK_AWAIT_STABLE -> awaitRestoredStable();
            case ROLLBACK_TRAFFIC -> core.call("move all traffic back to stable", cluster::restoreStable,
                    changes -> {
                        canaryWeight = 0;
                        core.record(changes, true, canaryWeight);
                        if (changes.isEmpty()) {
                            core.emit(core.event(AuditAction.ROLLBACK).resource(routeResource())
                                    .after("ok: traffic was already all on stable"));
                        }
                        dueAt = core.now().plus(plan.effectiveAbortScaleDownDelay());
                        if (drain().compareTo(plan.effectiveAbortScaleDownDelay()) > 0) {
                            dueAt = core.now().plus(drain());
                            core.emit(core.event(AuditAction.PAUSE).resource(canaryResource())
                                    .after("draining: the canary keeps serving its in-flight requests for "
                                            + Durations.format(drain()) + " (" + drainSource()
                                            + ") before it is scaled down"));
                        }
                        enter(Stage.ROLLBACK_WAIT);
                    });
            case ROLLBACK_WAIT -> {
                core.emit(core.event(AuditAction.PAUSE).resource(canaryResource())
                        .after("canary kept for " + Durations.format(plan.effectiveAbortScaleDownDelay())
                                + " (abortScaleDownDelay) before it is scaled down"));
                core.armTimer(dueAt, () -> enter(Stage.ROLLBACK_SCALE_DOWN));
            }
            case ROLLBACK_SCALE_DOWN -> core.call("scale the canary down", () -> cluster.scaleCanary(0),
                    changes -> {
                        core.record(changes, true, canaryWeight);
                        hooks(HooksSpec.Phase.ON_ROLLBACK, () -> finishRollback(null), this::finishRollback);
                    });
            case DONE -> { }
        }
    }

    /** After a restart: waits are re-armed from their persisted times, everything else is re-issued. */
    private void reenter() {
        core.transition();
        switch (stage) {
            case PAUSE -> {
                if (dueAt == null || driftPause) {
                    phase = RolloutPhase.PAUSED;
                    awaitingPromotion = true;
                } else {
                    core.armTimer(dueAt, this::endPause);
                }
                if (!driftPause) {
                    watchForDrift(true); // what changed while no process watched is read once, then watched
                }
            }
            case ROLLBACK_WAIT -> core.armTimer(dueAt, () -> enter(Stage.ROLLBACK_SCALE_DOWN));
            default -> run(stage);
        }
    }

    private void beginStep(int index) {
        stepIndex = index;
        core.resetAttempts();
        background.startIfDue(index);
        if (index < plan.steps().size() && background.takeInconclusive()) {
            // paused before this step: a promote continues with it
            stepIndex = index - 1;
            pauseForBackgroundAnalysis();
            return;
        }
        boolean checked = skipDriftCheck;
        skipDriftCheck = false;
        if (index >= plan.steps().size()) {
            if (!checked && checkDrift(() -> beginStep(index))) {
                return;
            }
            background.terminate("the rollout completed");
            core.emit(core.event(AuditAction.PROMOTE).resource(deploymentResource())
                    .after("all " + plan.steps().size() + " steps passed: " + plan.target().image()
                            + " becomes stable"));
            hooks(HooksSpec.Phase.PRE_PROMOTION, () -> enter(Stage.PROMOTE_STABLE),
                    failed -> startRollback(failed, AuditEvent.ENGINE, false));
            return;
        }
        PlanStep step = plan.steps().get(index);
        if (step instanceof PlanStep.SetWeight && !checked && checkDrift(() -> beginStep(index))) {
            return;
        }
        core.emit(core.event(AuditAction.STEP).resource(deploymentResource()).after("step " + stepLabel() + ": "
                + describe(step)));
        if (step instanceof PlanStep.SetWeight || step instanceof PlanStep.SetCanaryScale) {
            enter(Stage.PREPARE_CANARY);
        } else if (step instanceof PlanStep.SetHeaderRoute || step instanceof PlanStep.SetMirrorRoute) {
            enter(Stage.SET_ROUTE);
        } else if (step instanceof PlanStep.Pause pause) {
            dueAt = pause.indefinite() ? null : core.now().plus(pause.duration());
            enter(Stage.PAUSE);
        } else if (step instanceof PlanStep.Judge judge) {
            // The window ends once the canary has served at its weight for the whole of it (at once after a pause
            // that long); only a state from before weightSince was saved leaves it unknown: a whole window then.
            Duration window = judge.judge().effectiveWindow();
            Instant windowEnd = (weightSince == null ? core.now() : weightSince).plus(window);
            dueAt = windowEnd.isAfter(core.now()) ? windowEnd : core.now();
            enter(Stage.JUDGE);
        } else {
            enter(Stage.ANALYSIS);
        }
    }

    private void nextStep() {
        int next = stepIndex + 1;
        core.next(() -> beginStep(next));
    }

    private void armPause() {
        if (dueAt == null) {
            phase = RolloutPhase.PAUSED;
            awaitingPromotion = true;
            boolean inconclusive = plan.steps().get(stepIndex) instanceof PlanStep.Analysis
                    || plan.steps().get(stepIndex) instanceof PlanStep.Judge;
            core.emit(core.event(AuditAction.PAUSE).resource(deploymentResource())
                    .after("waiting for promote or abort").detail("indefinite", true)
                    .reason(inconclusive ? "the analysis of step " + stepLabel() + " was Inconclusive" : null));
        } else {
            Duration left = Duration.between(core.now(), dueAt).plusMillis(500).truncatedTo(ChronoUnit.SECONDS);
            core.emit(core.event(AuditAction.PAUSE).resource(deploymentResource())
                    .after("for " + Durations.format(left) + ", until " + dueAt.truncatedTo(ChronoUnit.SECONDS)));
            core.armTimer(dueAt, this::endPause);
        }
    }

    // ---- drift: a change the engine did not make is a person speaking ------------------------------------------

    /**
     * Before a weight change or the promotion: reads the route and the Deployments and compares them with what the
     * engine last wrote; {@code then} runs (with the check marked done) when nothing changed, or when the plan says
     * {@code onDrift: overwrite}.
     *
     * @return false when there is nothing to check yet (the caller goes on at once)
     */
    private boolean checkDrift(Runnable then) {
        if (stage == Stage.PREFLIGHT) {
            return false; // what preflight found is the baseline
        }
        DriftBaseline expected = baseline();
        core.call("check the route and the Deployments for changes by others", () -> cluster.drift(expected),
                found -> {
                    List<String> changes = unaccepted(found);
                    // onDrift: overwrite: what the pause's watch already said is not said again by this step
                    boolean said = !changes.isEmpty() && changes.equals(overwriteLogged);
                    overwriteLogged = List.of();
                    if (changes.isEmpty() || said || !driftFound(changes)) {
                        skipDriftCheck = true;
                        then.run();
                    }
                });
        return true;
    }

    /**
     * While paused (timed or indefinite): a watch on the route and the Deployments reads them as soon as something may
     * have changed, and a change the engine did not make is handled at once as {@code onDrift} says, instead of when
     * the pause ends. Closed with the pause (its end, a promote, an abort, the rollout's end). Without a watch (calls
     * made on an agent) drift is read before the next weight change, as it always is.
     */
    private void watchForDrift(boolean readNow) {
        overwriteLogged = List.of();
        DriftBaseline expected = baseline();
        core.watch(cluster.driftWatch(), () -> cluster.drift(expected), found -> {
            if (stage != Stage.PAUSE || driftPause || phase.completed()) {
                return;
            }
            List<String> changes = unaccepted(found);
            if (changes.isEmpty() || changes.equals(overwriteLogged)) {
                return;
            }
            if (!driftFound(changes)) {
                overwriteLogged = changes; // onDrift: overwrite: said once; the next step writes over it
            }
        }, readNow);
    }

    private List<String> unaccepted(List<String> changes) {
        return changes.stream().filter(change -> !driftAccepted.contains(change)).toList();
    }

    private DriftBaseline baseline() {
        // the current step is carried out unless it is a route step still being written
        int stepsDone = Math.min(plan.steps().size(), stage == Stage.SET_ROUTE ? stepIndex : stepIndex + 1);
        return new DriftBaseline(canaryWeight, canaryPrepared, stablePromoted && stage != Stage.PROMOTE_STABLE
                ? plan.target().image() : stableImage, stableReplicas, stepsDone);
    }

    /**
     * Says what changed and who changed it, then does what {@code onDrift} says.
     *
     * @return true when the rollout stopped moving (paused or rolling back); false to carry on ({@code overwrite})
     */
    private boolean driftFound(List<String> changes) {
        CanaryPlan.OnDrift onDrift = plan.effectiveOnDrift();
        String what = String.join("; ", changes);
        String response = switch (onDrift) {
            case PAUSE -> "paused: promote to carry on from the cluster as it is now, abort to roll back"
                    + " (onDrift: pause)";
            case ABORT -> "rolling back (onDrift: abort)";
            case OVERWRITE -> "the next step writes over it (onDrift: overwrite)";
        };
        core.emit(core.event(AuditAction.DRIFT).resource(routeResource()).after(response)
                .reason("changed by someone else since the engine wrote it: " + what));
        driftSeen = List.copyOf(changes);
        switch (onDrift) {
            case PAUSE -> {
                core.transition();
                stage = Stage.PAUSE;
                dueAt = null;
                driftPause = true;
                phase = RolloutPhase.PAUSED;
                awaitingPromotion = true;
                return true;
            }
            case ABORT -> {
                startRollback("someone else changed what the rollout manages: " + what, AuditEvent.ENGINE, false);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void endPause() {
        core.emit(core.event(AuditAction.RESUME).resource(deploymentResource()).after("pause of step "
                + stepLabel() + " ended"));
        nextStep();
    }

    private void startAnalysis() {
        PlanStep.Analysis step = (PlanStep.Analysis) plan.steps().get(stepIndex);
        core.startAnalysis("step-" + (stepIndex + 1), step.analysis(), analysisArgs,
                BuiltinThresholds.Context.canary(plan), this::analysisDone);
    }

    private void analysisDone(AnalysisResult result) {
        analyses.add(result);
        AnalysisPhase verdict = result.phase();
        if (verdict == AnalysisPhase.SUCCESSFUL) {
            nextStep();
        } else if (verdict == AnalysisPhase.INCONCLUSIVE
                && plan.effectiveOnInconclusive() == CanaryPlan.OnInconclusive.PAUSE) {
            dueAt = null;
            enter(Stage.PAUSE);
        } else {
            startRollback("analysis " + result.name() + " was " + verdict.displayName()
                    + (result.message() == null ? "" : ": " + result.message()), AuditEvent.ENGINE, false);
        }
    }

    /**
     * Waits until the window's end ({@code dueAt}, persisted: a resumed runner waits for the same time), then queries
     * and judges on the I/O executor, over the window that ends then (idempotent reads: a resumed runner judges
     * again, on the same data).
     */
    private void startJudge() {
        PlanStep.Judge step = (PlanStep.Judge) plan.steps().get(stepIndex);
        Instant end = dueAt == null ? core.now() : dueAt;
        if (end.isAfter(core.now())) {
            Duration left = Duration.between(core.now(), end).plusMillis(500).truncatedTo(ChronoUnit.SECONDS);
            core.emit(core.event(AuditAction.PAUSE).resource(deploymentResource())
                    .after("judge of step " + stepLabel() + " collects its " + Durations.format(step.judge()
                            .effectiveWindow()) + " window in " + Durations.format(left) + ", at "
                            + end.truncatedTo(ChronoUnit.SECONDS))
                    .reason("the window covers the canary at weight " + canaryWeight + " only"));
            core.armTimer(end, () -> collectJudge(step, end));
        } else {
            collectJudge(step, end);
        }
    }

    private void collectJudge(PlanStep.Judge step, Instant end) {
        JudgeRun judge = new JudgeRun(plan, metrics);
        Instant start = core.now();
        String name = "step-" + (stepIndex + 1) + "-judge";
        core.call("judge the canary", () -> judge.run(step.judge(), end), outcome -> {
            JudgeAudit.events(name, outcome, deploymentResource(), core::event).forEach(core::emit);
            AnalysisResult result = JudgeAudit.toAnalysisResult(name, outcome, start, core.now());
            judgements.add(new JudgeGate.Result(result, outcome.withoutSeries()));
            analysisDone(result);
        });
    }

    /** A verdict of the background analysis, under the lock: Failed or Error rolls back now, Inconclusive pauses. */
    private void backgroundVerdict(AnalysisResult result) {
        if (phase.completed() || stage.rollingBack() || stage == Stage.DONE) {
            return;
        }
        analyses.add(result);
        AnalysisPhase verdict = result.phase();
        if (verdict == AnalysisPhase.SUCCESSFUL) {
            return;
        }
        if (verdict == AnalysisPhase.INCONCLUSIVE
                && plan.effectiveOnInconclusive() == CanaryPlan.OnInconclusive.PAUSE) {
            if (stage == Stage.PAUSE) {
                // a timed pause becomes a wait for promote or abort
                if (dueAt != null) {
                    pauseForBackgroundAnalysis();
                }
            } else {
                background.markInconclusive();
            }
            return;
        }
        String reason = "the background analysis was " + verdict.displayName()
                + (result.message() == null ? "" : ": " + result.message());
        background.markFailedVerdictPending();
        if (!core.deferAbort(AuditEvent.ENGINE, reason)) {
            startRollback(reason, AuditEvent.ENGINE, false);
        }
    }

    private void pauseForBackgroundAnalysis() {
        core.emit(core.event(AuditAction.PAUSE).resource(deploymentResource())
                .after("waiting for promote or abort").detail("indefinite", true)
                .reason("the background analysis was Inconclusive"));
        dueAt = null;
        phase = RolloutPhase.PAUSED;
        awaitingPromotion = true;
        core.transition();
        stage = Stage.PAUSE;
        watchForDrift(false);
    }

    /**
     * How long the canary keeps serving after the traffic write that took its share away: {@code drainSeconds},
     * else the preStop sleep the doctor found in preflight (0 when neither is known, e.g. after a restart).
     */
    private Duration drain() {
        Integer seconds = plan.drainSeconds() != null ? plan.drainSeconds() : preStopSeconds;
        return Duration.ofSeconds(seconds == null ? 0 : seconds);
    }

    private String drainSource() {
        return plan.drainSeconds() != null ? "drainSeconds" : "its preStop sleep, found by the doctor";
    }

    /** The plan's hooks of {@code phase}, then {@code then}; {@code failed} with the reason if one fails. */
    private void hooks(HooksSpec.Phase phase, Runnable then, Consumer<String> failed) {
        boolean any = !plan.effectiveHooks().of(phase).isEmpty();
        String verdict = phase == HooksSpec.Phase.ON_ROLLBACK ? (abortedByUser ? "Aborted" : "Rolled back")
                : phase == HooksSpec.Phase.POST_PROMOTION ? "Promoted" : "Progressing";
        runningHooks = PhaseHooks.run(core, phase, plan.effectiveHooks(), any ? cluster.hooks() : null,
                new PhaseHooks.Subject(plan.target().namespace(), plan.target().deployment(), plan.target().image(),
                        verdict), then, failed);
    }

    private void pollReadiness(Callable<Readiness> check, ReadinessWatch watch, String deployment, Stage whenReady) {
        core.pollReadiness(deployment, resource("deployment", deployment), check, watch, deadline,
                plan.effectiveReadinessTimeout(), () -> enter(whenReady),
                late -> startRollback(late, AuditEvent.ENGINE, false));
    }

    private void startRollback(String reason, String actor, boolean byUser) {
        core.terminateAnalysis("the rollout is rolling back: " + reason);
        background.terminate("the rollout is rolling back: " + reason);
        if (runningHooks != null) {
            runningHooks.abandon(reason);
            runningHooks = null;
        }
        phase = RolloutPhase.ROLLING_BACK;
        awaitingPromotion = false;
        rollbackReason = reason;
        rollbackActor = actor;
        abortedByUser = byUser;
        core.resetAttempts();
        rollbackStartedAt = core.now();
        driftPause = false;
        if (stablePromoted && stablePodTemplate != null) {
            core.emit(core.event(AuditAction.ROLLBACK).actor(actor).resource(deploymentResource())
                    .after("putting back the pod template of " + plan.target().deployment() + " (" + stableImage
                            + ") and waiting for it to be ready, then moving all traffic to it (canary weight "
                            + canaryWeight + " -> 0)")
                    .reason(reason));
            enter(Stage.ROLLBACK_RESTORE_STABLE);
            return;
        }
        core.emit(core.event(AuditAction.ROLLBACK).actor(actor).resource(routeResource())
                .after("moving all traffic to stable (canary weight " + canaryWeight + " -> 0)")
                .reason(reason));
        enter(Stage.ROLLBACK_TRAFFIC);
    }

    /**
     * Waits for the restored stable in windows of {@code readinessTimeout}, each one that passes logged, until it is
     * ready (then traffic moves to it) or {@code rollbackTimeout} passes: a rollback does not give up on its own.
     */
    private void awaitRestoredStable() {
        Instant giveUp = rollbackDeadlineOrNever();
        Instant window = core.now().plus(plan.effectiveReadinessTimeout());
        boolean last = !window.isBefore(giveUp);
        core.pollReadiness(plan.target().deployment(), deploymentResource(), cluster::stableReadiness,
                last ? giveUp : window, last ? plan.rollbackTimeout() : plan.effectiveReadinessTimeout(),
                () -> enter(Stage.ROLLBACK_TRAFFIC), late -> {
                    if (last) {
                        rollbackFailed("rollbackTimeout passed: " + late);
                    } else {
                        core.emit(core.event(AuditAction.ROLLBACK).resource(deploymentResource())
                                .after("still waiting for " + plan.target().deployment() + " (" + stableImage
                                        + ") to be ready before traffic moves to it").reason(late));
                        core.next(this::awaitRestoredStable);
                    }
                });
    }

    private Instant rollbackDeadlineOrNever() {
        return rollbackStartedAt == null || plan.rollbackTimeout() == null ? Instant.MAX
                : rollbackStartedAt.plus(plan.rollbackTimeout());
    }

    /**
     * The rollback cannot finish: one line says which resource is left in which state and the {@code kubectl}
     * command that finishes it, and the rollout ends as {@link RolloutPhase#ROLLBACK_FAILED}: traffic is NOT safe.
     */
    private void rollbackFailed(String reason) {
        String left = ManualRecovery.canaryLeft(plan, routeResource(), stage, canaryWeight, stableImage);
        String command = ManualRecovery.canaryCommand(plan, stage, stableReplicas, stableImage, rollbackCommand);
        core.emit(core.event(AuditAction.ROLLBACK).resource(stage == Stage.ROLLBACK_TRAFFIC ? routeResource()
                : deploymentResource()).after("FAILED").reason(reason));
        finish(RolloutPhase.ROLLBACK_FAILED, "ROLLBACK FAILED, traffic is NOT safe: " + left + " (" + reason
                + "); finish it by hand: " + command);
    }

    private void finishRollback(String problem) {
        RolloutPhase end = abortedByUser ? RolloutPhase.ABORTED : RolloutPhase.ROLLED_BACK;
        String how = end == RolloutPhase.ABORTED ? "aborted" : "rolled back";
        String runs = stablePromoted && stablePodTemplate == null ? " (which runs " + plan.target().image()
                + ": its pod template from before the promotion was not known)" : stableImage == null ? ""
                : " (" + stableImage + ")";
        finish(end, how + ": " + rollbackReason + "; traffic is on stable " + plan.target().deployment() + runs
                + (problem == null ? "" : "; but " + problem));
    }

    private void finish(RolloutPhase end, String why) {
        core.transition();
        stage = Stage.DONE;
        phase = end;
        message = why;
        awaitingPromotion = false;
        core.emit(core.event(AuditAction.COMPLETE).resource(deploymentResource()).after(end.name()).reason(why));
        onComplete.accept(result());
    }

    private RolloutResult result() {
        return new RolloutResult(phase, canaryWeight, analyses, message, judgements);
    }

    /** A call failed for good: before any write the rollout fails; later it rolls back, or the rollback ends loudly. */
    private void failed(String what, Exception failure) {
        String reason = what + " failed: " + RunnerCore.describe(failure);
        if (failure instanceof PreflightException) {
            finish(RolloutPhase.FAILED, failure.getMessage());
        } else if (stage == Stage.PREFLIGHT) {
            finish(RolloutPhase.FAILED, reason + "; nothing was changed");
        } else if (stage.trafficUnsafe()) {
            rollbackFailed(reason);
        } else if (stage == Stage.ROLLBACK_SCALE_DOWN) {
            core.emit(core.event(AuditAction.ROLLBACK).resource(canaryResource()).after("FAILED").reason(reason));
            finishRollback("the canary could not be scaled down (" + reason + ")");
        } else {
            startRollback(reason, AuditEvent.ENGINE, false);
        }
    }

    // ---- descriptions ------------------------------------------------------------------------------------------

    /** Sized by the weight, unless the plan scales the canary itself (setCanaryScale). */
    private List<ClusterChange> prepareCanary() {
        boolean scaled = plan.steps().stream().anyMatch(step -> step instanceof PlanStep.SetCanaryScale);
        return scaled ? cluster.prepareCanaryAt(stepIndex) : cluster.prepareCanary(targetWeight());
    }

    private int targetWeight() {
        return ((PlanStep.SetWeight) plan.steps().get(stepIndex)).weight();
    }

    private String stepLabel() {
        return Math.min(stepIndex + 1, plan.steps().size()) + "/" + plan.steps().size();
    }

    private String waitingFor() {
        return switch (stage) {
            case ANALYSIS -> "analysis of step " + stepLabel();
            case JUDGE -> "judge of step " + stepLabel();
            case AWAIT_CANARY -> "canary deployment " + plan.target().canaryDeployment() + " to be ready";
            case AWAIT_STABLE -> "deployment " + plan.target().deployment() + " to be ready";
            case ROLLBACK_WAIT -> "abortScaleDownDelay until " + dueAt;
            case PAUSE -> driftPause ? "promote or abort (someone else changed what the rollout manages)"
                    : dueAt == null ? "promote or abort" : "pause until " + dueAt;
            case ROLLBACK_AWAIT_STABLE -> "deployment " + plan.target().deployment() + " (" + stableImage
                    + ") to be ready again before traffic moves back to it";
            case DONE -> "nothing (" + phase.name().toLowerCase() + ")";
            default -> stage.name().toLowerCase().replace('_', ' ');
        };
    }

    private static String describe(PlanStep step) {
        if (step instanceof PlanStep.SetWeight w) {
            return "setWeight " + w.weight();
        }
        if (step instanceof PlanStep.Pause p) {
            return p.indefinite() ? "pause until promoted" : "pause " + Durations.format(p.duration());
        }
        if (step instanceof PlanStep.SetHeaderRoute h) {
            return h.removes() ? "remove header route " + h.name() : "header route " + h.name() + " ("
                    + h.match().stream().map(m -> m.headerName() + " " + m.headerValue())
                    .collect(java.util.stream.Collectors.joining(" and ")) + " -> canary)";
        }
        if (step instanceof PlanStep.SetMirrorRoute m) {
            return m.removes() ? "remove mirror route " + m.name() : "mirror route " + m.name() + " ("
                    + m.effectivePercentage() + "% to canary)";
        }
        if (step instanceof PlanStep.SetCanaryScale c) {
            return "setCanaryScale " + (c.replicas() != null ? c.replicas() + " replicas"
                    : c.weight() != null ? c.weight() + "% of stable" : "to match the traffic weight");
        }
        if (step instanceof PlanStep.Judge j) {
            return "judge of " + j.judge().metrics().size() + " metric(s)";
        }
        PlanStep.Analysis a = (PlanStep.Analysis) step;
        return "analysis of " + a.analysis().metrics().size() + " metric(s)";
    }

    private String deploymentResource() {
        return resource("deployment", plan.target().deployment());
    }

    private String canaryResource() {
        return resource("deployment", plan.target().canaryDeployment());
    }

    private String routeResource() {
        if (plan.traffic().isReplicaRatio()) {
            return resource("deployment", plan.target().deployment()) + " replica ratio";
        }
        if (plan.traffic().gatewayAPI() != null) {
            var gateway = plan.traffic().gatewayAPI();
            return resource(gateway.kind().toLowerCase(java.util.Locale.ROOT), gateway.routeName())
                    + (gateway.rule() == null ? "" : " rule " + gateway.rule());
        }
        if (plan.traffic().nginx() != null) {
            return resource("ingress", plan.traffic().nginx().canaryIngress());
        }
        String route = plan.traffic().istio().route();
        return resource("virtualservice", plan.traffic().istio().virtualService())
                + (route == null ? "" : " route " + route);
    }

    private String resource(String kind, String name) {
        return kind + "/" + plan.target().namespace() + "/" + name;
    }

    private static Map<String, AnalysisSpec> analysesByPath(CanaryPlan plan) {
        Map<String, AnalysisSpec> analyses = new LinkedHashMap<>();
        if (plan.analysis() != null) {
            analyses.put("analysis", plan.analysis().spec());
        }
        for (int i = 0; i < plan.steps().size(); i++) {
            if (plan.steps().get(i) instanceof PlanStep.Analysis a) {
                analyses.put("steps[" + i + "].analysis", a.analysis());
            }
        }
        return analyses;
    }
}
