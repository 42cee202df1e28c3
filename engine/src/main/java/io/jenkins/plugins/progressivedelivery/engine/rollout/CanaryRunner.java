package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisRun;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisState;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Arguments;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
public final class CanaryRunner {
    /** How often readiness is polled while a Deployment rolls out. */
    static final Duration READINESS_POLL = Duration.ofSeconds(2);
    /** Waits before retrying a transient cluster failure (5xx, 429, timeouts); then the rollout rolls back. */
    static final List<Duration> RETRY_BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4));

    private final CanaryPlan plan;
    private final Map<String, String> analysisArgs;
    private final CanaryCluster cluster;
    private final MeasurementSource metrics;
    private final Scheduler scheduler;
    private final Executor io;
    private final AuditListener audit;
    private final Consumer<RolloutResult> onComplete;

    private RolloutPhase phase;
    private Stage stage;
    private int stepIndex;
    private int canaryWeight;
    private int stableReplicas;
    private Instant dueAt;
    private Instant deadline;
    private int attempt;
    private AnalysisState restoredAnalysis;
    private final List<AnalysisResult> analyses = new ArrayList<>();
    private String rollbackReason;
    private String rollbackActor;
    private boolean abortedByUser;
    private boolean awaitingPromotion;
    private String message;

    /** Bumped on every transition: a timer or callback armed under an older epoch is stale and does nothing. */
    private long epoch;
    private Scheduler.Cancellable timer = Scheduler.Cancellable.NONE;
    private AnalysisRun analysisRun;
    private boolean callInFlight;
    private Abort pendingAbort;

    private record Abort(String actor, String reason) { }

    private CanaryRunner(RolloutState state, CanaryCluster cluster, MeasurementSource metrics, Scheduler scheduler,
                         Executor io, AuditListener audit, Consumer<RolloutResult> onComplete) {
        this.plan = Objects.requireNonNull(state.plan(), "plan");
        this.analysisArgs = state.analysisArgs();
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.io = Objects.requireNonNull(io, "io");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.onComplete = Objects.requireNonNull(onComplete, "onComplete");
        this.phase = state.phase();
        this.stage = state.stage();
        this.stepIndex = state.stepIndex();
        this.canaryWeight = state.canaryWeight();
        this.stableReplicas = state.stableReplicas();
        this.dueAt = state.dueAt();
        this.deadline = state.deadline();
        this.attempt = state.attempt();
        this.restoredAnalysis = state.analysis();
        this.analyses.addAll(state.analyses());
        this.rollbackReason = state.rollbackReason();
        this.rollbackActor = state.rollbackActor();
        this.abortedByUser = state.abortedByUser();
        this.awaitingPromotion = state.awaitingPromotion();
        this.message = state.message();
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
        checkArguments(plan, analysisArgs);
        RolloutState initial = new RolloutState(plan, analysisArgs, RolloutPhase.PROGRESSING, Stage.PREFLIGHT, 0, 0,
                0, null, null, 0, null, List.of(), null, null, false, false, null);
        CanaryRunner runner = new CanaryRunner(initial, cluster, metrics, scheduler, io, audit, onComplete);
        synchronized (runner) {
            runner.emit(runner.event(AuditAction.START)
                    .resource(runner.deploymentResource())
                    .after(plan.target().container() + " -> " + plan.target().image() + ", "
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
        CanaryRunner runner = new CanaryRunner(state, cluster, metrics, scheduler, io, audit, onComplete);
        synchronized (runner) {
            if (state.phase().completed()) {
                runner.stage = Stage.DONE;
                onComplete.accept(runner.result());
                return runner;
            }
            runner.emit(runner.event(AuditAction.START)
                    .resource(runner.deploymentResource())
                    .after("resumed at step " + runner.stepLabel() + " (" + state.stage().name().toLowerCase()
                            + ")")
                    .reason("the process running the rollout restarted"));
            runner.reenter();
        }
        return runner;
    }

    /**
     * Ends the current pause (timed, indefinite, or after an inconclusive analysis) and moves on.
     *
     * @return false when the rollout is not paused, so there is nothing to promote
     */
    public synchronized boolean promote(String actor) {
        if (stage != Stage.PAUSE || phase.completed()) {
            return false;
        }
        emit(event(AuditAction.PROMOTE).actor(actor).resource(deploymentResource())
                .after("continue after step " + stepLabel()));
        awaitingPromotion = false;
        phase = RolloutPhase.PROGRESSING;
        nextStep();
        return true;
    }

    /**
     * Aborts and rolls back. A cluster call in flight finishes first; the rollback follows it.
     *
     * @return false when the rollout has already ended or is already rolling back
     */
    public synchronized boolean abort(String actor, String reason) {
        if (phase.completed() || stage.rollingBack() || pendingAbort != null) {
            return false;
        }
        emit(event(AuditAction.ABORT).actor(actor).resource(deploymentResource())
                .after("at step " + stepLabel() + ", canary weight " + canaryWeight).reason(reason));
        if (callInFlight) {
            pendingAbort = new Abort(actor, reason);
        } else {
            startRollback(reason, actor, true);
        }
        return true;
    }

    public synchronized RolloutState snapshot() {
        AnalysisState analysisState = analysisRun != null ? analysisRun.snapshot() : restoredAnalysis;
        return new RolloutState(plan, analysisArgs, phase, stage, stepIndex, canaryWeight, stableReplicas, dueAt,
                deadline, attempt, stage == Stage.ANALYSIS ? analysisState : null, analyses, rollbackReason,
                rollbackActor, abortedByUser, awaitingPromotion, message);
    }

    public synchronized RolloutStatus status() {
        return new RolloutStatus(phase, Math.min(stepIndex, plan.steps().size()) + 1, plan.steps().size(),
                canaryWeight, awaitingPromotion, waitingFor());
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    private void enter(Stage next) {
        if (pendingAbort != null && !next.rollingBack()) {
            Abort abort = pendingAbort;
            pendingAbort = null;
            startRollback(abort.reason(), abort.actor(), true);
            return;
        }
        epoch++;
        timer.cancel();
        timer = Scheduler.Cancellable.NONE;
        stage = next;
        run(next);
    }

    /** The action of a stage; also what a resumed runner does first. */
    private void run(Stage current) {
        switch (current) {
            case PREFLIGHT -> call("preflight", cluster::preflight, snapshot -> {
                stableReplicas = snapshot.stableReplicas();
                canaryWeight = snapshot.canaryWeight();
                emit(event(AuditAction.PREFLIGHT).resource(deploymentResource())
                        .after("ok: " + snapshot.router() + ", stable replicas " + snapshot.stableReplicas()
                                + ", canary weight " + snapshot.canaryWeight())
                        .reason(snapshot.canaryWeight() > 0 ? "a previous rollout left traffic on the canary;"
                                + " the plan's steps set it again" : null));
                beginStep(0);
            });
            case PREPARE_CANARY -> call("create or scale the canary", () -> cluster.prepareCanary(targetWeight()),
                    changes -> {
                        record(changes, AuditAction.SCALE);
                        deadline = scheduler.now().plus(plan.effectiveReadinessTimeout());
                        enter(Stage.AWAIT_CANARY);
                    });
            case AWAIT_CANARY -> pollReadiness(cluster::canaryReadiness, plan.target().canaryDeployment(),
                    Stage.SHIFT_WEIGHT);
            case SHIFT_WEIGHT -> call("set the traffic weight", () -> cluster.setWeight(targetWeight()), changes -> {
                canaryWeight = targetWeight();
                record(changes, AuditAction.WEIGHT);
                nextStep();
            });
            case PAUSE -> armPause();
            case ANALYSIS -> startAnalysis();
            case PROMOTE_STABLE -> call("promote the new version to stable", cluster::promoteStable, changes -> {
                record(changes, AuditAction.SCALE);
                deadline = scheduler.now().plus(plan.effectiveReadinessTimeout());
                enter(Stage.AWAIT_STABLE);
            });
            case AWAIT_STABLE -> pollReadiness(cluster::stableReadiness, plan.target().deployment(),
                    Stage.FINAL_SHIFT);
            case FINAL_SHIFT -> call("move all traffic to the promoted stable", () -> cluster.setWeight(0),
                    changes -> {
                        canaryWeight = 0;
                        record(changes, AuditAction.WEIGHT);
                        enter(Stage.FINAL_SCALE_DOWN);
                    });
            case FINAL_SCALE_DOWN -> call("scale the canary down", () -> cluster.scaleCanary(0), changes -> {
                record(changes, AuditAction.SCALE);
                finish(RolloutPhase.PROMOTED, plan.target().image() + " is stable and takes all traffic");
            });
            case ROLLBACK_TRAFFIC -> call("move all traffic back to stable", () -> cluster.setWeight(0),
                    changes -> {
                        canaryWeight = 0;
                        record(changes, AuditAction.ROLLBACK);
                        if (changes.isEmpty()) {
                            emit(event(AuditAction.ROLLBACK).resource(routeResource())
                                    .after("ok: traffic was already all on stable"));
                        }
                        dueAt = scheduler.now().plus(plan.effectiveAbortScaleDownDelay());
                        enter(Stage.ROLLBACK_WAIT);
                    });
            case ROLLBACK_WAIT -> {
                emit(event(AuditAction.PAUSE).resource(canaryResource())
                        .after("canary kept for " + Durations.format(plan.effectiveAbortScaleDownDelay())
                                + " (abortScaleDownDelay) before it is scaled down"));
                armTimer(dueAt, () -> enter(Stage.ROLLBACK_SCALE_DOWN));
            }
            case ROLLBACK_SCALE_DOWN -> call("scale the canary down", () -> cluster.scaleCanary(0), changes -> {
                record(changes, AuditAction.ROLLBACK);
                finishRollback(null);
            });
            case DONE -> { }
        }
    }

    /** After a restart: waits are re-armed from their persisted times, everything else is re-issued. */
    private void reenter() {
        epoch++;
        switch (stage) {
            case PAUSE -> {
                if (dueAt == null) {
                    phase = RolloutPhase.PAUSED;
                    awaitingPromotion = true;
                } else {
                    armTimer(dueAt, this::endPause);
                }
            }
            case ROLLBACK_WAIT -> armTimer(dueAt, () -> enter(Stage.ROLLBACK_SCALE_DOWN));
            default -> run(stage);
        }
    }

    private void beginStep(int index) {
        stepIndex = index;
        attempt = 0;
        if (index >= plan.steps().size()) {
            emit(event(AuditAction.PROMOTE).resource(deploymentResource())
                    .after("all " + plan.steps().size() + " steps passed: " + plan.target().image()
                            + " becomes stable"));
            enter(Stage.PROMOTE_STABLE);
            return;
        }
        PlanStep step = plan.steps().get(index);
        emit(event(AuditAction.STEP).resource(deploymentResource()).after("step " + stepLabel() + ": "
                + describe(step)));
        if (step instanceof PlanStep.SetWeight) {
            enter(Stage.PREPARE_CANARY);
        } else if (step instanceof PlanStep.Pause pause) {
            dueAt = pause.indefinite() ? null : scheduler.now().plus(pause.duration());
            enter(Stage.PAUSE);
        } else {
            enter(Stage.ANALYSIS);
        }
    }

    /** Steps advance on the scheduler, not recursively, so a long plan never deepens the stack. */
    private void nextStep() {
        int next = stepIndex + 1;
        epoch++;
        timer.cancel();
        long armed = epoch;
        timer = scheduler.schedule(Duration.ZERO, guarded(armed, () -> beginStep(next)));
    }

    private void armPause() {
        if (dueAt == null) {
            phase = RolloutPhase.PAUSED;
            awaitingPromotion = true;
            boolean inconclusive = plan.steps().get(stepIndex) instanceof PlanStep.Analysis;
            emit(event(AuditAction.PAUSE).resource(deploymentResource())
                    .after("waiting for promote or abort").detail("indefinite", true)
                    .reason(inconclusive ? "the analysis of step " + stepLabel() + " was Inconclusive" : null));
        } else {
            emit(event(AuditAction.PAUSE).resource(deploymentResource())
                    .after("until " + dueAt + " (" + Durations.format(Duration.between(scheduler.now(), dueAt))
                            + ")"));
            armTimer(dueAt, this::endPause);
        }
    }

    private void endPause() {
        emit(event(AuditAction.RESUME).resource(deploymentResource()).after("pause of step " + stepLabel()
                + " ended"));
        nextStep();
    }

    private void startAnalysis() {
        PlanStep.Analysis step = (PlanStep.Analysis) plan.steps().get(stepIndex);
        String name = "step-" + (stepIndex + 1);
        long armed = epoch;
        Consumer<AnalysisResult> done = result -> {
            synchronized (this) {
                if (armed == epoch) {
                    analysisDone(result);
                }
            }
        };
        if (restoredAnalysis != null) {
            AnalysisState state = restoredAnalysis;
            restoredAnalysis = null;
            analysisRun = AnalysisRun.resume(state, metrics, scheduler, io, audit, done);
        } else {
            AnalysisSpec resolved = Arguments.resolve(step.analysis(), argumentsFor(step.analysis(), analysisArgs));
            analysisRun = AnalysisRun.start(name, resolved, metrics, scheduler, io, audit, done);
        }
    }

    private void analysisDone(AnalysisResult result) {
        analysisRun = null;
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

    private void pollReadiness(Callable<Readiness> check, String deployment, Stage whenReady) {
        call("check that deployment " + deployment + " is ready", check, readiness -> {
            if (readiness.ready()) {
                emit(event(AuditAction.READY).resource(resource("deployment", deployment))
                        .after(readiness.status()));
                enter(whenReady);
            } else if (!scheduler.now().isBefore(deadline)) {
                emit(event(AuditAction.READY).resource(resource("deployment", deployment))
                        .after("not ready: " + readiness.status())
                        .reason("readinessTimeout " + Durations.format(plan.effectiveReadinessTimeout())
                                + " passed"));
                startRollback("deployment " + deployment + " was not ready within "
                        + Durations.format(plan.effectiveReadinessTimeout()) + ": " + readiness.status(),
                        AuditEvent.ENGINE, false);
            } else {
                armTimer(scheduler.now().plus(READINESS_POLL), () -> run(stage));
            }
        });
    }

    private void startRollback(String reason, String actor, boolean byUser) {
        if (analysisRun != null) {
            AnalysisRun running = analysisRun;
            analysisRun = null;
            epoch++;
            running.terminate("the rollout is rolling back: " + reason);
        }
        phase = RolloutPhase.ROLLING_BACK;
        awaitingPromotion = false;
        rollbackReason = reason;
        rollbackActor = actor;
        abortedByUser = byUser;
        attempt = 0;
        emit(event(AuditAction.ROLLBACK).actor(actor).resource(routeResource())
                .after("moving all traffic to stable (canary weight " + canaryWeight + " -> 0)")
                .reason(reason));
        enter(Stage.ROLLBACK_TRAFFIC);
    }

    private void finishRollback(String problem) {
        RolloutPhase end = abortedByUser ? RolloutPhase.ABORTED : RolloutPhase.ROLLED_BACK;
        String how = end == RolloutPhase.ABORTED ? "aborted" : "rolled back";
        finish(end, how + ": " + rollbackReason + "; traffic is on stable " + plan.target().deployment()
                + (problem == null ? "" : "; but " + problem));
    }

    private void finish(RolloutPhase end, String why) {
        epoch++;
        timer.cancel();
        stage = Stage.DONE;
        phase = end;
        message = why;
        awaitingPromotion = false;
        emit(event(AuditAction.COMPLETE).resource(deploymentResource()).after(end.name()).reason(why));
        onComplete.accept(result());
    }

    private RolloutResult result() {
        return new RolloutResult(phase, canaryWeight, analyses, message);
    }

    // ---- cluster calls -----------------------------------------------------------------------------------------

    /**
     * Runs one cluster call on the I/O executor and continues under the lock. Transient failures are retried on
     * the scheduler with backoff, each retry logged; other failures roll back (or, during the rollback, end it
     * loudly).
     */
    private <T> void call(String what, Callable<T> operation, Consumer<T> onSuccess) {
        long armed = epoch;
        callInFlight = true;
        io.execute(() -> {
            T value = null;
            Exception failure = null;
            try {
                value = operation.call();
            } catch (Exception e) {
                failure = e;
            }
            synchronized (this) {
                callInFlight = false;
                if (armed != epoch || stage == Stage.DONE) {
                    return;
                }
                if (failure == null) {
                    attempt = 0;
                    onSuccess.accept(value);
                } else {
                    failed(what, failure);
                }
                if (pendingAbort != null && !callInFlight && !stage.rollingBack() && stage != Stage.DONE) {
                    Abort abort = pendingAbort;
                    pendingAbort = null;
                    startRollback(abort.reason(), abort.actor(), true);
                }
            }
        });
    }

    private void failed(String what, Exception failure) {
        String reason = what + " failed: " + describe(failure);
        if (failure instanceof PreflightException) {
            finish(RolloutPhase.FAILED, failure.getMessage());
            return;
        }
        if (failure instanceof ClusterException cluster && cluster.isTransient() && attempt < RETRY_BACKOFF.size()) {
            Duration wait = RETRY_BACKOFF.get(attempt);
            attempt++;
            emit(event(AuditAction.RETRY).resource(stage == Stage.PREFLIGHT ? deploymentResource() : routeResource())
                    .after("retry " + attempt + " of " + RETRY_BACKOFF.size() + " in " + Durations.format(wait))
                    .reason(reason));
            armTimer(scheduler.now().plus(wait), () -> run(stage));
            return;
        }
        if (stage == Stage.PREFLIGHT) {
            finish(RolloutPhase.FAILED, reason + "; nothing was changed");
        } else if (stage == Stage.ROLLBACK_TRAFFIC) {
            emit(event(AuditAction.ROLLBACK).resource(routeResource()).after("FAILED").reason(reason));
            finish(RolloutPhase.FAILED, "rollback FAILED: traffic could not be moved back to stable ("
                    + reason + "); the canary still receives " + canaryWeight + "% - fix "
                    + routeResource() + " by hand");
        } else if (stage == Stage.ROLLBACK_SCALE_DOWN) {
            emit(event(AuditAction.ROLLBACK).resource(canaryResource()).after("FAILED").reason(reason));
            finishRollback("the canary could not be scaled down (" + reason + ")");
        } else {
            startRollback(reason, AuditEvent.ENGINE, false);
        }
    }

    private void armTimer(Instant when, Runnable task) {
        long armed = epoch;
        timer.cancel();
        timer = scheduler.schedule(Duration.between(scheduler.now(), when), guarded(armed, task));
    }

    private Runnable guarded(long armed, Runnable task) {
        return () -> {
            synchronized (this) {
                if (armed == epoch && stage != Stage.DONE) {
                    task.run();
                }
            }
        };
    }

    // ---- audit -------------------------------------------------------------------------------------------------

    private void record(List<ClusterChange> changes, AuditAction defaultAction) {
        for (ClusterChange change : changes) {
            AuditAction action = defaultAction == AuditAction.ROLLBACK ? AuditAction.ROLLBACK : change.action();
            boolean rollback = defaultAction == AuditAction.ROLLBACK;
            String note = rollback ? "ok" + (change.note() == null ? "" : ", " + change.note()) : change.note();
            AuditEvent.Builder event = event(action).resource(change.resource())
                    .change(change.before(), change.after())
                    .reason(note)
                    .detail("change", change.action().id());
            if (change.action() == AuditAction.WEIGHT) {
                event.detail("canaryWeight", canaryWeight);
            }
            emit(event);
            if (change.conflicts() > 0) {
                emit(event(AuditAction.RETRY).resource(change.resource())
                        .after("written after re-reading " + change.conflicts() + " time(s)")
                        .reason("409 Conflict: the resource changed between read and write"));
            }
        }
    }

    private AuditEvent.Builder event(AuditAction action) {
        return AuditEvent.at(scheduler.now(), action);
    }

    private void emit(AuditEvent.Builder event) {
        audit.onEvent(event.build());
    }

    private int targetWeight() {
        return ((PlanStep.SetWeight) plan.steps().get(stepIndex)).weight();
    }

    private String stepLabel() {
        return Math.min(stepIndex + 1, plan.steps().size()) + "/" + plan.steps().size();
    }

    private String waitingFor() {
        return switch (stage) {
            case PAUSE -> dueAt == null ? "promote or abort" : "pause until " + dueAt;
            case ANALYSIS -> "analysis of step " + stepLabel();
            case AWAIT_CANARY -> "canary deployment " + plan.target().canaryDeployment() + " to be ready";
            case AWAIT_STABLE -> "deployment " + plan.target().deployment() + " to be ready";
            case ROLLBACK_WAIT -> "abortScaleDownDelay until " + dueAt;
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
        PlanStep.Analysis a = (PlanStep.Analysis) step;
        return "analysis of " + a.analysis().metrics().size() + " metric(s)";
    }

    private static String describe(Exception failure) {
        String text = failure.getMessage();
        return text == null ? failure.getClass().getSimpleName() : text;
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
        String route = plan.traffic().istio().route();
        return resource("virtualservice", plan.traffic().istio().virtualService())
                + (route == null ? "" : " route " + route);
    }

    private String resource(String kind, String name) {
        return kind + "/" + plan.target().namespace() + "/" + name;
    }

    private static void checkArguments(CanaryPlan plan, Map<String, String> args) {
        List<ValidationError> errors = new ArrayList<>();
        java.util.Set<String> declared = new java.util.TreeSet<>();
        for (int i = 0; i < plan.steps().size(); i++) {
            if (plan.steps().get(i) instanceof PlanStep.Analysis a) {
                a.analysis().args().forEach(arg -> declared.add(arg.name()));
                try {
                    Arguments.resolve(a.analysis(), argumentsFor(a.analysis(), args), "steps[" + i + "].analysis");
                } catch (InvalidPlanException e) {
                    errors.addAll(e.errors());
                }
            }
        }
        for (String name : args.keySet()) {
            if (!declared.contains(name)) {
                errors.add(new ValidationError("args." + name, "is not declared by any analysis step of the plan;"
                        + " declare it under an analysis' args or remove it (declared: "
                        + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("the analysis arguments", errors);
        }
    }

    /** One set of run arguments serves every analysis step; each step takes the ones it declares. */
    private static Map<String, String> argumentsFor(AnalysisSpec spec, Map<String, String> args) {
        Map<String, String> own = new java.util.LinkedHashMap<>();
        spec.args().forEach(arg -> {
            if (args.containsKey(arg.name())) {
                own.put(arg.name(), args.get(arg.name()));
            }
        });
        return own;
    }
}
