package io.jenkins.plugins.progressivedelivery.engine.analysis;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Runs one analysis with Argo Rollouts semantics: every metric on its own schedule ({@code initialDelay},
 * {@code interval}, {@code count}), measurements taken on the {@code io} executor, verdicts by {@link Verdicts}.
 * No thread waits: each next measurement is a task on the {@link Scheduler}. As soon as one metric completes
 * Failed, Error or Inconclusive the run completes and the other metrics are terminated, as in Argo.
 *
 * <p>Every change of state happens under this object's lock; queries run outside it. {@code onComplete} is called
 * exactly once, outside the lock, with the verdict.
 */
public final class AnalysisRun {
    private static final Logger LOGGER = Logger.getLogger(AnalysisRun.class.getName());

    private final String name;
    private final AnalysisSpec spec;
    private final MeasurementSource source;
    private final Scheduler scheduler;
    private final Executor io;
    private final AuditListener audit;
    private final Consumer<AnalysisResult> onComplete;
    private final Instant startedAt;
    private final List<MetricRun> metrics = new ArrayList<>();

    private AnalysisPhase phase = AnalysisPhase.RUNNING;
    private String terminationReason;
    private MetricRun decidingMetric;
    private String message;

    private AnalysisRun(String name, AnalysisSpec spec, Instant startedAt, MeasurementSource source,
                        Scheduler scheduler, Executor io, AuditListener audit, Consumer<AnalysisResult> onComplete) {
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.source = Objects.requireNonNull(source, "source");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.io = Objects.requireNonNull(io, "io");
        this.audit = audit == null ? event -> { } : audit;
        this.onComplete = Objects.requireNonNull(onComplete, "onComplete");
        List<ValidationError> errors = new ArrayList<>(AnalysisValidation.validate(spec, "", false));
        errors.addAll(Arguments.unresolved(spec));
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("Analysis '" + name + "'", errors);
        }
    }

    /**
     * Starts an analysis; the first measurement of each metric is due after its {@code initialDelay}.
     *
     * @param resolvedSpec a spec whose arguments were substituted with {@link Arguments#resolve}
     * @throws InvalidPlanException when the spec is invalid or still has placeholders
     */
    public static AnalysisRun start(String name, AnalysisSpec resolvedSpec, MeasurementSource source,
                                    Scheduler scheduler, Executor io, AuditListener audit,
                                    Consumer<AnalysisResult> onComplete) {
        AnalysisRun run = new AnalysisRun(name, resolvedSpec, scheduler.now(), source, scheduler, io, audit,
                onComplete);
        synchronized (run) {
            for (MetricSpec metric : resolvedSpec.metrics()) {
                MetricRun metricRun = run.new MetricRun(metric, MetricResult.pending(metric.name()));
                run.metrics.add(metricRun);
                Duration delay = metric.initialDelay() == null ? Duration.ZERO : metric.initialDelay();
                run.arm(metricRun, run.startedAt.plus(delay));
            }
        }
        return run;
    }

    /**
     * Continues a run from a {@link #snapshot()}: each metric's next measurement is due when it was due before (at
     * once if that time has passed). A state that had already completed is reported to {@code onComplete} again,
     * from the scheduler.
     */
    public static AnalysisRun resume(AnalysisState state, MeasurementSource source, Scheduler scheduler,
                                     Executor io, AuditListener audit, Consumer<AnalysisResult> onComplete) {
        AnalysisRun run = new AnalysisRun(state.name(), state.spec(), state.startedAt(), source, scheduler, io, audit,
                onComplete);
        Map<String, AnalysisState.MetricState> saved = new HashMap<>();
        for (AnalysisState.MetricState metricState : state.metrics()) {
            if (metricState != null && metricState.result() != null) {
                saved.put(metricState.result().name(), metricState);
            }
        }
        synchronized (run) {
            run.terminationReason = state.terminationReason();
            run.message = state.message();
            for (MetricSpec metric : state.spec().metrics()) {
                AnalysisState.MetricState metricState = saved.get(metric.name());
                run.metrics.add(run.new MetricRun(metric,
                        metricState == null ? MetricResult.pending(metric.name()) : metricState.result()));
            }
            if (state.phase() != null && state.phase().completed()) {
                run.phase = state.phase();
                AnalysisResult result = run.result();
                scheduler.schedule(Duration.ZERO, () -> onComplete.accept(result));
                return run;
            }
            for (MetricRun metric : run.metrics) {
                if (!metric.result.phase().completed()) {
                    AnalysisState.MetricState metricState = saved.get(metric.spec.name());
                    Instant due = metricState == null ? null : metricState.nextMeasurementAt();
                    run.arm(metric, due == null ? scheduler.now() : due);
                }
            }
        }
        return run;
    }

    /** The state to persist; {@link #resume} continues from it. */
    public synchronized AnalysisState snapshot() {
        List<AnalysisState.MetricState> states = new ArrayList<>();
        for (MetricRun metric : metrics) {
            Instant due = metric.inFlightSince != null ? metric.inFlightSince : metric.nextMeasurementAt;
            states.add(new AnalysisState.MetricState(metric.result, due));
        }
        return new AnalysisState(name, spec, startedAt, phase, states, terminationReason, message);
    }

    /**
     * Stops the run now: no further measurement is taken, a measurement in flight is discarded, and the metrics
     * still running are assessed as terminated (Successful unless their limits were already exceeded, as in Argo).
     * Does nothing if the run already completed.
     */
    public void terminate(String reason) {
        AnalysisResult completed;
        synchronized (this) {
            if (phase.completed()) {
                return;
            }
            terminateRunningMetrics(reason == null || reason.isBlank() ? "terminated" : reason);
            completed = completeIfAllDone();
        }
        deliver(completed);
    }

    public synchronized AnalysisPhase phase() {
        return phase;
    }

    public String name() {
        return name;
    }

    /** The result so far; its phase is Running until the run completes. */
    public synchronized AnalysisResult result() {
        return new AnalysisResult(name, phase,
                metrics.stream().map(m -> m.result).collect(Collectors.toList()), message);
    }

    private void arm(MetricRun metric, Instant due) {
        metric.nextMeasurementAt = due;
        Duration delay = Duration.between(scheduler.now(), due);
        metric.timer = scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, () -> onDue(metric, due));
    }

    private void onDue(MetricRun metric, Instant due) {
        Instant at;
        synchronized (this) {
            if (metric.inFlightSince != null && !phase.completed()) {
                // Back-pressure: never a second query of one metric while the first is still out.
                LOGGER.log(Level.INFO, "analysis {0}: metric {1} is still being measured (since {2}); the"
                        + " measurement due at {3} is skipped", new Object[] {name, metric.spec.name(),
                        metric.inFlightSince, due});
                return;
            }
            if (phase.completed() || metric.result.phase().completed() || !due.equals(metric.nextMeasurementAt)) {
                return;
            }
            at = scheduler.now();
            metric.nextMeasurementAt = null;
            metric.timer = Scheduler.Cancellable.NONE;
            metric.inFlightSince = at;
            if (metric.result.phase() == AnalysisPhase.PENDING) {
                metric.result = metric.result.withPhase(AnalysisPhase.RUNNING, null);
            }
        }
        CompletableFuture<MetricValue> pending;
        try {
            pending = source.measureAsync(metric.spec, at, io);
        } catch (RuntimeException e) {
            record(metric, at, new Measurement(at, scheduler.now(), AnalysisPhase.ERROR, null,
                    "the measurement could not be started: " + describe(e)));
            return;
        }
        synchronized (this) {
            if (at.equals(metric.inFlightSince)) {
                metric.pending = pending;
            }
        }
        pending.whenComplete((value, failure) -> measured(metric, at, value, failure));
    }

    /** Called when the query has answered or failed, outside the lock, on whichever thread completed it. */
    private void measured(MetricRun metric, Instant at, MetricValue value, Throwable failure) {
        Measurement measurement;
        try {
            if (failure != null) {
                throw failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                        : failure;
            }
            Instant finishedAt = scheduler.now();
            if (value == null) {
                measurement = new Measurement(at, finishedAt, AnalysisPhase.ERROR, null, "the provider returned no value");
            } else {
                Verdicts.Assessment assessment = Verdicts.assessMeasurement(metric.success, metric.failure, value);
                measurement = new Measurement(at, finishedAt, assessment.phase(), value, assessment.message());
            }
        } catch (MeasurementException e) {
            measurement = new Measurement(at, scheduler.now(), AnalysisPhase.ERROR, null, e.getMessage());
        } catch (RuntimeException e) {
            measurement = new Measurement(at, scheduler.now(), AnalysisPhase.ERROR, null, describe(e));
        } catch (Throwable e) {
            measurement = new Measurement(at, scheduler.now(), AnalysisPhase.ERROR, null, String.valueOf(e));
        }
        record(metric, at, measurement);
    }

    private void record(MetricRun metric, Instant at, Measurement measurement) {
        AnalysisResult completed;
        synchronized (this) {
            if (phase.completed() || !at.equals(metric.inFlightSince)) {
                // The run ended while this measurement was in flight; Argo discards it the same way.
                return;
            }
            metric.inFlightSince = null;
            metric.pending = CompletableFuture.completedFuture(null);
            metric.result = Verdicts.recordMeasurement(metric.result, measurement);
            emitMeasurement(metric, measurement);
            Verdicts.Assessment assessment = Verdicts.assessMetric(metric.spec, metric.result, false);
            metric.result = metric.result.withPhase(assessment.phase(), assessment.message());
            if (assessment.phase().completed()) {
                emitMetricVerdict(metric);
                if (assessment.phase() != AnalysisPhase.SUCCESSFUL) {
                    decidingMetric = metric;
                    terminateRunningMetrics("metric '" + metric.spec.name() + "' completed "
                            + assessment.phase().displayName());
                }
            } else {
                arm(metric, measurement.finishedAt().plus(Verdicts.delayBeforeNextMeasurement(metric.spec)));
            }
            completed = completeIfAllDone();
        }
        deliver(completed);
    }

    private void terminateRunningMetrics(String reason) {
        terminationReason = reason;
        for (MetricRun metric : metrics) {
            metric.timer.cancel();
            metric.timer = Scheduler.Cancellable.NONE;
            metric.nextMeasurementAt = null;
            metric.inFlightSince = null;
            metric.pending.cancel(true); // its answer would be discarded: free its place on the wire now
            metric.pending = CompletableFuture.completedFuture(null);
            if (metric.result.phase().completed()) {
                continue;
            }
            Verdicts.Assessment assessment = Verdicts.assessMetric(metric.spec, metric.result, true);
            metric.result = metric.result.withPhase(assessment.phase(), assessment.message() + ": " + reason);
            emitMetricVerdict(metric);
        }
    }

    private AnalysisResult completeIfAllDone() {
        if (phase.completed()) {
            return null;
        }
        AnalysisPhase verdict = Verdicts.assessRun(metrics.stream().map(m -> m.result.phase()).collect(Collectors.toList()));
        if (!verdict.completed()) {
            return null;
        }
        phase = verdict;
        message = explainVerdict();
        for (MetricRun metric : metrics) {
            metric.timer.cancel();
            metric.timer = Scheduler.Cancellable.NONE;
        }
        AnalysisResult result = result();
        emit(AuditEvent.at(scheduler.now(), AuditAction.VERDICT)
                .resource("analysis " + name)
                .after(phase.displayName())
                .reason(message)
                .detail("analysis", name)
                .detail("metrics", metrics.stream()
                        .map(m -> m.spec.name() + "=" + m.result.phase().displayName())
                        .collect(Collectors.joining(", ")))
                .build());
        return result;
    }

    private String explainVerdict() {
        if (decidingMetric != null) {
            return "metric '" + decidingMetric.spec.name() + "' " + decidingMetric.result.phase().displayName() + ": "
                    + decidingMetric.result.message();
        }
        if (terminationReason != null) {
            return "terminated: " + terminationReason;
        }
        return metrics.size() == 1
                ? "metric '" + metrics.get(0).spec.name() + "' Successful: " + metrics.get(0).result.message()
                : "all " + metrics.size() + " metrics Successful";
    }

    private void deliver(AnalysisResult completed) {
        if (completed != null) {
            onComplete.accept(completed);
        }
    }

    private void emitMeasurement(MetricRun metric, Measurement measurement) {
        String value = measurement.value() == null ? null : measurement.value().toString();
        AuditEvent.Builder event = AuditEvent.at(measurement.finishedAt(), AuditAction.MEASUREMENT)
                .resource("metric " + metric.spec.name())
                .after(value == null ? measurement.phase().displayName() : value + " " + measurement.phase().displayName())
                .reason(measurement.message())
                .detail("analysis", name)
                .detail("metric", metric.spec.name())
                .detail("value", value)
                .detail("phase", measurement.phase().displayName())
                .detail("successCondition", metric.spec.successCondition())
                .detail("failureCondition", metric.spec.failureCondition());
        if (metric.success != null && metric.success.threshold().isPresent()) {
            event.detail("threshold", metric.success.threshold().getAsDouble())
                    .detail("thresholdOf", "successCondition");
        } else if (metric.failure != null && metric.failure.threshold().isPresent()) {
            event.detail("threshold", metric.failure.threshold().getAsDouble())
                    .detail("thresholdOf", "failureCondition");
        }
        emit(event.build());
    }

    private void emitMetricVerdict(MetricRun metric) {
        MetricResult result = metric.result;
        emit(AuditEvent.at(scheduler.now(), AuditAction.VERDICT)
                .resource("metric " + metric.spec.name())
                .after(result.phase().displayName())
                .reason(result.message())
                .detail("analysis", name)
                .detail("metric", metric.spec.name())
                .detail("count", result.count())
                .detail("successful", result.successful())
                .detail("failed", result.failed())
                .detail("inconclusive", result.inconclusive())
                .detail("error", result.error())
                .build());
    }

    private void emit(AuditEvent event) {
        try {
            audit.onEvent(event);
        } catch (RuntimeException e) {
            // A broken log must not change the verdict of an analysis.
            LOGGER.log(Level.WARNING, "audit listener failed on " + event.toLogLine(), e);
        }
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** One metric's schedule and counters; guarded by the run's lock. */
    private final class MetricRun {
        final MetricSpec spec;
        final Condition success;
        final Condition failure;
        MetricResult result;
        Instant nextMeasurementAt;
        Instant inFlightSince;
        Scheduler.Cancellable timer = Scheduler.Cancellable.NONE;
        CompletableFuture<?> pending = CompletableFuture.completedFuture(null);

        MetricRun(MetricSpec spec, MetricResult result) {
            this.spec = spec;
            this.success = spec.successCondition() == null ? null : Condition.compile(spec.successCondition());
            this.failure = spec.failureCondition() == null ? null : Condition.compile(spec.failureCondition());
            this.result = result;
        }
    }
}
