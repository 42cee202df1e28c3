package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import io.jenkins.plugins.progressivedelivery.remote.Serialized;
import io.jenkins.plugins.progressivedelivery.rollback.ClusterRef;
import io.jenkins.plugins.progressivedelivery.rollback.EngineGate;
import io.jenkins.plugins.progressivedelivery.rollback.PendingRollback;
import io.jenkins.plugins.progressivedelivery.rollback.RollbackKeeper;
import io.jenkins.plugins.progressivedelivery.rollback.RollbackKind;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.AbstractStepExecutionImpl;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The lifecycle every step of this plugin shares, around one engine object that moves on its own timers (a
 * {@code CanaryRunner}, a {@code BlueGreenRunner}, an {@code AnalysisRun}):
 * <ul>
 *   <li>{@link #start()} returns at once; the step {@linkplain #prepare prepares} (plan, credentials) and starts the
 *       engine on the I/O pool, after adding its record to the build;</li>
 *   <li>each engine event is a log line and goes into the record; after a transition the engine's snapshot is
 *       persisted and the Promote / Abort links are printed once per wait for a person;</li>
 *   <li>{@link #stop} hands the abort to the engine; the step ends with the stop's cause once the engine is done
 *       (the engine's rollback actions are logged as they happen);</li>
 *   <li>{@link #onResume()} continues the engine from the persisted snapshot, credentials looked up again.</li>
 * </ul>
 * A step's {@code Execution} adds only what is its own: how it prepares, what its engine reports and what it returns.
 *
 * <p>Persisted here: the engine's snapshot as text (see {@link Serialized}), the record's id, and whether the build
 * was stopped. Everything else is transient and comes back in {@link #onResume()}.
 *
 * @param <E> the engine object
 * @param <S> its snapshot
 * @param <R> its result
 */
abstract class RunnerExecution<E, S extends Serializable, R> extends AbstractStepExecutionImpl
        implements DeliveryAction.Gate, RollbackKeeper.KeepingStep {
    private static final long serialVersionUID = 1L;

    private String recordId;
    private volatile String state;
    private volatile boolean stopping;
    /** The computer whose agent made the calls (null: the controller), so a resumed step keeps using it. */
    private String computer;
    /** Who stopped the build and why, kept so that a step stopped before a restart still ends as stopped. */
    private String stopActor;
    private String stopReason;
    /** The rollback keeper's file for this step's rollback while it is pending (see {@link #keep}), else null. */
    private String keeperId;

    private transient StepRuntime runtime;
    private transient volatile E engine;
    private transient TaskListener listener;
    private transient Run<?, ?> run;
    private transient DeliveryAction record;
    private transient AtomicBoolean checkpointPending;
    /** Set once the step has ended (success or failure): Pipeline must hear of the end exactly once. */
    private transient AtomicBoolean completed;
    private transient boolean gateAnnounced;
    private transient Throwable stopCause;
    /** What the engine used that is let go when the step ends: its sessions of the client cache. */
    private transient java.util.List<AutoCloseable> endOfStep;
    /** Stops this step's engine when its rollback passes to the keeper. */
    private transient volatile EngineGate gate;
    /** Set once the keeper carries the rollback on: the step's engine, events and end are no longer its own. */
    private transient volatile boolean handedOver;
    private transient ClusterRef keptCluster;

    RunnerExecution(StepContext context, StepRuntime runtime) {
        super(context);
        this.runtime = runtime;
    }

    // ---- what each step adds ---------------------------------------------------------------------------------------

    /**
     * What a step prepared before its engine starts: the record's title and target, the first log line, and how to
     * start (or resume) the engine with this execution's event listener and completion callback.
     */
    record Launch<E, R>(String title, String target, String announcement, Starter<E, R> starter) {
    }

    @FunctionalInterface
    interface Starter<E, R> {
        E start(AuditListener events, Consumer<R> onComplete);
    }

    /** The engine at a glance, after a transition: the record's status, and whether a person must decide now. */
    record Progress(String status, boolean awaitingPromotion, String gatePosition) {
    }

    /** How the engine ended, for the record and the log. */
    record Outcome(String verdict, Integer finalWeight, String message, String logLine) {
    }

    /** The step's function name: the record's kind, and the start of its messages. */
    abstract String functionName();

    /** Loads the plan and resolves the credentials: everything that may block before anything changes. */
    abstract Launch<E, R> prepare(StepContext context) throws Exception;

    /** Resolves the credentials again, to continue from the persisted snapshot after a restart. */
    abstract Launch<E, R> prepareResume(StepContext context, S snapshot) throws Exception;

    abstract Class<S> snapshotType();

    abstract S snapshot(E engine);

    abstract Progress progress(E engine);

    /** For a thread dump: what the engine is doing and waiting for. */
    abstract String statusOf(E engine);

    /** Aborts the engine for a stopped build, logging what that does. */
    abstract void stopEngine(E engine, String actor, String reason);

    abstract Outcome outcome(R result);

    /** Ends the step with the engine's result (when the build was not stopped): its value, or a failure. */
    abstract void deliver(E engine, R result) throws Exception;

    /**
     * The cluster a rollback of this step reaches, as the rollback keeper writes it down (ids, never secrets); null
     * for a step without a rollback.
     */
    ClusterRef keeperCluster(StepContext context) throws IOException, InterruptedException {
        return null;
    }

    /** Who may Promote or Abort ({@code approvers:}), kept on the record; null: the Job/Build and Job/Cancel holders. */
    String approvers() {
        return null;
    }

    /** Promote from the link or the build page; an engine without a gate says no. */
    boolean promote(E engine, String actor) {
        return false;
    }

    /** Abort from the link or the build page; an engine without a gate says no. */
    boolean abort(E engine, String actor, String reason) {
        return false;
    }

    // ---- for the steps -------------------------------------------------------------------------------------------

    final StepRuntime runtime() {
        return runtime;
    }

    final Run<?, ?> run() {
        return run;
    }

    /** The timers the engine runs on: stopped when its rollback passes to the keeper. */
    final Scheduler engineScheduler() {
        return gate().scheduler(runtime.scheduler);
    }

    /** The I/O executor the engine's calls run on: stopped when its rollback passes to the keeper. */
    final java.util.concurrent.Executor engineIo() {
        return gate().io(runtime.io);
    }

    private synchronized EngineGate gate() {
        if (gate == null) {
            gate = new EngineGate();
        }
        return gate;
    }

    /** The engine, once started (or resumed); null before. */
    final E engine() {
        return engine;
    }

    /** Where the calls run; remembered, so that after a restart they go to the same agent (once it is back). */
    final Where where(StepContext context) throws IOException, InterruptedException {
        Where where = StepSupport.where(context, computer);
        computer = where.computer();
        return where;
    }

    /** Closes {@code resource} (if it is {@link AutoCloseable}) when the step ends, however it ends. */
    final <T> T closeAtEnd(T resource) {
        if (resource instanceof AutoCloseable closeable) {
            synchronized (this) {
                if (endOfStep == null) {
                    endOfStep = new java.util.ArrayList<>();
                }
                endOfStep.add(closeable);
            }
        }
        return resource;
    }

    private void closeEndOfStep() {
        java.util.List<AutoCloseable> resources;
        synchronized (this) {
            resources = endOfStep;
            endOfStep = null;
        }
        if (resources == null) {
            return;
        }
        runtime.io.execute(() -> {
            for (AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // a client that cannot be released now is closed when it has been idle
                }
            }
        });
    }

    final void log(String line) {
        StepSupport.log(listener, line);
    }

    // ---- the lifecycle ---------------------------------------------------------------------------------------------

    @Override
    public final boolean start() throws Exception {
        run = getContext().get(Run.class);
        listener = getContext().get(TaskListener.class);
        checkpointPending = new AtomicBoolean();
        completed = new AtomicBoolean();
        runtime.io.execute(this::begin);
        return false;
    }

    private void begin() {
        try {
            Launch<E, R> launch = prepare(getContext());
            synchronized (this) {
                if (stopping) {
                    return; // stop() came first and already ended the step; nothing was changed
                }
                record = DeliveryAction.addTo(run, functionName(), launch.title());
                recordId = record.getId();
                record.setTarget(launch.target());
                record.setApprovers(approvers());
                record.attach(this);
                log(launch.announcement());
                engine = launch.starter().start(this::onEvent, this::onComplete);
            }
        } catch (Exception | LinkageError e) {
            fail(e); // the engine did not start: nothing was changed in the cluster
            return;
        }
        checkpointSafely();
    }

    @Override
    public final void onResume() {
        resume(StepRuntime.jenkins());
    }

    /** Continues from the persisted snapshot; the runtime is a seam for tests. */
    final void resume(StepRuntime resumedRuntime) {
        runtime = resumedRuntime;
        checkpointPending = new AtomicBoolean();
        completed = new AtomicBoolean();
        runtime.io.execute(() -> {
            try {
                StepContext context = getContext();
                run = context.get(Run.class);
                listener = context.get(TaskListener.class);
                if (state == null) {
                    fail(new AbortException(functionName() + ": Jenkins restarted before the step had saved its"
                            + " state, so it cannot continue. If its first actions had already started, check the"
                            + " cluster (the build log lists every change made) and run the build again."));
                    return;
                }
                RollbackKeeper keeper = runtime.keeper;
                if (keeperId != null && keeper != null) {
                    if (keeper.keeps(keeperId)) {
                        fail(new AbortException(functionName() + ": the Jenkins rollback keeper has taken the"
                                + " rollback over and finishes it; see the record"));
                        return;
                    }
                    keeper.claim(keeperId, new Handle());
                }
                Launch<E, R> launch = prepareResume(context, Serialized.fromText(state, snapshotType()));
                synchronized (this) {
                    record = DeliveryAction.find(run, recordId);
                    if (record == null) {
                        record = new DeliveryAction(recordId, functionName(), launch.title());
                        record.setTarget(launch.target());
                        record.setApprovers(approvers());
                        run.addAction(record);
                    }
                    record.attach(this);
                    log(launch.announcement());
                    engine = launch.starter().start(this::onEvent, this::onComplete);
                    if (stopping) {
                        stopEngine(engine, stopActor == null ? "jenkins" : stopActor,
                                stopReason == null ? "the build was stopped while Jenkins restarted" : stopReason);
                    }
                }
            } catch (Exception | LinkageError e) {
                fail(e);
                return;
            }
            checkpointSafely();
        });
    }

    /**
     * Abort, {@code timeout}, or an interrupted build: the engine undoes what it did, then the step ends with the
     * cause. Before the engine started nothing was changed, and the step ends at once.
     */
    @Override
    public final void stop(Throwable cause) throws Exception {
        E current;
        synchronized (this) {
            stopping = true;
            stopCause = cause;
            stopActor = actor(cause);
            stopReason = reason(cause);
            current = engine;
        }
        getContext().saveState();
        if (current == null) {
            if (state == null) {
                fail(cause); // nothing was changed in the cluster yet; begin() will not start
            }
            return; // still resuming after a restart: resume() sees the flag and aborts
        }
        stopEngine(current, actor(cause), reason(cause));
    }

    private void onEvent(AuditEvent event) {
        if (handedOver) {
            return; // a call that was on the wire when the keeper took over; the keeper's engine makes it again
        }
        StepSupport.logEvent(listener, event);
        io.jenkins.plugins.progressivedelivery.actions.DoctorAction.onRolloutEvent(event, run, listener,
                this::flowNode);
        DeliveryAction current = record;
        if (current != null) {
            current.record(event);
        }
        if (checkpointPending != null && checkpointPending.compareAndSet(false, true)) {
            runtime.io.execute(this::checkpointSafely);
        }
    }

    /**
     * A checkpoint that cannot end the step: the engine keeps going (and ends the step through {@link #finish}) even
     * if its state could not be saved this time; the log says so.
     */
    private void checkpointSafely() {
        try {
            checkpoint();
        } catch (RuntimeException | LinkageError e) {
            log("could not save the state of " + functionName() + " (a restart now would not resume it): " + e);
        }
    }

    /**
     * After a transition: persist the snapshot (the engine's lock makes this wait for the transition to end), the
     * record, and show the Promote / Abort links once per wait for a person.
     */
    private void checkpoint() {
        AtomicBoolean pending = checkpointPending;
        // Checkpoints come from several I/O threads; one at a time, so the gate's links are printed once. The lock is
        // not this execution's: the engine's lock is taken inside (snapshot), never the other way round.
        synchronized (pending) {
            pending.set(false);
            E current = engine;
            if (current == null) {
                return;
            }
            if (handedOver) {
                return;
            }
            S snapshot = snapshot(current);
            state = Serialized.toText(snapshot);
            getContext().saveState();
            Progress progress = progress(current);
            keep(snapshot, progress.status());
            DeliveryAction currentRecord = record;
            if (currentRecord != null) {
                currentRecord.setStatus(progress.status());
                if (progress.awaitingPromotion() && !gateAnnounced) {
                    StepSupport.logGate(listener, run, currentRecord, progress.gatePosition());
                }
                StepSupport.save(run);
            }
            StepSupport.markPaused(getContext(), progress.awaitingPromotion(), "Promote or Abort");
            gateAnnounced = progress.awaitingPromotion();
        }
    }

    private void onComplete(R result) {
        if (handedOver) {
            return;
        }
        runtime.io.execute(() -> finish(result));
    }

    // ---- the rollback keeper ---------------------------------------------------------------------------------------

    /**
     * While the engine rolls back and traffic is not safe, and then while its delayed scale-down is due, the rollback
     * keeper holds a copy of its state on disk and watches whether this step can still finish it: a step ended during
     * the scale-down delay ({@code timeout}, a hard kill, a restart it does not resume from) would otherwise leave the
     * canary or the rejected colour running. Once nothing is pending the copy goes.
     */
    private void keep(S snapshot, String status) {
        RollbackKeeper keeper = runtime.keeper;
        RollbackKind kind = RollbackKind.ofStep(functionName());
        if (keeper == null || kind == null || handedOver) {
            return;
        }
        try {
            if (kind.pending(snapshot)) {
                if (keeperId == null) {
                    keeperId = java.util.UUID.randomUUID().toString();
                    // the program state names the file before the file exists: after a restart, a file whose step
                    // resumes is always claimed by it, never resumed a second time by the keeper
                    try {
                        getContext().saveState().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        log("could not save this step's state before handing its rollback to the keeper: " + e);
                    }
                }
                if (keptCluster == null) {
                    keptCluster = keeperCluster(getContext());
                }
                DeliveryAction current = record;
                PendingRollback.ScaleDown scaleDown = kind.unsafe(snapshot) ? null
                        : kind.scaleDown(snapshot, runtime.scheduler.now()).by(PendingRollback.STEP);
                keeper.track(new PendingRollback(keeperId, functionName(), run.getParent().getFullName(),
                        run.getNumber(), recordId, current == null ? null : current.getTitle(), computer, keptCluster,
                        PendingRollback.STEP, null, null, kind.tree(snapshot)).withScaleDown(scaleDown), status,
                        new Handle());
            } else if (keeperId != null) {
                keeper.release(keeperId);
                keeperId = null;
            }
        } catch (IOException | RuntimeException e) {
            log("could not hand the rollback's state to the Jenkins rollback keeper (if this step is ended before"
                    + " its rollback is done, nothing carries it on): " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public final String pendingRollbackId() {
        return handedOver ? null : keeperId;
    }

    /** What the keeper sees of this step: whether it has ended, and how to take its rollback over. */
    private final class Handle implements RollbackKeeper.StepHandle {
        @Override
        public String endedBecause() {
            AtomicBoolean done = completed;
            if (done != null && done.get()) {
                return null;
            }
            return runtime.liveness.endedBecause(getContext(), run);
        }

        @Override
        public RollbackKeeper.Handover handOver(String because) {
            E current;
            synchronized (RunnerExecution.this) {
                current = engine;
                if (current == null || completed.get()) {
                    return null;
                }
                handedOver = true;
                completed.set(true); // the step's context has ended (or will never be heard again)
            }
            gate().close();
            S snapshot = snapshot(current);
            DeliveryAction currentRecord = record;
            if (currentRecord != null) {
                currentRecord.detach();
            }
            RollbackKind kind = RollbackKind.ofStep(functionName());
            PendingRollback.ScaleDown scaleDown = kind == null || kind.unsafe(snapshot) ? null
                    : kind.scaleDown(snapshot, runtime.scheduler.now());
            if (scaleDown == null) {
                log("this step has ended before traffic was safe (" + because + "): the Jenkins rollback keeper"
                        + " carries the rollback on from where it is; its attempts go into the record, into this log"
                        + " while the build runs, and into the Jenkins log after");
            } else {
                log("this step has ended after traffic was safe (" + because + "): the delayed scale-down of "
                        + scaleDown.resource() + ", due at " + scaleDown.dueAt() + ", is handed over to the Jenkins"
                        + " rollback keeper; it goes into the record, into this log while the build runs, and into"
                        + " the Jenkins log after");
            }
            closeEndOfStep();
            return new RollbackKeeper.Handover(snapshot, listener);
        }
    }

    private void finish(R result) {
        E ended;
        synchronized (this) {
            ended = engine; // an engine may end while begin() or resume() is still starting it: wait for them
        }
        try {
            checkpointSafely();
            Outcome outcome = outcome(result);
            DeliveryAction current = record;
            if (current != null) {
                current.complete(outcome.verdict(), outcome.finalWeight(), outcome.message());
                current.detach();
                StepSupport.save(run);
            }
            log(outcome.logLine());
            if (result instanceof RolloutResult unsafe && !unsafe.phase().trafficSafe()) {
                // Never SUCCESS (returnResult), never an ordinary failure or abort: the log's last line says that
                // traffic is not safe, which resource is left in which state and the command that finishes it.
                fail(new AbortException(functionName() + ": TRAFFIC IS NOT SAFE - " + unsafe.message()));
            } else if (stopping) {
                // After a restart the original cause is gone; the build was stopped all the same.
                Throwable cause = stopCause != null ? stopCause : new FlowInterruptedException(Result.ABORTED);
                fail(cause);
            } else if (completed.compareAndSet(false, true)) {
                try {
                    deliver(ended, result);
                } catch (Throwable e) {
                    getContext().onFailure(e); // deliver ends the step as its last act: when it threw, it had not
                }
            }
        } catch (Throwable e) {
            fail(e);
        } finally {
            closeEndOfStep();
        }
    }

    /** Ends the step with {@code cause}, unless it has already ended. */
    private void fail(Throwable cause) {
        if (completed.compareAndSet(false, true)) {
            closeEndOfStep();
            getContext().onFailure(cause);
        }
    }

    @Override
    public final String getStatus() {
        E current = engine;
        if (current == null) {
            return state == null ? "starting" : "resuming after a restart";
        }
        return statusOf(current);
    }

    // ---- DeliveryAction.Gate: the Promote / Abort buttons and links ----------------------------------------------

    @Override
    public final boolean awaitingPromotion() {
        E current = engine;
        return current != null && progress(current).awaitingPromotion();
    }

    @Override
    public final boolean promote(String actor) {
        E current = engine;
        return current != null && promote(current, actor);
    }

    @Override
    public final boolean abort(String actor, String reason) {
        E current = engine;
        return current != null && abort(current, actor, reason);
    }

    /** The step's node, for a WarningAction; null when it cannot be had (the doctor's summary still gets logged). */
    private org.jenkinsci.plugins.workflow.graph.FlowNode flowNode() {
        try {
            return getContext().get(org.jenkinsci.plugins.workflow.graph.FlowNode.class);
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    /** Who stopped the build (for the audit trail), else {@code pipeline} (a timeout, a failed parallel branch). */
    static String actor(Throwable cause) {
        if (cause instanceof FlowInterruptedException interrupted) {
            for (CauseOfInterruption c : interrupted.getCauses()) {
                if (c instanceof CauseOfInterruption.UserInterruption user) {
                    return user.getUserId();
                }
            }
        }
        return "pipeline";
    }

    static String reason(Throwable cause) {
        if (cause instanceof FlowInterruptedException interrupted && !interrupted.getCauses().isEmpty()) {
            return interrupted.getCauses().get(0).getShortDescription();
        }
        return cause == null ? "stopped" : cause.toString();
    }
}
