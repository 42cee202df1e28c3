package io.jenkins.plugins.progressivedelivery;

import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Measurement;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricResult;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutPhase;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;
import org.jenkinsci.plugins.workflow.support.steps.input.POSTHyperlinkNote;

/** What the steps do the same way: where calls run, the build log, the record, and the value handed to Groovy. */
final class StepSupport {
    static final String LOG_PREFIX = "[progressive-delivery] ";

    private StepSupport() {
    }

    /**
     * On the agent of the enclosing {@code node {}} when there is one, else on the controller. {@code remembered} is
     * the computer the step ran on before a restart: while that agent has not reconnected, the calls wait for it
     * (they fail as transient and are retried) instead of running from the controller with other credentials.
     */
    static Where where(StepContext context, String remembered) throws IOException, InterruptedException {
        FilePath workspace = context.get(FilePath.class);
        if (workspace != null && workspace.getChannel() != null) {
            hudson.model.Computer computer = context.get(hudson.model.Computer.class);
            return computer != null ? Where.onComputer(computer.getName())
                    : Where.agent(workspace.getChannel(), workspace.getRemote());
        }
        return remembered != null ? Where.onComputer(remembered) : Where.controller();
    }

    static void log(TaskListener listener, String line) {
        PrintStream out = listener.getLogger();
        out.println(LOG_PREFIX + line);
    }

    static void logEvent(TaskListener listener, AuditEvent event) {
        log(listener, event.toLogLine());
    }

    /** The Promote / Abort links {@code input} would print: they POST, with the CSRF crumb. */
    static void logGate(TaskListener listener, Run<?, ?> run, DeliveryAction action, String where) {
        String base = "/" + run.getUrl() + action.getUrlName() + "/";
        listener.getLogger().println(LOG_PREFIX + "Paused at " + where + ": "
                + POSTHyperlinkNote.encodeTo(base + "promote", "Promote") + " or "
                + POSTHyperlinkNote.encodeTo(base + "abort", "Abort"));
    }

    /**
     * Marks the step's node paused while a person must decide, as {@code input} does, so that the stage view and Blue
     * Ocean show the stage as paused; ends the pause when the decision is made (or the step ends).
     */
    static void markPaused(StepContext context, boolean paused, String cause) {
        try {
            FlowNode node = context.get(FlowNode.class);
            if (node == null) {
                return;
            }
            boolean marked = PauseAction.isPaused(node);
            if (paused && !marked) {
                node.addAction(new PauseAction(cause));
            } else if (!paused && marked) {
                PauseAction.endCurrentPause(node);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // only the stage view's display is affected; the gate itself works
            java.util.logging.Logger.getLogger(StepSupport.class.getName())
                    .log(java.util.logging.Level.FINE, "could not mark the pause", e);
        }
    }

    static void save(Run<?, ?> run) {
        try {
            run.save();
        } catch (IOException | RuntimeException e) {
            // the record is rebuilt from the program state on the next save; a failed save must not fail the rollout
            java.util.logging.Logger.getLogger(StepSupport.class.getName())
                    .log(java.util.logging.Level.WARNING, "could not save " + run, e);
        }
    }

    /** Marks the build and the step UNSTABLE, as the {@code unstable} step does. */
    static void markUnstable(StepContext context, Run<?, ?> run, String message) throws IOException,
            InterruptedException {
        FlowNode node = context.get(FlowNode.class);
        if (node != null) {
            node.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(message));
        }
        run.setResult(Result.UNSTABLE);
    }

    /** Groovy's maps and GStrings as plain JDK values, for the plan loader and for the program state. */
    static Object plain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                copy.put(String.valueOf(entry.getKey()), plain(entry.getValue()));
            }
            return copy;
        }
        if (value instanceof Iterable<?> list) {
            List<Object> copy = new ArrayList<>();
            for (Object item : list) {
                copy.add(plain(item));
            }
            return copy;
        }
        return value.toString();
    }

    // ---- what Groovy gets back: JDK types only (Map, List, String, Integer, Boolean, Double) ------------------------

    /** {@code Promoted}, {@code Rolled back}, {@code Aborted}, ...: how a rollout ended, in words. */
    static String verdict(RolloutPhase phase) {
        String name = phase.name().replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    static List<Object> analysisMaps(List<AnalysisResult> results) {
        List<Object> maps = new ArrayList<>();
        results.forEach(result -> maps.add(analysisMap(result)));
        return maps;
    }

    static Map<String, Object> analysisMap(AnalysisResult result) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", result.name());
        map.put("verdict", result.phase().displayName());
        map.put("message", result.message());
        List<Object> metrics = new ArrayList<>();
        for (MetricResult metric : result.metrics()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", metric.name());
            m.put("verdict", metric.phase().displayName());
            m.put("measurements", metric.count());
            m.put("successful", metric.successful());
            m.put("failed", metric.failed());
            m.put("inconclusive", metric.inconclusive());
            m.put("errors", metric.error());
            m.put("lastValue", metric.lastMeasurement().map(Measurement::value).map(String::valueOf).orElse(null));
            m.put("message", metric.message());
            metrics.add(m);
        }
        map.put("metrics", metrics);
        return map;
    }
}
