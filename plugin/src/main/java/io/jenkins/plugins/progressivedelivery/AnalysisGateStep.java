package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialChoices;
import io.jenkins.plugins.progressivedelivery.credentials.PrometheusCredentials;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisRun;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisState;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Arguments;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.remote.PrometheusAccess;
import io.jenkins.plugins.progressivedelivery.remote.Serialized;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.AbstractStepExecutionImpl;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code analysisGate}: runs an analysis (Argo Rollouts AnalysisTemplate semantics: metrics, intervals, counts,
 * failure and inconclusive limits, CEL conditions) against Prometheus and blocks the pipeline, holding no thread,
 * until the verdict. By default a Failed or Error verdict fails the build and Inconclusive marks it UNSTABLE;
 * {@code returnResult: true} only returns the result map.
 */
public final class AnalysisGateStep extends Step {
    private String name = "analysis";
    private List<Object> metrics;
    private String templateFile;
    private Map<String, Object> args;
    private String prometheusCredentialsId;
    private boolean returnResult;

    @DataBoundConstructor
    public AnalysisGateStep() {
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context, StepRuntime.jenkins());
    }

    /** The metrics: inline, or the template file's, with {@code args} substituted (a missing one is an error). */
    AnalysisSpec loadSpec(FilePath workspace) throws IOException, InterruptedException {
        boolean inline = metrics != null && !metrics.isEmpty();
        boolean file = templateFile != null && !templateFile.isBlank();
        if (inline == file) {
            throw new AbortException("analysisGate: give either metrics: [...] or templateFile: '...', "
                    + (inline ? "not both" : "one of them is required"));
        }
        AnalysisSpec spec;
        try {
            if (file) {
                if (workspace == null) {
                    throw new AbortException("templateFile: needs a workspace; call analysisGate inside node { }"
                            + " (or give the metrics inline)");
                }
                FilePath template = workspace.child(templateFile);
                if (!template.exists()) {
                    throw new AbortException("templateFile: " + templateFile + " does not exist in the workspace "
                            + workspace.getRemote());
                }
                spec = PlanLoader.loadAnalysis(template.readToString(), templateFile);
            } else {
                // inline metrics declare the step's args, as an AnalysisTemplate declares its own
                List<Object> declared = new ArrayList<>();
                arguments().forEach((k, v) -> {
                    Map<String, Object> arg = new LinkedHashMap<>();
                    arg.put("name", k);
                    arg.put("value", v);
                    declared.add(arg);
                });
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("args", declared);
                map.put("metrics", StepSupport.plain(metrics));
                spec = PlanLoader.analysisFromMap(map, "analysisGate");
            }
            return Arguments.resolve(spec, arguments());
        } catch (InvalidPlanException e) {
            throw new AbortException(e.getMessage());
        }
    }

    Map<String, String> arguments() {
        Map<String, String> resolved = new LinkedHashMap<>();
        if (args != null) {
            args.forEach((k, v) -> resolved.put(k, v == null ? null : v.toString()));
        }
        return resolved;
    }

    public String getName() {
        return name;
    }

    @DataBoundSetter
    public void setName(String name) {
        this.name = name == null || name.isBlank() ? "analysis" : name.trim();
    }

    public List<Object> getMetrics() {
        return metrics;
    }

    @DataBoundSetter
    public void setMetrics(List<Object> metrics) {
        this.metrics = metrics == null ? null : new ArrayList<>(metrics);
    }

    public String getTemplateFile() {
        return templateFile;
    }

    @DataBoundSetter
    public void setTemplateFile(String templateFile) {
        this.templateFile = templateFile;
    }

    public Map<String, Object> getArgs() {
        return args;
    }

    @DataBoundSetter
    public void setArgs(Map<String, Object> args) {
        this.args = args == null ? null : new LinkedHashMap<>(args);
    }

    public String getPrometheusCredentialsId() {
        return prometheusCredentialsId;
    }

    @DataBoundSetter
    public void setPrometheusCredentialsId(String prometheusCredentialsId) {
        this.prometheusCredentialsId = prometheusCredentialsId;
    }

    public boolean isReturnResult() {
        return returnResult;
    }

    @DataBoundSetter
    public void setReturnResult(boolean returnResult) {
        this.returnResult = returnResult;
    }

    /**
     * Measures on the engine's timers (no thread waits between measurements); queries run on the I/O pool, on the
     * agent of the enclosing {@code node {}} if any. Persisted: the analysis state snapshot (as bytes), the record's
     * id, the credential id. {@link #onResume()} continues the analysis after a restart: measurements already taken
     * count, the next one is due at its original time (at once if that passed).
     */
    public static final class Execution extends AbstractStepExecutionImpl {
        private static final long serialVersionUID = 1L;

        private final transient AnalysisGateStep step;
        private final String analysisName;
        private final String prometheusCredentialsId;
        private final boolean returnResult;
        private String recordId;
        private volatile String state;
        private volatile boolean stopping;

        private transient StepRuntime runtime;
        private transient volatile AnalysisRun analysis;
        private transient TaskListener listener;
        private transient Run<?, ?> run;
        private transient DeliveryAction record;
        private transient AtomicBoolean checkpointPending;
        private transient Throwable stopCause;

        Execution(AnalysisGateStep step, StepContext context, StepRuntime runtime) {
            super(context);
            this.step = step;
            this.runtime = runtime;
            this.analysisName = step.name;
            this.prometheusCredentialsId = step.prometheusCredentialsId;
            this.returnResult = step.returnResult;
        }

        @Override
        public boolean start() throws Exception {
            run = getContext().get(Run.class);
            listener = getContext().get(TaskListener.class);
            checkpointPending = new AtomicBoolean();
            runtime.io.execute(this::begin);
            return false;
        }

        private void begin() {
            try {
                StepContext context = getContext();
                AnalysisSpec spec = step.loadSpec(context.get(FilePath.class));
                Where where = StepSupport.where(context);
                PrometheusAccess prometheus = PrometheusCredentials.resolve(runtime.credentials, run,
                        prometheusCredentialsId);
                synchronized (this) {
                    if (stopping) {
                        return;
                    }
                    record = new DeliveryAction(DeliveryAction.nextId(run), "analysisGate", analysisName);
                    recordId = record.getId();
                    record.setTarget(spec.metrics().size() + " metric(s), queries from " + where.describe());
                    run.addAction(record);
                    StepSupport.log(listener, "analysis '" + analysisName + "': " + spec.metrics().size()
                            + " metric(s), queries from " + where.describe());
                    analysis = AnalysisRun.start(analysisName, spec, runtime.metrics.create(where, prometheus),
                            runtime.scheduler, runtime.io, this::onEvent, this::onComplete);
                }
                checkpoint();
            } catch (Exception | LinkageError e) {
                getContext().onFailure(e);
            }
        }

        @Override
        public void onResume() {
            resume(StepRuntime.jenkins());
        }

        void resume(StepRuntime resumedRuntime) {
            runtime = resumedRuntime;
            checkpointPending = new AtomicBoolean();
            runtime.io.execute(() -> {
                try {
                    StepContext context = getContext();
                    run = context.get(Run.class);
                    listener = context.get(TaskListener.class);
                    if (state == null) {
                        context.onFailure(new AbortException("analysisGate: Jenkins restarted before the analysis"
                                + " had started. Run the build again."));
                        return;
                    }
                    AnalysisState snapshot = Serialized.fromText(state, AnalysisState.class);
                    Where where = StepSupport.where(context);
                    PrometheusAccess prometheus = PrometheusCredentials.resolve(runtime.credentials, run,
                            prometheusCredentialsId);
                    synchronized (this) {
                        record = DeliveryAction.find(run, recordId);
                        if (record == null) {
                            record = new DeliveryAction(recordId, "analysisGate", analysisName);
                            run.addAction(record);
                        }
                        StepSupport.log(listener, "resuming analysis '" + analysisName + "' after a restart");
                        analysis = AnalysisRun.resume(snapshot, runtime.metrics.create(where, prometheus),
                                runtime.scheduler, runtime.io, this::onEvent, this::onComplete);
                        if (stopping) {
                            analysis.terminate("the build was stopped while Jenkins restarted");
                        }
                    }
                    checkpoint();
                } catch (Exception | LinkageError e) {
                    getContext().onFailure(e);
                }
            });
        }

        /** Stops measuring (the analysis ends Inconclusive, as an Argo terminated run) and ends the step with the cause. */
        @Override
        public void stop(Throwable cause) throws Exception {
            AnalysisRun current;
            synchronized (this) {
                stopping = true;
                stopCause = cause;
                current = analysis;
            }
            if (current == null) {
                if (state == null) {
                    getContext().onFailure(cause);
                }
                return;
            }
            current.terminate(CanaryRolloutStep.Execution.describe(cause));
        }

        private void onEvent(AuditEvent event) {
            StepSupport.logEvent(listener, event);
            DeliveryAction current = record;
            if (current != null) {
                current.record(event);
            }
            if (checkpointPending != null && checkpointPending.compareAndSet(false, true)) {
                runtime.io.execute(this::checkpoint);
            }
        }

        private void checkpoint() {
            if (checkpointPending != null) {
                checkpointPending.set(false);
            }
            AnalysisRun current = analysis;
            if (current == null) {
                return;
            }
            state = Serialized.toText(current.snapshot());
            getContext().saveState();
            DeliveryAction currentRecord = record;
            if (currentRecord != null) {
                currentRecord.setStatus(current.phase().displayName());
                StepSupport.save(run);
            }
        }

        private void onComplete(AnalysisResult result) {
            runtime.io.execute(() -> finish(result));
        }

        private void finish(AnalysisResult result) {
            try {
                checkpoint();
                String verdict = result.phase().displayName();
                DeliveryAction current = record;
                if (current != null) {
                    current.complete(verdict, null, result.message());
                    StepSupport.save(run);
                }
                StepSupport.log(listener, "analysis '" + analysisName + "': " + verdict
                        + (result.message() == null ? "" : " (" + result.message() + ")"));
                Throwable cause = stopCause;
                if (cause != null) {
                    getContext().onFailure(cause);
                    return;
                }
                if (!returnResult) {
                    if (result.phase() == AnalysisPhase.FAILED || result.phase() == AnalysisPhase.ERROR) {
                        getContext().onFailure(new AbortException("analysisGate '" + analysisName + "': " + verdict
                                + (result.message() == null ? "" : ": " + result.message())
                                + " (returnResult: true returns the result instead of failing)"));
                        return;
                    }
                    if (result.phase() == AnalysisPhase.INCONCLUSIVE) {
                        StepSupport.markUnstable(getContext(), run, "analysis '" + analysisName + "' was"
                                + " inconclusive" + (result.message() == null ? "" : ": " + result.message()));
                    }
                }
                getContext().onSuccess(StepSupport.analysisMap(result));
            } catch (Exception e) {
                getContext().onFailure(e);
            }
        }

        @Override
        public String getStatus() {
            AnalysisRun current = analysis;
            if (current == null) {
                return state == null ? "starting" : "resuming after a restart";
            }
            return "analysis '" + analysisName + "' " + current.phase().displayName().toLowerCase(
                    java.util.Locale.ROOT);
        }
    }

    @Extension
    @Symbol("analysisGate")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "analysisGate";
        }

        @Override
        public String getDisplayName() {
            return "Analysis gate: wait for a metric analysis verdict";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        public ListBoxModel doFillPrometheusCredentialsIdItems(@AncestorInPath Item item,
                                                               @QueryParameter String prometheusCredentialsId) {
            return CredentialChoices.prometheus(item, prometheusCredentialsId);
        }
    }
}
