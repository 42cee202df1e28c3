package io.jenkins.plugins.progressivedelivery.engine.judge;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.MeshQueries;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeGateSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.LabelSetSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MeshMetricsSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.RequestMetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A judgement of two label sets without a rollout ({@code analysisGate}'s judge, Kayenta's standalone canary
 * analysis): waits on the scheduler until its window has passed (holding no thread; not at all when
 * {@code retrospective}), then collects both sides' series with range queries on the I/O executor and judges them as a
 * canary judge step does. Resumable from {@link #snapshot()}: the window's end is persisted, so a resumed gate
 * collects the same window (at once if that time has passed). Thread-safe.
 */
public final class JudgeGate {
    private static final String EXPERIMENT = "experiment";
    private static final String CONTROL = "control";

    /** What a restarted process needs to continue: the window's end, and the result once there is one. */
    public record State(String name, JudgeGateSpec spec, Instant startedAt, Instant windowEnd, Result result)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * @param analysis the judgement as an analysis result (its verdict, message and one metric result per metric)
     * @param outcome  the scorecard and the queries; null when the gate was stopped before it judged
     */
    public record Result(AnalysisResult analysis, JudgeRun.Outcome outcome) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final String name;
    private final JudgeGateSpec spec;
    private final MeasurementSource source;
    private final Scheduler scheduler;
    private final Executor io;
    private final AuditListener audit;
    private final Consumer<Result> onComplete;
    private final Instant startedAt;
    private final Instant windowEnd;
    private Result result;
    private boolean inFlight;
    private Scheduler.Cancellable timer = Scheduler.Cancellable.NONE;

    private JudgeGate(String name, JudgeGateSpec spec, Instant startedAt, Instant windowEnd,
                      MeasurementSource source, Scheduler scheduler, Executor io, AuditListener audit,
                      Consumer<Result> onComplete) {
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.startedAt = startedAt;
        this.windowEnd = windowEnd;
        this.source = source;
        this.scheduler = scheduler;
        this.io = io;
        this.audit = audit;
        this.onComplete = onComplete;
    }

    /**
     * Starts the gate: its window begins now (or, {@code retrospective}, ended now).
     *
     * @throws InvalidPlanException when the spec is invalid; nothing was queried
     */
    public static JudgeGate start(String name, JudgeGateSpec spec, MeasurementSource source, Scheduler scheduler,
                                  Executor io, AuditListener audit, Consumer<Result> onComplete) {
        List<ValidationError> errors = JudgeValidation.validateGate(spec, "judge");
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("analysisGate", errors);
        }
        Instant now = scheduler.now();
        Instant end = spec.effectiveRetrospective() ? now : now.plus(spec.judge().effectiveWindow());
        JudgeGate gate = new JudgeGate(name, spec, now, end, source, scheduler, io, audit, onComplete);
        synchronized (gate) {
            gate.emit(gate.event(AuditAction.START).after("judge " + name + " compares the experiment "
                    + spec.experiment().describe() + " with the control " + spec.control().describe() + " over "
                    + Durations.format(spec.judge().effectiveWindow()) + (spec.effectiveRetrospective()
                    ? " that ended now" : ", collected at " + end.truncatedTo(ChronoUnit.SECONDS)
                    + " when the window has passed")));
            gate.arm();
        }
        return gate;
    }

    /** Continues from {@link #snapshot()}; a gate that had judged reports its result again, from the scheduler. */
    public static JudgeGate resume(State state, MeasurementSource source, Scheduler scheduler, Executor io,
                                   AuditListener audit, Consumer<Result> onComplete) {
        JudgeGate gate = new JudgeGate(state.name(), state.spec(), state.startedAt(), state.windowEnd(), source,
                scheduler, io, audit, onComplete);
        synchronized (gate) {
            if (state.result() != null) {
                gate.result = state.result();
                Result done = state.result();
                scheduler.schedule(Duration.ZERO, () -> onComplete.accept(done));
                return gate;
            }
            gate.arm();
        }
        return gate;
    }

    public synchronized State snapshot() {
        return new State(name, spec, startedAt, windowEnd, result);
    }

    public String name() {
        return name;
    }

    public synchronized AnalysisPhase phase() {
        return result == null ? AnalysisPhase.RUNNING : result.analysis().phase();
    }

    /** For a thread dump and the record: what the gate is waiting for. */
    public synchronized String status() {
        if (result != null) {
            return "judge '" + name + "' " + result.analysis().phase().displayName().toLowerCase(java.util.Locale.ROOT);
        }
        return inFlight ? "judge '" + name + "' querying Prometheus"
                : "judge '" + name + "' collects its window at " + windowEnd.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Stops the gate: Inconclusive, as a terminated analysis; a query in flight is discarded. */
    public void terminate(String reason) {
        Result stopped;
        synchronized (this) {
            if (result != null) {
                return;
            }
            timer.cancel();
            String message = "terminated before the window was judged: " + (reason == null ? "stopped" : reason);
            stopped = new Result(new AnalysisResult(name, AnalysisPhase.INCONCLUSIVE, List.of(), message), null);
            result = stopped;
            emit(event(AuditAction.VERDICT).after("judge " + name + " " + AnalysisPhase.INCONCLUSIVE.displayName())
                    .reason(message));
        }
        onComplete.accept(stopped);
    }

    /** The judge of the two label sets, with the built-in metrics selecting each side by its labels. */
    JudgeRun judgeRun() {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        labels.put(EXPERIMENT, selector(spec.experiment(), spec.requests()));
        labels.put(CONTROL, selector(spec.control(), spec.requests()));
        MeshQueries mesh = MeshQueries.labelSets(spec.requests(), labels);
        return new JudgeRun(source, mesh, side(EXPERIMENT, spec.experiment()), side(CONTROL, spec.control()), null,
                MeshMetricsSpec.DEFAULT_MIN_REQUESTS);
    }

    private static JudgeRun.Side side(String role, LabelSetSpec set) {
        return new JudgeRun.Side(role, role, blankToNull(set.workload()), blankToNull(set.namespace()),
                set.describe());
    }

    /** Istio: destination_workload and its namespace; a request metric: its workload label; then the labels. */
    static Map<String, String> selector(LabelSetSpec set, RequestMetricSpec requests) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (blankToNull(set.workload()) != null) {
            if (requests == null) {
                labels.put("destination_workload_namespace", set.namespace());
                labels.put("destination_workload", set.workload());
            } else {
                labels.put(requests.workloadLabel(), set.workload());
            }
        }
        new java.util.TreeMap<>(set.labels()).forEach(labels::put);
        return labels;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private void arm() {
        timer.cancel();
        if (windowEnd.isAfter(scheduler.now())) {
            timer = scheduler.schedule(Duration.between(scheduler.now(), windowEnd), this::collect);
        } else {
            collect();
        }
    }

    private void collect() {
        synchronized (this) {
            if (result != null || inFlight) {
                return;
            }
            inFlight = true;
        }
        io.execute(() -> {
            Result judged;
            try {
                JudgeRun.Outcome outcome = judgeRun().run(spec.judge(), windowEnd);
                judged = new Result(JudgeAudit.toAnalysisResult(name, outcome,
                        windowEnd.minus(spec.judge().effectiveWindow()), windowEnd, "the experiment"), outcome);
            } catch (RuntimeException e) {
                judged = new Result(new AnalysisResult(name, AnalysisPhase.ERROR, List.of(), "the judge failed: "
                        + e), null);
            }
            synchronized (this) {
                inFlight = false;
                if (result != null) {
                    return; // terminated while the queries ran
                }
                result = judged;
                if (judged.outcome() != null) {
                    JudgeAudit.events(name, "the experiment " + spec.experiment().describe(), "the experiment",
                            judged.outcome(), resource(), this::event).forEach(this::emit);
                } else {
                    emit(event(AuditAction.VERDICT).after("judge " + name + " "
                            + judged.analysis().phase().displayName()).reason(judged.analysis().message()));
                }
            }
            onComplete.accept(judged);
        });
    }

    private String resource() {
        return "judge " + name;
    }

    private AuditEvent.Builder event(AuditAction action) {
        return AuditEvent.at(scheduler.now(), action).resource(resource());
    }

    private void emit(AuditEvent.Builder event) {
        audit.onEvent(event.build());
    }
}
