package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import io.jenkins.plugins.progressivedelivery.config.PlanDefaults;
import io.jenkins.plugins.progressivedelivery.config.ProgressiveDeliveryConfiguration;
import io.jenkins.plugins.progressivedelivery.credentials.PrometheusCredentials;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeGate;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeGateSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.parameters.JudgeComparison;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * {@code analysisGate(judge: [...])}: the engine's {@link JudgeGate} (two label sets judged without a rollout) under
 * the lifecycle every step of this plugin shares. It waits for its window on the engine's timers (no thread held),
 * queries from where the step runs, and ends as {@code analysisGate} does: Failed or Error fails the build,
 * Inconclusive (Marginal, Nodata) marks it UNSTABLE, unless {@code returnResult: true}. The returned map holds the
 * verdict, the score and one row per metric; the log and the build page show the same table as a canary's judge.
 * Persisted: the gate's snapshot (its window's end), so a restart collects the same window.
 */
final class AnalysisGateJudgeExecution extends RunnerExecution<JudgeGate, JudgeGate.State, JudgeGate.Result> {
    private static final long serialVersionUID = 1L;

    private final transient AnalysisGateStep step;
    private final String gateName;
    private final String prometheusCredentialsId;
    private final String prometheusCaCertificate;
    private final boolean returnResult;

    AnalysisGateJudgeExecution(AnalysisGateStep step, StepContext context, StepRuntime runtime)
            throws AbortException {
        super(context, runtime);
        this.step = step;
        this.gateName = step.getName();
        Connection connection = step.connection(); // only its Prometheus half: the judge reads no cluster
        this.prometheusCredentialsId = connection.prometheusCredentialsId();
        this.prometheusCaCertificate = connection.prometheusCaCertificate();
        this.returnResult = step.isReturnResult();
    }

    /**
     * The gate's spec: the judge's parameters, the step's Prometheus server where the judge gives no address.
     *
     * @throws AbortException naming the field, before anything is queried
     */
    static JudgeGateSpec spec(AnalysisGateStep step) throws AbortException {
        JudgeComparison judge = step.getJudge();
        boolean analysis = step.getMetrics() != null && !step.getMetrics().isEmpty()
                || step.getTemplate() != null && !step.getTemplate().isBlank()
                || step.getTemplateFile() != null && !step.getTemplateFile().isBlank()
                || step.getTemplates() != null && !step.getTemplates().isEmpty();
        if (analysis) {
            throw new AbortException("analysisGate: judge: compares two label sets on its own metrics; give either"
                    + " judge: [...] or metrics/template/templates/templateFile, not both");
        }
        Map<String, Object> plan = judge.toPlan();
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) StepSupport.plain(plan);
        @SuppressWarnings("unchecked")
        Map<String, Object> judgeMap = (Map<String, Object>) copy.get("judge");
        defaults(judgeMap, copy, step);
        try {
            return PlanLoader.judgeGateFromMap(copy, "analysisGate");
        } catch (InvalidPlanException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /**
     * What the judge does not give itself comes from the step's {@code builtinMetrics} (its Prometheus, request
     * metric and minimum traffic), then from the Prometheus server of Manage Jenkins » System.
     */
    @SuppressWarnings("unchecked")
    private static void defaults(Map<String, Object> judge, Map<String, Object> gate, AnalysisGateStep step)
            throws AbortException {
        Map<String, Object> builtins = step.getBuiltinMetrics() == null ? new LinkedHashMap<>()
                : (Map<String, Object>) StepSupport.plain(step.getBuiltinMetrics().toPlan());
        Map<String, Object> prometheus = new LinkedHashMap<>();
        Object own = judge.get("prometheus");
        Object source = own instanceof Map<?, ?> map && map.get("address") != null ? own : builtins.get("prometheus");
        if (source instanceof Map<?, ?> shared) {
            shared.forEach((k, v) -> prometheus.put(String.valueOf(k), v));
        }
        if (own instanceof Map<?, ?> map) {
            map.forEach((k, v) -> prometheus.put(String.valueOf(k), v));
        }
        builtins.put("prometheus", prometheus);
        Map<String, Object> resolved = PlanDefaults.builtinSource(builtins,
                ProgressiveDeliveryConfiguration.getOrNull(), step.getPrometheus());
        if (resolved.get("prometheus") instanceof Map<?, ?> query && query.get("address") != null) {
            judge.put("prometheus", query);
        }
        if (!gate.containsKey("requests") && resolved.get("requests") != null) {
            gate.put("requests", resolved.get("requests"));
        }
        if (!judge.containsKey("minRequests") && resolved.get("minRequests") != null) {
            judge.put("minRequests", resolved.get("minRequests"));
        }
    }

    @Override
    String functionName() {
        return "analysisGate";
    }

    @Override
    Launch<JudgeGate, JudgeGate.Result> prepare(StepContext context) throws Exception {
        JudgeGateSpec spec = spec(step);
        Where where = where(context);
        MeasurementSource metrics = metrics(where);
        String what = "judge of " + spec.judge().metrics().size() + " metric(s): the experiment "
                + spec.experiment().describe() + " against the control " + spec.control().describe()
                + ", queries from " + where.describe();
        return new Launch<>(gateName, spec.experiment().describe(), "analysis '" + gateName + "': " + what,
                (events, done) -> JudgeGate.start(gateName, spec, metrics, runtime().scheduler, runtime().io,
                        events, done));
    }

    @Override
    Launch<JudgeGate, JudgeGate.Result> prepareResume(StepContext context, JudgeGate.State snapshot)
            throws Exception {
        MeasurementSource metrics = metrics(where(context));
        return new Launch<>(gateName, snapshot.spec().experiment().describe(), "resuming the judge '" + gateName
                + "' after a restart", (events, done) -> JudgeGate.resume(snapshot, metrics, runtime().scheduler,
                runtime().io, events, done));
    }

    private MeasurementSource metrics(Where where) throws AbortException {
        return runtime().metrics.create(where, PrometheusCredentials.resolve(runtime().credentials, run(),
                prometheusCredentialsId).withCaCertificate(prometheusCaCertificate), null);
    }

    @Override
    Class<JudgeGate.State> snapshotType() {
        return JudgeGate.State.class;
    }

    @Override
    JudgeGate.State snapshot(JudgeGate gate) {
        return gate.snapshot();
    }

    @Override
    Progress progress(JudgeGate gate) {
        return new Progress(gate.phase().displayName(), false, null);
    }

    @Override
    String statusOf(JudgeGate gate) {
        return gate.status();
    }

    @Override
    void stopEngine(JudgeGate gate, String actor, String reason) {
        gate.terminate(reason);
    }

    @Override
    Outcome outcome(JudgeGate.Result result) {
        String verdict = result.analysis().phase().displayName();
        String message = result.analysis().message();
        return new Outcome(verdict, null, message, "analysis '" + gateName + "': " + verdict
                + (message == null ? "" : " (" + message + ")"));
    }

    @Override
    void deliver(JudgeGate gate, JudgeGate.Result result) throws Exception {
        AnalysisGateStep.deliver(getContext(), run(), gateName, result.analysis(), returnResult, resultMap(result));
    }

    /** The step's value: {@link JudgeResults#map}, as each judge step of {@code canaryRollout} returns it. */
    static Map<String, Object> resultMap(JudgeGate.Result result) {
        return JudgeResults.map(result);
    }
}
