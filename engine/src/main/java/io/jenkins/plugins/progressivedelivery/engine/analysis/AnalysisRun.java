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
 * No thread waits: the next measurements are a task on the {@link Scheduler}.
 *
 * <p>As Argo's reconciliation, the metrics due at the same instant are measured as one batch: concurrently, and
 * assessed together once every measurement of the batch is in, in the spec's order. So the verdict never depends on
 * which answer arrived first: when a metric of the batch completes Failed, Error or Inconclusive the run is
 * terminated and its verdict is the worst of the metrics (Failed &gt; Error &gt; Inconclusive &gt; Successful).
 * Metrics that come due while a batch is in flight are measured right after it. {@code dryRun} metrics are measured
 * and recorded but never decide.
 *
 * <p>A metric's measurements are due at a fixed rate: each {@code interval} after the previous one was due, not after
 * it answered, so a slow query does not stretch the analysis by its latency at every step (Argo counts from the
 * previous {@code finishedAt}; with a 1 s interval and a 300 ms query that is 30 % longer than configured). After an
 * Error the retry still waits {@code 10s} from the answer, as in Argo. Back-pressure: a measurement that comes due
 * while the previous one (its batch) is still in flight is not stacked behind it; it is skipped, and the log says so
 * ({@code measurement 4 skipped: previous still in flight since 12:00:03.000Z}), and the metric is due again one
 * interval later. So an analysis never has more than one batch of queries out, however slow the provider.
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

    private Scheduler.Cancellable tick = Scheduler.Cancellable.NONE;
    private Instant tickAt;
    private Batch inFlight;
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
        if (!spec.templates().isEmpty()) {
            errors.add(new ValidationError("templates", "the templates it names were not read from the cluster;"
                    + " resolve them (ClusterAnalysisTemplates) before running the analysis"));
        }
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
                MetricRun metricRun = run.new MetricRun(metric, MetricResult.pending(metric.name())
                        .asDryRun(resolvedSpec.isDryRun(metric.name())));
                run.metrics.add(metricRun);
                Duration delay = metric.initialDelay() == null ? Duration.ZERO : metric.initialDelay();
                metricRun.nextMeasurementAt = run.startedAt.plus(delay);
            }
            run.arm();
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
                        (metricState == null ? MetricResult.pending(metric.name()) : metricState.result())
                                .asDryRun(state.spec().isDryRun(metric.name()))));
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
                    metric.nextMeasurementAt = due == null ? scheduler.now() : due;
                }
            }
            run.arm();
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

    /** Schedules the next batch at the earliest due time; nothing while a batch is in flight. */
    private void arm() {
        tick.cancel();
        tick = Scheduler.Cancellable.NONE;
        tickAt = null;
        if (phase.completed()) {
            return;
        }
        Instant earliest = null;
        for (MetricRun metric : inFlight != null ? inFlight.metrics : metrics) {
            // while a batch is out, the only thing due is telling that its metrics' next measurements are skipped
            Instant next = inFlight != null ? metric.nextSlot : metric.nextMeasurementAt;
            if (next != null && (earliest == null || next.isBefore(earliest))) {
                earliest = next;
            }
        }
        if (earliest == null) {
            return;
        }
        Instant due = earliest;
        tickAt = due;
        Duration delay = Duration.between(scheduler.now(), due);
        tick = scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, () -> onTick(due));
    }

    private void onTick(Instant due) {
        Batch batch;
        synchronized (this) {
            if (phase.completed() || !due.equals(tickAt)) {
                return;
            }
            tick = Scheduler.Cancellable.NONE;
            tickAt = null;
            Instant at = scheduler.now();
            if (inFlight != null) {
                skipWhileInFlight(inFlight, at);
                arm();
                return;
            }
            List<MetricRun> dueMetrics = new ArrayList<>();
            for (MetricRun metric : metrics) {
                if (metric.nextMeasurementAt != null && !metric.nextMeasurementAt.isAfter(at)
                        && !metric.result.phase().completed()) {
                    dueMetrics.add(metric);
                }
            }
            if (dueMetrics.isEmpty()) {
                arm();
                return;
            }
            batch = new Batch(at, dueMetrics);
            inFlight = batch;
            for (MetricRun metric : dueMetrics) {
                metric.nextMeasurementAt = null;
                // the fixed rate counts from when the batch was due; a tick late by a second or more (a resumed
                // run) or so late that the next one would already be due (a starved timer) starts the rate afresh:
                // nothing was in flight to skip for
                Duration interval = metric.spec.interval();
                boolean late = Duration.between(due, at).compareTo(Duration.ofSeconds(1)) >= 0
                        || interval != null && !due.plus(interval).isAfter(at);
                Instant base = late ? at : due;
                metric.nextSlot = interval != null && metric.mayNeedAnother() ? base.plus(interval) : null;
                metric.inFlightSince = at;
                if (metric.result.phase() == AnalysisPhase.PENDING) {
                    metric.result = metric.result.withPhase(AnalysisPhase.RUNNING, null);
                }
            }
        }
        synchronized (this) {
            if (inFlight == batch) {
                arm(); // the skip of the next measurement, should this batch still be out when it is due
            }
        }
        for (MetricRun metric : batch.metrics) {
            CompletableFuture<MetricValue> pending;
            try {
                // a source with an asynchronous client holds no thread while the query is out
                pending = source.measureAsync(metric.spec, batch.at, io);
            } catch (RuntimeException e) {
                measured(batch, metric, new Measurement(batch.at, scheduler.now(), AnalysisPhase.ERROR, null,
                        "the measurement could not be started: " + describe(e), metric.query));
                continue;
            }
            pending.whenComplete((value, failure) -> measure(batch, metric, value, failure));
        }
    }

    /** The query answered or failed: outside the lock, on whichever thread completed it. */
    private void measure(Batch batch, MetricRun metric, MetricValue value, Throwable failure) {
        Instant at = batch.at;
        Measurement measurement;
        try {
            if (failure != null) {
                throw failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                        : failure;
            }
            Instant finishedAt = scheduler.now();
            if (value == null) {
                measurement = new Measurement(at, finishedAt, AnalysisPhase.ERROR, null, "the provider returned no value",
                        metric.query);
            } else {
                Verdicts.Assessment assessment = Verdicts.assessMeasurement(metric.success, metric.failure, value);
                measurement = new Measurement(at, finishedAt, assessment.phase(), value, assessment.message(),
                        metric.query);
            }
        } catch (MeasurementException e) {
            measurement = new Measurement(at, scheduler.now(), AnalysisPhase.ERROR, null, e.getMessage(), metric.query);
        } catch (RuntimeException e) {
            measurement = new Measurement(at, scheduler.now(), AnalysisPhase.ERROR, null, describe(e), metric.query);
        } catch (Throwable e) {
            measurement = new Measurement(at, scheduler.now(), AnalysisPhase.ERROR, null, String.valueOf(e),
                    metric.query);
        }
        measured(batch, metric, measurement);
    }

    /** Collects one measurement of a batch; the last one in assesses the whole batch. */
    private void measured(Batch batch, MetricRun metric, Measurement measurement) {
        AnalysisResult completed;
        synchronized (this) {
            if (phase.completed() || inFlight != batch || batch.measurements.containsKey(metric)) {
                // The run ended while this measurement was in flight; Argo discards it the same way.
                return;
            }
            batch.measurements.put(metric, measurement);
            if (batch.measurements.size() < batch.metrics.size()) {
                return;
            }
            inFlight = null;
            completed = assessBatch(batch);
        }
        deliver(completed);
    }

    private AnalysisResult assessBatch(Batch batch) {
        for (MetricRun metric : batch.metrics) {
            Measurement measurement = batch.measurements.get(metric);
            metric.inFlightSince = null;
            metric.result = Verdicts.recordMeasurement(metric.result, measurement,
                    spec.retention(metric.spec.name(), Verdicts.MEASUREMENT_HISTORY_LIMIT));
            emitMeasurement(metric, measurement);
        }
        MetricRun worst = null;
        for (MetricRun metric : batch.metrics) {
            Verdicts.Assessment assessment = Verdicts.assessMetric(metric.spec, metric.result, false);
            metric.result = metric.result.withPhase(assessment.phase(), assessment.message());
            if (assessment.phase().completed()) {
                emitMetricVerdict(metric);
                boolean decides = assessment.phase() != AnalysisPhase.SUCCESSFUL && !metric.result.dryRun();
                if (decides && (worst == null || assessment.phase().isWorseThan(worst.result.phase()))) {
                    worst = metric;
                }
            } else {
                Measurement last = batch.measurements.get(metric);
                metric.nextMeasurementAt = last.phase() == AnalysisPhase.ERROR || metric.nextSlot == null
                        ? last.finishedAt().plus(Verdicts.delayBeforeNextMeasurement(metric.spec, last))
                        : metric.nextSlot;
            }
            metric.nextSlot = null;
        }
        if (worst != null) {
            decidingMetric = worst;
            terminateRunningMetrics("metric '" + worst.spec.name() + "' completed " + worst.result.phase().displayName());
        }
        AnalysisResult completed = completeIfAllDone();
        if (completed == null) {
            arm();
        }
        return completed;
    }

    /**
     * The next measurement of the in-flight batch's metrics is due, but the batch has not answered: those measurements
     * are skipped, not stacked, each in the log, and due one interval later.
     */
    private void skipWhileInFlight(Batch batch, Instant now) {
        for (MetricRun metric : batch.metrics) {
            if (metric.nextSlot == null || metric.nextSlot.isAfter(now)) {
                continue;
            }
            int skipped = 0;
            while (!metric.nextSlot.isAfter(now)) {
                metric.nextSlot = metric.nextSlot.plus(metric.spec.interval());
                skipped++;
            }
            metric.skipped += skipped;
            int number = metric.result.count() + 2; // the one in flight is count + 1
            emit(AuditEvent.at(now, AuditAction.MEASUREMENT)
                    .resource("metric " + metric.spec.name() + (metric.result.dryRun() ? " (dry-run)" : ""))
                    .after("skipped")
                    .reason("measurement " + number + " skipped: previous still in flight since " + batch.at
                            + (skipped > 1 ? " (" + skipped + " intervals)" : "") + "; next due at "
                            + metric.nextSlot)
                    .detail("analysis", name)
                    .detail("metric", metric.spec.name())
                    .detail("phase", "Skipped")
                    .detail("skipped", skipped)
                    .detail("inFlightSince", batch.at.toString())
                    .build());
        }
    }

    private void terminateRunningMetrics(String reason) {
        terminationReason = reason;
        inFlight = null;
        tick.cancel();
        tick = Scheduler.Cancellable.NONE;
        tickAt = null;
        for (MetricRun metric : metrics) {
            metric.nextMeasurementAt = null;
            metric.inFlightSince = null;
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
        if (metrics.stream().anyMatch(m -> !m.result.phase().completed())) {
            return null;
        }
        AnalysisPhase verdict = Verdicts.assessRun(metrics.stream().filter(m -> !m.result.dryRun())
                .map(m -> m.result.phase()).collect(Collectors.toList()));
        phase = verdict.completed() ? verdict : AnalysisPhase.SUCCESSFUL;
        message = explainVerdict();
        tick.cancel();
        tick = Scheduler.Cancellable.NONE;
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
        long deciding = metrics.stream().filter(m -> !m.result.dryRun()).count();
        String dryRuns = deciding == metrics.size() ? "" : " (" + (metrics.size() - deciding) + " dry-run)";
        return metrics.size() == 1
                ? "metric '" + metrics.get(0).spec.name() + "' Successful: " + metrics.get(0).result.message()
                : "all " + deciding + " metrics Successful" + dryRuns;
    }

    private void deliver(AnalysisResult completed) {
        if (completed != null) {
            onComplete.accept(completed);
        }
    }

    private void emitMeasurement(MetricRun metric, Measurement measurement) {
        String value = measurement.value() == null ? null : measurement.value().toString();
        String warnings = measurement.value() == null || measurement.value().warnings().isEmpty() ? null
                : String.join("; ", measurement.value().warnings());
        String why = measurement.message();
        if (measurement.query() != null && measurement.phase() != AnalysisPhase.SUCCESSFUL) {
            // why a rollout stopped, readable without opening Prometheus
            String query = measurement.query().strip().replaceAll("\\s+", " ");
            query = query.length() > 200 ? query.substring(0, 197) + "..." : query;
            why = (why == null ? "" : why + "; ") + "query: " + query;
        }
        AuditEvent.Builder event = AuditEvent.at(measurement.finishedAt(), AuditAction.MEASUREMENT)
                .resource("metric " + metric.spec.name() + (metric.result.dryRun() ? " (dry-run)" : ""))
                .after(value == null ? measurement.phase().displayName() : value + " " + measurement.phase().displayName())
                .reason(why)
                .detail("analysis", name)
                .detail("metric", metric.spec.name())
                .detail("value", value)
                .detail("phase", measurement.phase().displayName())
                .detail("query", measurement.query())
                .detail("warnings", warnings)
                .detail("dryRun", metric.result.dryRun() ? "true" : null)
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
                .resource("metric " + metric.spec.name() + (result.dryRun() ? " (dry-run)" : ""))
                .after(result.phase().displayName())
                .reason(result.message())
                .detail("analysis", name)
                .detail("metric", metric.spec.name())
                .detail("count", result.count())
                .detail("successful", result.successful())
                .detail("failed", result.failed())
                .detail("inconclusive", result.inconclusive())
                .detail("error", result.error())
                .detail("dryRun", result.dryRun() ? "true" : null)
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
        final String query;
        MetricResult result;
        Instant nextMeasurementAt;
        Instant inFlightSince;
        /** While its batch is in flight: when the next measurement is due (at the metric's fixed rate), or null. */
        Instant nextSlot;
        /** Measurements skipped because the previous one was still in flight (back-pressure). */
        int skipped;

        MetricRun(MetricSpec spec, MetricResult result) {
            this.spec = spec;
            String language = AnalysisRun.this.spec.conditionLanguage();
            this.success = spec.successCondition() == null ? null : Condition.compile(spec.successCondition(), language);
            this.failure = spec.failureCondition() == null ? null : Condition.compile(spec.failureCondition(), language);
            this.query = describeQuery(spec);
            this.result = result;
        }

        /** Whether a measurement may follow the one about to be taken (count not reached by it). */
        boolean mayNeedAnother() {
            Integer count = spec.effectiveCount();
            return count == null || result.count() + 1 < count;
        }
    }

    /** The metrics measured at one instant, and their measurements as they come in. */
    private static final class Batch {
        final Instant at;
        final List<MetricRun> metrics;
        final Map<MetricRun, Measurement> measurements = new HashMap<>();

        Batch(Instant at, List<MetricRun> metrics) {
            this.at = at;
            this.metrics = List.copyOf(metrics);
        }
    }

    /** What a measurement asks, for the record: the resolved PromQL, the web URL, or the Job's spec. */
    static String describeQuery(MetricSpec metric) {
        if (metric.provider() == null) {
            return null;
        }
        if (metric.provider().prometheus() != null) {
            return metric.provider().prometheus().query();
        }
        if (metric.provider().web() != null) {
            return metric.provider().web().effectiveMethod() + " " + metric.provider().web().url()
                    + (metric.provider().web().jsonPath() == null ? "" : " " + metric.provider().web().jsonPath());
        }
        return metric.provider().job() != null ? "job for metric " + metric.name() : null;
    }
}
