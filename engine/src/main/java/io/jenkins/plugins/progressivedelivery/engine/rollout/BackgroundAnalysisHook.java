package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.BuiltinThresholds;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisRun;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Arguments;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ArgumentSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BackgroundAnalysis;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The canary plan's background analysis ({@code analysis:} with {@code startingStep}, Argo's
 * {@code strategy.canary.analysis}), kept apart from the step machinery: started when the rollout reaches
 * {@code startingStep}, terminated when it completes or rolls back, its verdict handed to the runner under the
 * runner's lock. Not persisted: after a restart it starts again from its first measurement.
 */
final class BackgroundAnalysisHook {
    private final Object lock;
    private final BackgroundAnalysis spec;
    private final BuiltinThresholds.Context builtins;
    private final Map<String, String> analysisArgs;
    private final MeasurementSource metrics;
    private final Scheduler scheduler;
    private final Executor io;
    private final AuditListener audit;
    private final Consumer<AnalysisResult> onVerdict;

    private AnalysisRun run;
    private boolean started;
    private boolean inconclusive;
    private boolean failedVerdictPending;

    BackgroundAnalysisHook(Object lock, CanaryPlan plan, Map<String, String> analysisArgs, MeasurementSource metrics,
                           Scheduler scheduler, Executor io, AuditListener audit, Consumer<AnalysisResult> onVerdict) {
        this.lock = lock;
        this.spec = plan.analysis();
        this.builtins = plan.analysis() == null ? null : BuiltinThresholds.Context.canary(plan);
        this.analysisArgs = analysisArgs == null ? Map.of() : analysisArgs;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.io = io;
        this.audit = audit;
        this.onVerdict = onVerdict;
    }

    /** Starts the analysis when the rollout reaches its {@code startingStep}; called under the runner's lock. */
    void startIfDue(int stepIndex) {
        if (spec == null || started || stepIndex < spec.effectiveStartingStep()) {
            return;
        }
        started = true;
        BuiltinThresholds.Resolution resolution = BuiltinThresholds.resolve(spec.spec(), builtins);
        resolution.events("background", scheduler.now()).forEach(audit::onEvent);
        AnalysisSpec analysis = resolution.spec();
        Map<String, String> own = new LinkedHashMap<>();
        for (ArgumentSpec arg : analysis.args()) {
            if (analysisArgs.containsKey(arg.name())) {
                own.put(arg.name(), analysisArgs.get(arg.name()));
            }
        }
        AnalysisSpec resolved = Arguments.resolve(analysis, own, "analysis");
        run = AnalysisRun.start("background", resolved, metrics, scheduler, io, audit, result -> {
            synchronized (lock) {
                if (run != null) {
                    run = null;
                    onVerdict.accept(result);
                }
            }
        });
    }

    /** Stops the analysis; its verdict no longer reaches the runner. */
    void terminate(String reason) {
        AnalysisRun running = run;
        run = null;
        if (running != null) {
            running.terminate(reason);
        }
    }

    void markInconclusive() {
        inconclusive = true;
    }

    /** Whether an Inconclusive verdict is waiting to pause the rollout at its next step; clears it. */
    boolean takeInconclusive() {
        boolean was = inconclusive;
        inconclusive = false;
        return was;
    }

    void markFailedVerdictPending() {
        failedVerdictPending = true;
    }

    /** A rollback that waited for a call in flight was caused by the analysis, not by a person. */
    boolean failedVerdictPending() {
        return failedVerdictPending;
    }
}
