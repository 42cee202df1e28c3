package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisRun;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisState;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Arguments;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.BuiltinThresholds;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What every runner needs besides its own stages: epoch-guarded timers on the {@link Scheduler}, one cluster call at
 * a time on the {@code io} executor with transient failures retried (and logged) on the scheduler, an abort that
 * waits for the call in flight, readiness polling, the analysis of a stage, and the audit events of cluster writes.
 *
 * <p>It has no lock of its own: it runs under the runner's, which it is given, so that a runner's transition and the
 * core's bookkeeping are one atomic step. Every method is called with that lock held.
 */
final class RunnerCore {
    /** The longest wait between two readiness polls while a Deployment rolls out (the watch is usually first). */
    static final Duration READINESS_POLL = Duration.ofSeconds(2);
    /**
     * The first poll after a write. As long as {@link #READINESS_POLL}: with a watch the poll is only the fallback, and
     * the runners' tests (and their users' logs) keep the 2 s rhythm they know.
     */
    static final Duration FIRST_READINESS_POLL = READINESS_POLL;
    /** Waits before retrying a transient cluster failure (5xx, 429, timeouts); then the rollout rolls back. */
    static final List<Duration> RETRY_BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4));

    /** The runner the core drives; called with its lock held. */
    interface Machine {
        /** The rollout has ended: callbacks and timers that arrive now do nothing. */
        boolean ended();

        /** It is rolling back, so an abort has nothing left to do. */
        boolean rollingBack();

        /** A call failed for good: not transient, or still failing after every retry. */
        void callFailed(String what, Exception failure);

        /** Rolls back for an abort that waited for a call to finish. */
        void abortNow(String actor, String reason);

        /** The resource a retry event names, for the stage the runner is in. */
        String retryResource();

        /** Rolling back with traffic not yet safe: failures are retried until it is (or rollbackTimeout). */
        default boolean trafficUnsafe() {
            return rollingBack();
        }

        /** When a retrying rollback gives up ({@code rollbackTimeout} after it started); null: never. */
        default Instant rollbackDeadline() {
            return null;
        }

        /** The plan's {@code rollbackTimeout}, for the message when it passes; null when there is none. */
        default Duration rollbackTimeout() {
            return null;
        }
    }

    private record Abort(String actor, String reason) { }

    private final Object lock;
    private final Machine machine;
    private final MeasurementSource metrics;
    private final Scheduler scheduler;
    private final Executor io;
    private final AuditListener audit;

    /** Bumped on every transition: a timer or callback armed under an older epoch is stale and does nothing. */
    private long epoch;
    private Scheduler.Cancellable timer = Scheduler.Cancellable.NONE;
    private boolean callInFlight;
    private Abort pendingAbort;
    private int attempt;
    /** While a rollback call keeps failing: since when, and what kind of trouble (for the status line). */
    private Instant failingSince;
    private String trouble;
    private AnalysisRun analysisRun;
    private AnalysisState restoredAnalysis;

    /**
     * @param lock              the runner, whose monitor guards it and the core
     * @param attempt           transient failures already retried at the current stage (from a persisted state)
     * @param restoredAnalysis  the analysis that was running when the state was persisted, or null
     */
    RunnerCore(Object lock, Machine machine, MeasurementSource metrics, Scheduler scheduler, Executor io,
               AuditListener audit, int attempt, AnalysisState restoredAnalysis) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.machine = Objects.requireNonNull(machine, "machine");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.io = Objects.requireNonNull(io, "io");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.attempt = attempt;
        this.restoredAnalysis = restoredAnalysis;
    }

    Instant now() {
        return scheduler.now();
    }

    int attempt() {
        return attempt;
    }

    void resetAttempts() {
        attempt = 0;
        failingSince = null;
        trouble = null;
    }

    /** Since when the current rollback call has been failing, or null; persisted with the runner's state. */
    Instant failingSince() {
        return failingSince;
    }

    String trouble() {
        return trouble;
    }

    /** From a persisted state: a rollback that was retrying goes on counting from where it was. */
    void restoreRetry(Instant since, String kind) {
        this.failingSince = since;
        this.trouble = kind;
    }

    /** {@code retrying (attempt 3, API unreachable since 12:00:01Z)} while a rollback call keeps failing, else null. */
    String retryingStatus() {
        return failingSince == null || !machine.trafficUnsafe() ? null
                : RollbackRetry.status(attempt, trouble, failingSince);
    }

    // ---- transitions and timers --------------------------------------------------------------------------------

    /** Makes every armed timer and pending callback stale. */
    void transition() {
        epoch++;
        timer.cancel();
        timer = Scheduler.Cancellable.NONE;
    }

    /** Runs {@code task} from the scheduler, not recursively, so that a long chain of stages never deepens the stack. */
    void next(Runnable task) {
        transition();
        long armed = epoch;
        timer = scheduler.schedule(Duration.ZERO, guarded(armed, task));
    }

    /** Runs {@code task} at {@code when} (at once if it has passed) unless a transition happens first. */
    void armTimer(Instant when, Runnable task) {
        long armed = epoch;
        timer.cancel();
        timer = scheduler.schedule(Duration.between(scheduler.now(), when), guarded(armed, task));
    }

    private Runnable guarded(long armed, Runnable task) {
        return () -> {
            synchronized (lock) {
                if (armed == epoch && !machine.ended()) {
                    task.run();
                }
            }
        };
    }

    // ---- cluster calls -----------------------------------------------------------------------------------------

    /**
     * Runs one cluster call on the I/O executor and continues under the lock. Transient failures are retried on
     * the scheduler with backoff, each retry logged; other failures go to {@link Machine#callFailed}. An abort that
     * arrived during the call takes over once it has finished.
     */
    <T> void call(String what, Callable<T> operation, Consumer<T> onSuccess) {
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
            synchronized (lock) {
                callInFlight = false;
                if (armed != epoch || machine.ended()) {
                    return;
                }
                if (failure == null) {
                    resetAttempts();
                    onSuccess.accept(value);
                } else if (failure instanceof ClusterException cluster && cluster.retriedByRollback()
                        && machine.trafficUnsafe()) {
                    retryRollback(what, failure, () -> call(what, operation, onSuccess));
                } else if (failure instanceof ClusterException cluster && cluster.isTransient()
                        && attempt < RETRY_BACKOFF.size()) {
                    Duration wait = RETRY_BACKOFF.get(attempt);
                    attempt++;
                    emit(event(AuditAction.RETRY).resource(machine.retryResource())
                            .after("retry " + attempt + " of " + RETRY_BACKOFF.size() + " in "
                                    + Durations.format(wait))
                            .reason(what + " failed: " + describe(failure)));
                    armTimer(scheduler.now().plus(wait), () -> call(what, operation, onSuccess));
                } else {
                    machine.callFailed(what, failure);
                }
                if (pendingAbort != null && !callInFlight && !machine.rollingBack() && !machine.ended()) {
                    takeAbort();
                }
            }
        });
    }

    /**
     * A rollback call failed transiently: try again after {@link RollbackRetry#delay}, without an attempt limit,
     * until {@link Machine#rollbackDeadline()} (if any) passes; each attempt is logged with its cause and the time of
     * the next one.
     */
    private void retryRollback(String what, Exception failure, Runnable again) {
        attempt++;
        Instant now = scheduler.now();
        if (failingSince == null) {
            failingSince = now;
        }
        trouble = RollbackRetry.trouble(failure);
        Instant giveUpAt = machine.rollbackDeadline();
        if (giveUpAt != null && !now.isBefore(giveUpAt)) {
            machine.callFailed(what, RollbackRetry.gaveUp(machine.rollbackTimeout(), attempt, failure));
            return;
        }
        Instant next = now.plus(RollbackRetry.delay(attempt));
        if (giveUpAt != null && next.isAfter(giveUpAt)) {
            next = giveUpAt;
        }
        emit(event(AuditAction.RETRY).resource(machine.retryResource())
                .after("rollback attempt " + attempt + " failed; next attempt at "
                        + next.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (in "
                        + Durations.format(Duration.between(now, next)) + "), retrying until traffic is safe"
                        + (giveUpAt == null ? "" : " or rollbackTimeout passes at "
                        + giveUpAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .reason(what + " failed: " + describe(failure))
                .detail("attempt", attempt));
        armTimer(next, again);
    }

    /**
     * Runs {@code cleanUp} on the I/O executor and forgets it: for tidying up after a transition (a hook's Job left
     * behind by an abort) without becoming the call the runner waits for.
     */
    void detached(Runnable cleanUp) {
        io.execute(cleanUp);
    }

    /**
     * Polls a Deployment's readiness until it is ready ({@code whenReady}) or {@code deadline} has passed
     * ({@code whenLate}, with the reason), logging the outcome. Without a watch.
     */
    void pollReadiness(String deployment, String resource, Callable<Readiness> check, Instant deadline,
                       Duration timeout, Runnable whenReady, Consumer<String> whenLate) {
        pollReadiness(deployment, resource, check, ReadinessWatch.NONE, deadline, timeout, whenReady, whenLate);
    }

    /**
     * Checks a Deployment's readiness, and while it is not ready waits for {@code watch} to say it may be (checked
     * again at once) or for the next poll, whichever comes first: polls every {@link #READINESS_POLL}, so a watch
     * that never fires (no watch permission, a dropped connection) costs latency, not correctness. Ends with {@code whenReady}, or {@code whenLate} once
     * {@code deadline} has passed. The watch calls back on its own thread; the check it triggers is scheduled on the
     * scheduler like a poll, so no thread waits.
     */
    void pollReadiness(String deployment, String resource, Callable<Readiness> check, ReadinessWatch watch,
                       Instant deadline, Duration timeout, Runnable whenReady, Consumer<String> whenLate) {
        checkReadiness(deployment, resource, check, watch, deadline, timeout, whenReady, whenLate, null);
    }

    private void checkReadiness(String deployment, String resource, Callable<Readiness> check, ReadinessWatch watch,
                                Instant deadline, Duration timeout, Runnable whenReady, Consumer<String> whenLate,
                                Instant wokenAt) {
        call("check that deployment " + deployment + " is ready", check, readiness -> {
            if (readiness.ready()) {
                ready(resource, readiness, deadline, timeout, wokenAt, false, whenReady);
            } else if (!scheduler.now().isBefore(deadline)) {
                emit(event(AuditAction.READY).resource(resource)
                        .after("not ready: " + readiness.status())
                        .reason("readinessTimeout " + Durations.format(timeout) + " passed"));
                whenLate.accept("deployment " + deployment + " was not ready within " + Durations.format(timeout)
                        + ": " + readiness.status());
            } else {
                waitForReadiness(deployment, resource, check, watch, deadline, timeout, whenReady, whenLate);
            }
        });
    }

    private void ready(String resource, Readiness readiness, Instant deadline, Duration timeout, Instant wokenAt,
                       boolean fromWatch, Runnable whenReady) {
        Instant started = timeout == null ? scheduler.now() : deadline.minus(timeout);
        emit(event(AuditAction.READY).resource(resource).after(readiness.status())
                .reason(readyNote(started, wokenAt, fromWatch))
                .detail("readyAfterMillis", Duration.between(started, scheduler.now()).toMillis()));
        whenReady.run();
    }

    private void waitForReadiness(String deployment, String resource, Callable<Readiness> check,
                                  ReadinessWatch watch, Instant deadline, Duration timeout, Runnable whenReady,
                                  Consumer<String> whenLate) {
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        Consumer<Instant> again = woken -> {
            if (once.compareAndSet(false, true)) {
                checkReadiness(deployment, resource, check, watch, deadline, timeout, whenReady, whenLate, woken);
            }
        };
        Duration sinceWrite = timeout == null ? Duration.ZERO
                : Duration.between(deadline.minus(timeout), scheduler.now());
        Duration delay = sinceWrite.dividedBy(2);
        delay = delay.compareTo(FIRST_READINESS_POLL) < 0 ? FIRST_READINESS_POLL
                : delay.compareTo(READINESS_POLL) > 0 ? READINESS_POLL : delay;
        armTimer(scheduler.now().plus(delay), () -> again.accept(null));
        Scheduler.Cancellable poll = timer;
        long armed = epoch;
        Scheduler.Cancellable watching;
        try {
            watching = watch.whenReady(scheduler, seen -> {
                Instant woken = scheduler.now();
                scheduler.schedule(Duration.ZERO, guarded(armed, () -> {
                    if (seen != null && seen.ready()) {
                        if (once.compareAndSet(false, true)) {
                            transition(); // the poll and the watch end here
                            ready(resource, seen, deadline, timeout, woken, true, whenReady);
                        }
                    } else {
                        again.accept(woken);
                    }
                }));
            });
        } catch (RuntimeException e) {
            watching = Scheduler.Cancellable.NONE; // polling alone still gets there
        }
        Scheduler.Cancellable stopWatching = watching;
        timer = () -> {
            poll.cancel();
            stopWatching.cancel();
        };
    }

    /**
     * Until the next transition: whenever {@code watch} says something may have changed, reads with {@code read} on
     * the I/O executor and hands the answer to {@code onRead} under the lock. One read at a time; events during a read
     * cause one more read after it. These reads are not {@link #call calls}: an abort does not wait for them (a read
     * cannot land after the rollback's write) and a failed one is not retried, it is let go: the watch's next event, or
     * the runner's own check before its next step, reads again. The watch is closed with the stage's timer.
     *
     * @param readNow read once at once, whatever the watch says (a resumed runner re-reads what it missed)
     */
    <T> void watch(ChangeWatch watch, Callable<T> read, Consumer<T> onRead, boolean readNow) {
        long armed = epoch;
        boolean[] reading = new boolean[1];
        boolean[] again = new boolean[1];
        Runnable[] readOnce = new Runnable[1];
        readOnce[0] = () -> {
            if (reading[0]) {
                again[0] = true;
                return;
            }
            reading[0] = true;
            io.execute(() -> {
                T value = null;
                Exception failure = null;
                try {
                    value = read.call();
                } catch (Exception e) {
                    failure = e;
                }
                synchronized (lock) {
                    reading[0] = false;
                    if (armed != epoch || machine.ended()) {
                        return;
                    }
                    if (failure == null) {
                        onRead.accept(value);
                    } else {
                        java.util.logging.Logger.getLogger(RunnerCore.class.getName()).log(
                                java.util.logging.Level.FINE, "a read after a watch event failed; the next event or"
                                        + " the next step reads again", failure);
                    }
                    if (again[0] && armed == epoch && !machine.ended()) {
                        again[0] = false;
                        readOnce[0].run();
                    }
                }
            });
        };
        Scheduler.Cancellable watching;
        try {
            watching = watch.whenChanged(() -> scheduler.schedule(Duration.ZERO, guarded(armed, readOnce[0])));
        } catch (RuntimeException e) {
            watching = Scheduler.Cancellable.NONE; // the check before the next step still reads
        }
        Scheduler.Cancellable before = timer;
        Scheduler.Cancellable stopWatching = watching;
        timer = () -> {
            before.cancel();
            stopWatching.cancel();
        };
        if (readNow) {
            readOnce[0].run();
        }
    }

    /** How readiness was seen, and how long after that the runner acts on it (it does so next). */
    private String readyNote(Instant started, Instant wokenAt, boolean fromWatch) {
        Instant now = scheduler.now();
        Duration took = Duration.between(started, now);
        String after = took.compareTo(Duration.ofSeconds(1)) < 0 ? took.toMillis() + " ms"
                : Durations.format(took.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        if (wokenAt == null) {
            return "ready " + after + " after the write, seen by a poll";
        }
        return "ready " + after + " after the write, seen by the watch" + (fromWatch ? " (no re-read)" : "")
                + "; next action " + Duration.between(wokenAt, now).toMillis() + " ms after the watch event";
    }

    // ---- abort -------------------------------------------------------------------------------------------------

    boolean abortPending() {
        return pendingAbort != null;
    }

    /**
     * Keeps an abort for when the call in flight has finished, so that an older write can never land after the
     * rollback's.
     *
     * @return false when no call is in flight: the runner rolls back now
     */
    boolean deferAbort(String actor, String reason) {
        if (!callInFlight) {
            return false;
        }
        pendingAbort = new Abort(actor, reason);
        return true;
    }

    /**
     * Hands a pending abort to the runner instead of the transition it was about to make.
     *
     * @return false when there was none
     */
    boolean takeAbort() {
        if (pendingAbort == null) {
            return false;
        }
        Abort abort = pendingAbort;
        pendingAbort = null;
        machine.abortNow(abort.actor(), abort.reason());
        return true;
    }

    // ---- analysis ----------------------------------------------------------------------------------------------

    /**
     * Starts the analysis of the current stage, or resumes the one persisted with the state; {@code onVerdict} is
     * called under the lock unless a transition happened first.
     *
     * @param analysisArgs the run's arguments; the analysis takes the ones it declares
     */
    void startAnalysis(String name, AnalysisSpec spec, Map<String, String> analysisArgs,
                       Consumer<AnalysisResult> onVerdict) {
        startAnalysis(name, spec, analysisArgs, null, onVerdict);
    }

    /**
     * {@link #startAnalysis(String, AnalysisSpec, Map, Consumer)} whose built-in metrics ({@code [name:
     * 'success-rate', min: 99]}) measure the workload {@code builtins} names; each one's PromQL is logged as it starts.
     */
    void startAnalysis(String name, AnalysisSpec spec, Map<String, String> analysisArgs,
                       BuiltinThresholds.Context builtins, Consumer<AnalysisResult> onVerdict) {
        long armed = epoch;
        Consumer<AnalysisResult> done = result -> {
            synchronized (lock) {
                if (armed == epoch) {
                    analysisRun = null;
                    onVerdict.accept(result);
                }
            }
        };
        if (restoredAnalysis != null) {
            AnalysisState state = restoredAnalysis;
            restoredAnalysis = null;
            analysisRun = AnalysisRun.resume(state, metrics, scheduler, io, audit, done);
        } else {
            AnalysisSpec withBuiltins = spec;
            if (builtins != null) {
                BuiltinThresholds.Resolution resolution = BuiltinThresholds.resolve(spec, builtins);
                resolution.events(name, scheduler.now()).forEach(audit::onEvent);
                withBuiltins = resolution.spec();
            }
            AnalysisSpec resolved = Arguments.resolve(withBuiltins, argumentsFor(withBuiltins, analysisArgs));
            analysisRun = AnalysisRun.start(name, resolved, metrics, scheduler, io, audit, done);
        }
    }

    /** Stops a running analysis; its verdict no longer reaches the runner. */
    void terminateAnalysis(String reason) {
        if (analysisRun != null) {
            AnalysisRun running = analysisRun;
            analysisRun = null;
            epoch++;
            running.terminate(reason);
        }
    }

    /** The running analysis, or the restored one not yet resumed, for a snapshot. */
    AnalysisState analysisSnapshot() {
        return analysisRun != null ? analysisRun.snapshot() : restoredAnalysis;
    }

    /**
     * Checks the run's analysis arguments against every analysis of a plan before anything starts.
     *
     * @param analyses  each analysis by its path in the plan ({@code steps[2].analysis})
     * @param declaredBy who may declare an argument, for the message ({@code any analysis step of the plan})
     * @throws InvalidPlanException when an argument is undeclared, missing or unsafe
     */
    static void checkArguments(Map<String, AnalysisSpec> analyses, Map<String, String> args, String declaredBy) {
        List<ValidationError> errors = new ArrayList<>();
        Set<String> declared = new TreeSet<>();
        analyses.forEach((path, spec) -> {
            spec.args().forEach(arg -> declared.add(arg.name()));
            try {
                Arguments.resolve(spec, argumentsFor(spec, args), path);
            } catch (InvalidPlanException e) {
                errors.addAll(e.errors());
            }
        });
        for (String name : args.keySet()) {
            if (!declared.contains(name)) {
                errors.add(new ValidationError("args." + name, "is not declared by " + declaredBy + ";"
                        + " declare it under an analysis' args or remove it (declared: "
                        + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("the analysis arguments", errors);
        }
    }

    /** One set of run arguments serves every analysis; each takes the ones it declares. */
    private static Map<String, String> argumentsFor(AnalysisSpec spec, Map<String, String> args) {
        Map<String, String> own = new LinkedHashMap<>();
        spec.args().forEach(arg -> {
            if (args.containsKey(arg.name())) {
                own.put(arg.name(), args.get(arg.name()));
            }
        });
        return own;
    }

    // ---- audit -------------------------------------------------------------------------------------------------

    /**
     * One event per accepted write, plus a retry event for a write that went through only after 409 re-reads.
     *
     * @param rollback the writes undo the rollout: recorded as {@link AuditAction#ROLLBACK}
     * @param weight   the new version's share of traffic after them, on weight changes (what the chart draws)
     */
    void record(List<ClusterChange> changes, boolean rollback, int weight) {
        for (ClusterChange change : changes) {
            AuditAction action = rollback ? AuditAction.ROLLBACK : change.action();
            String note = rollback ? "ok" + (change.note() == null ? "" : ", " + change.note()) : change.note();
            AuditEvent.Builder event = event(action).resource(change.resource())
                    .change(change.before(), change.after())
                    .reason(note)
                    .detail("change", change.action().id());
            if (change.action() == AuditAction.WEIGHT) {
                event.detail("canaryWeight", weight);
            }
            emit(event);
            if (change.conflicts() > 0) {
                emit(event(AuditAction.RETRY).resource(change.resource())
                        .after("written after re-reading " + change.conflicts() + " time(s)")
                        .reason("409 Conflict: the resource changed between read and write"));
            }
        }
    }

    AuditEvent.Builder event(AuditAction action) {
        return AuditEvent.at(scheduler.now(), action);
    }

    void emit(AuditEvent.Builder event) {
        audit.onEvent(event.build());
    }

    static String describe(Exception failure) {
        String text = failure.getMessage();
        return text == null ? failure.getClass().getSimpleName() : text;
    }
}
