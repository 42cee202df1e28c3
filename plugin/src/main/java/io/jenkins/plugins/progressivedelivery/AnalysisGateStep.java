package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisRun;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisState;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Arguments;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.BuiltinThresholds;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MeshMetricsSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.config.PlanDefaults;
import io.jenkins.plugins.progressivedelivery.config.ProgressiveDeliveryConfiguration;
import io.jenkins.plugins.progressivedelivery.parameters.Analysis;
import io.jenkins.plugins.progressivedelivery.parameters.BuiltinMetrics;
import io.jenkins.plugins.progressivedelivery.parameters.AnalysisArgument;
import io.jenkins.plugins.progressivedelivery.parameters.AnalysisTemplateRef;
import io.jenkins.plugins.progressivedelivery.remote.RemoteAnalysisTemplates;
import io.jenkins.plugins.progressivedelivery.parameters.DryRunMetric;
import io.jenkins.plugins.progressivedelivery.parameters.MeasurementRetention;
import io.jenkins.plugins.progressivedelivery.parameters.Literals;
import io.jenkins.plugins.progressivedelivery.parameters.Metric;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code analysisGate}: runs an analysis (Argo Rollouts AnalysisTemplate semantics: metrics, intervals, counts,
 * failure and inconclusive limits, Argo's expression language or CEL) against Prometheus, web endpoints or Jobs and
 * blocks the pipeline, holding no thread, until the verdict. The metrics come inline, from a configured template, a
 * template file, or AnalysisTemplates read by name from the cluster with the step's credential ({@code templates},
 * where the step runs, merged as {@code canaryRollout} merges them). By default a Failed or Error verdict fails the
 * build and Inconclusive marks it UNSTABLE; {@code returnResult: true} only returns the result map.
 */
public final class AnalysisGateStep extends ConnectedStep {
    private String name = "analysis";
    private List<Metric> metrics;
    private String template;
    private String templateFile;
    private List<AnalysisArgument> args;
    private List<AnalysisTemplateRef> templates;
    private String namespace;
    private boolean returnResult;
    private List<DryRunMetric> dryRun;
    private List<MeasurementRetention> measurementRetention;
    private String conditionLanguage;
    private io.jenkins.plugins.progressivedelivery.parameters.JudgeComparison judge;
    private BuiltinMetrics builtinMetrics;

    @DataBoundConstructor
    public AnalysisGateStep() {
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        if (judge != null) {
            return new AnalysisGateJudgeExecution(this, context, StepRuntime.jenkins());
        }
        return new Execution(this, context, StepRuntime.jenkins());
    }

    public io.jenkins.plugins.progressivedelivery.parameters.JudgeComparison getJudge() {
        return judge;
    }

    /**
     * Instead of metrics with conditions: judge an experiment against a control, two label sets, statistically
     * ({@link AnalysisGateJudgeExecution}).
     */
    @DataBoundSetter
    public void setJudge(io.jenkins.plugins.progressivedelivery.parameters.JudgeComparison judge) {
        this.judge = judge;
    }

    /**
     * The metrics: inline, a configured template, or the template file's (a configured template may be combined with
     * inline metrics), with {@code args} substituted (a missing one is an error). The Prometheus server of Manage
     * Jenkins » System fills in addresses, timeouts and headers the metrics do not give.
     */
    AnalysisSpec loadSpec(FilePath workspace) throws IOException, InterruptedException {
        return loadAnalysis(workspace).spec();
    }

    /** {@link #loadSpec}, with what each built-in metric became, for the log. */
    BuiltinThresholds.Resolution loadAnalysis(FilePath workspace) throws IOException, InterruptedException {
        boolean inline = metrics != null && !metrics.isEmpty();
        boolean named = template != null && !template.isBlank();
        boolean file = templateFile != null && !templateFile.isBlank();
        boolean cluster = templates != null && !templates.isEmpty();
        if (file == (inline || named || cluster)) {
            throw new AbortException("analysisGate: give metrics: [...], template: '...' and/or templates:"
                    + " [[templateName: '...']], or templateFile: '...', " + (file ? "not both"
                    : "one of them is required"));
        }
        ProgressiveDeliveryConfiguration config = ProgressiveDeliveryConfiguration.getOrNull();
        if (named && config == null) {
            throw new AbortException("template: '" + template + "' names a configured template, but there is no"
                    + " Jenkins configuration here");
        }
        AnalysisSpec spec;
        try {
            Map<String, Object> map;
            String source;
            if (file) {
                if (workspace == null) {
                    throw new AbortException("templateFile: needs a workspace; call analysisGate inside node { }"
                            + " (or give the metrics inline)");
                }
                FilePath templatePath = workspace.child(templateFile);
                if (!templatePath.exists()) {
                    throw new AbortException("templateFile: " + templateFile + " does not exist in the workspace "
                            + workspace.getRemote());
                }
                String text = templatePath.readToString();
                // several templates in one file: merged first, as Argo merges a run's templates
                map = PlanParameters.analysisMap(PlanParameters.severalTemplates(text)
                        ? PlanLoader.toYaml(PlanLoader.loadAnalysis(PlanDefaults.applyToDocuments(text, config,
                                getPrometheus()), templateFile)) : text, templateFile);
                source = templateFile;
            } else {
                // inline metrics declare the step's args, as an AnalysisTemplate declares its own
                List<Object> declared = new ArrayList<>();
                arguments().forEach((k, v) -> {
                    Map<String, Object> arg = new LinkedHashMap<>();
                    arg.put("name", k);
                    arg.put("value", v);
                    declared.add(arg);
                });
                map = new LinkedHashMap<>();
                if (named) {
                    map.put(Analysis.TEMPLATE_KEY, template.trim());
                }
                // read from the cluster when the step runs (Execution#prepare), merged as Argo merges them
                Literals.put(map, "templates", Literals.plans(templates, AnalysisTemplateRef::toPlan));
                map.put("args", declared);
                try {
                    if (inline) {
                        map.put("metrics", metrics.stream().map(Metric::toPlan).toList());
                    }
                } catch (IllegalArgumentException e) {
                    throw new AbortException("analysisGate: " + e.getMessage());
                }
                Literals.put(map, "dryRun", Literals.plans(dryRun, DryRunMetric::toPlan));
                Literals.put(map, "measurementRetention", Literals.plans(measurementRetention,
                        MeasurementRetention::toPlan));
                Literals.put(map, "conditionLanguage", conditionLanguage);
                source = "analysisGate";
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) StepSupport.plain(map);
            if (config != null) {
                PlanDefaults.expand(copy, config);
                PlanDefaults.apply(copy, config, getPrometheus());
            }
            spec = PlanLoader.analysisFromMap(copy, source);
            BuiltinThresholds.Resolution builtins = builtins(spec, config);
            return new BuiltinThresholds.Resolution(Arguments.resolve(builtins.spec(), arguments()),
                    builtins.builtins());
        } catch (InvalidPlanException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /**
     * The analysis with its built-in metrics ({@code [name: 'success-rate', min: 99, workload: 'checkout',
     * namespace: 'prod']}) made Prometheus queries of the workload each names; {@code builtinMetrics} (else the
     * configured Prometheus server) says where they come from.
     */
    BuiltinThresholds.Resolution builtins(AnalysisSpec spec, ProgressiveDeliveryConfiguration config)
            throws AbortException {
        if (spec.metrics().stream().noneMatch(BuiltinThresholds::isBuiltin)) {
            return new BuiltinThresholds.Resolution(spec, List.of());
        }
        Map<String, Object> source = PlanDefaults.builtinSource(builtinMetrics == null ? null
                : builtinMetrics.toPlan(), config, getPrometheus());
        MeshMetricsSpec mesh = PlanLoader.meshMetricsFromMap(source, "analysisGate builtinMetrics");
        return BuiltinThresholds.resolve(spec, BuiltinThresholds.Context.gate(mesh, null));
    }

    Map<String, String> arguments() {
        return AnalysisArgument.values(args);
    }

    public String getName() {
        return name;
    }

    @DataBoundSetter
    public void setName(String name) {
        this.name = name == null || name.isBlank() ? "analysis" : name.trim();
    }

    public List<Metric> getMetrics() {
        return metrics;
    }

    @DataBoundSetter
    public void setMetrics(List<Metric> metrics) {
        this.metrics = Literals.copy(metrics);
    }

    public String getTemplate() {
        return template;
    }

    /** The name of an analysis template configured in Manage Jenkins » System. */
    @DataBoundSetter
    public void setTemplate(String template) {
        this.template = template;
    }

    public List<DryRunMetric> getDryRun() {
        return dryRun;
    }

    @DataBoundSetter
    public void setDryRun(List<DryRunMetric> dryRun) {
        this.dryRun = Literals.copy(dryRun);
    }

    public List<MeasurementRetention> getMeasurementRetention() {
        return measurementRetention;
    }

    @DataBoundSetter
    public void setMeasurementRetention(List<MeasurementRetention> measurementRetention) {
        this.measurementRetention = Literals.copy(measurementRetention);
    }

    public String getConditionLanguage() {
        return conditionLanguage;
    }

    /** {@code expr} (Argo's expression language, the default) or {@code cel}. */
    @DataBoundSetter
    public void setConditionLanguage(String conditionLanguage) {
        this.conditionLanguage = conditionLanguage;
    }

    public String getTemplateFile() {
        return templateFile;
    }

    @DataBoundSetter
    public void setTemplateFile(String templateFile) {
        this.templateFile = templateFile;
    }

    public List<AnalysisArgument> getArgs() {
        return args;
    }

    /** {@code [service: 'web']} binds too (see the descriptor). */
    @DataBoundSetter
    public void setArgs(List<AnalysisArgument> args) {
        this.args = Literals.copy(args);
    }

    public List<AnalysisTemplateRef> getTemplates() {
        return templates;
    }

    /**
     * Argo Rollouts AnalysisTemplates (or, with {@code clusterScope: true}, ClusterAnalysisTemplates) read from the
     * cluster with the step's credential and merged into one analysis, as Argo merges a rollout's templates.
     */
    @DataBoundSetter
    public void setTemplates(List<AnalysisTemplateRef> templates) {
        this.templates = Literals.copy(templates);
    }

    public String getNamespace() {
        return namespace;
    }

    /** Where the {@code templates} are read and {@code job} metrics run; default: the kubeconfig context's. */
    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = namespace == null || namespace.isBlank() ? null : namespace.trim();
    }

    public BuiltinMetrics getBuiltinMetrics() {
        return builtinMetrics;
    }

    /**
     * Where built-in metrics come from: {@code builtinMetrics: [prometheus: [address: '...'], requests: [...],
     * minRequests: 20]}; without it, the configured Prometheus server and Istio's metrics.
     */
    @DataBoundSetter
    public void setBuiltinMetrics(BuiltinMetrics builtinMetrics) {
        this.builtinMetrics = builtinMetrics;
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
     * agent of the enclosing {@code node {}} if any. Persisted: the analysis state snapshot (by
     * {@link RunnerExecution}), the name, the credential id and {@code returnResult}. {@link #onResume()} continues
     * the analysis after a restart: measurements already taken count, the next one is due at its original time (at
     * once if that passed).
     */
    public static final class Execution extends RunnerExecution<AnalysisRun, AnalysisState, AnalysisResult> {
        private static final long serialVersionUID = 1L;

        private final transient AnalysisGateStep step;
        private final String analysisName;
        /** How to reach the cluster (templates, Jobs) and Prometheus; never a secret. */
        private final Connection connection;
        /** Where the templates were read and Jobs run: the step's, or the one the cluster said was the default. */
        private volatile String namespace;
        private final boolean returnResult;

        Execution(AnalysisGateStep step, StepContext context, StepRuntime runtime) throws AbortException {
            super(context, runtime);
            this.step = step;
            this.analysisName = step.name;
            this.connection = step.connection();
            this.namespace = step.namespace;
            this.returnResult = step.returnResult;
        }

        @Override
        String functionName() {
            return "analysisGate";
        }

        @Override
        Launch<AnalysisRun, AnalysisResult> prepare(StepContext context) throws Exception {
            BuiltinThresholds.Resolution builtins = step.loadAnalysis(context.get(FilePath.class));
            AnalysisSpec loaded = builtins.spec();
            Connection.Reach reach = connection.reach(runtime().credentials, context, run(), where(context));
            // a cluster session only for what needs one: templates to read, Jobs to run
            RemoteAnalysisTemplates cluster = !loaded.templates().isEmpty() || runsJobs(loaded)
                    ? closeAtEnd(new RemoteAnalysisTemplates(reach.where(), reach.cluster())) : null;
            AnalysisSpec spec = loaded;
            String templates = "";
            if (!loaded.templates().isEmpty()) {
                // read with the build's credential before the first measurement; a missing or invalid template
                // stops the step here, naming each problem
                RemoteAnalysisTemplates.Resolved resolved;
                try {
                    resolved = cluster.resolve(loaded, namespace, "", connection.prometheusDefaults());
                    spec = Arguments.resolve(resolved.spec(), step.arguments());
                } catch (InvalidPlanException e) {
                    throw new AbortException("analysisGate '" + analysisName + "': " + e.getMessage());
                }
                namespace = resolved.namespace();
                templates = describe(loaded.templates(), namespace) + " from " + reach.cluster().describe()
                        + " merged: ";
            }
            if (cluster == null && runsJobs(spec)) {
                cluster = closeAtEnd(new RemoteAnalysisTemplates(reach.where(), reach.cluster()));
            }
            MeasurementSource metrics = metrics(reach, cluster);
            String what = spec.metrics().size() + " metric(s), queries from " + reach.where().describe();
            AnalysisSpec run = spec;
            return new Launch<>(analysisName, what, "analysis '" + analysisName + "': " + templates + what,
                    (events, done) -> {
                        builtins.events(analysisName, runtime().scheduler.now()).forEach(events::onEvent);
                        return AnalysisRun.start(analysisName, run, metrics, runtime().scheduler, runtime().io,
                                events, done);
                    });
        }

        @Override
        Launch<AnalysisRun, AnalysisResult> prepareResume(StepContext context, AnalysisState snapshot)
                throws Exception {
            Connection.Reach reach = reach(context);
            MeasurementSource metrics = metrics(reach, runsJobs(snapshot.spec())
                    ? closeAtEnd(new RemoteAnalysisTemplates(reach.where(), reach.cluster())) : null);
            return new Launch<>(analysisName, null, "resuming analysis '" + analysisName + "' after a restart",
                    (events, done) -> AnalysisRun.resume(snapshot, metrics, runtime().scheduler, runtime().io,
                            events, done));
        }

        private Connection.Reach reach(StepContext context) throws Exception {
            // a program state written before analysisGate had a cluster connection: the configured defaults
            Connection reachedBy = connection != null ? connection : Connection.of(null, null, null, null, null, null);
            return reachedBy.reach(runtime().credentials, context, run(), where(context));
        }

        /** Prometheus with the step's credential; {@code job} metrics with the templates' client, in the namespace. */
        private MeasurementSource metrics(Connection.Reach reach, RemoteAnalysisTemplates cluster) {
            return runtime().metrics.create(reach.where(), reach.prometheus(),
                    cluster == null ? null : cluster.jobs(namespace));
        }

        private static boolean runsJobs(AnalysisSpec spec) {
            return spec != null && spec.metrics().stream().anyMatch(m -> m.provider() != null
                    && m.provider().job() != null);
        }

        private static String describe(List<AnalysisSpec.TemplateRef> refs, String namespace) {
            List<String> names = new ArrayList<>();
            for (AnalysisSpec.TemplateRef ref : refs) {
                names.add(ref.cluster() ? "ClusterAnalysisTemplate " + ref.templateName()
                        : "AnalysisTemplate " + namespace + "/" + ref.templateName());
            }
            return String.join(" and ", names);
        }

        @Override
        Class<AnalysisState> snapshotType() {
            return AnalysisState.class;
        }

        @Override
        AnalysisState snapshot(AnalysisRun analysis) {
            return analysis.snapshot();
        }

        @Override
        Progress progress(AnalysisRun analysis) {
            return new Progress(analysis.phase().displayName(), false, null);
        }

        @Override
        String statusOf(AnalysisRun analysis) {
            return "analysis '" + analysisName + "' " + analysis.phase().displayName().toLowerCase(Locale.ROOT);
        }

        /** Stops measuring: the analysis ends Inconclusive, as an Argo terminated run. */
        @Override
        void stopEngine(AnalysisRun analysis, String actor, String reason) {
            analysis.terminate(reason);
        }

        @Override
        Outcome outcome(AnalysisResult result) {
            String verdict = result.phase().displayName();
            return new Outcome(verdict, null, result.message(), "analysis '" + analysisName + "': " + verdict
                    + (result.message() == null ? "" : " (" + result.message() + ")"));
        }

        @Override
        void deliver(AnalysisRun analysis, AnalysisResult result) throws Exception {
            AnalysisGateStep.deliver(getContext(), run(), analysisName, result, returnResult,
                    StepSupport.analysisMap(result));
        }
    }

    /**
     * How every {@code analysisGate} ends (its analysis or its judge): Failed or Error fails the build, Inconclusive
     * marks it UNSTABLE, unless {@code returnResult: true}; otherwise the step returns {@code value}.
     */
    static void deliver(org.jenkinsci.plugins.workflow.steps.StepContext context, hudson.model.Run<?, ?> run,
                        String name, AnalysisResult result, boolean returnResult, Map<String, Object> value)
            throws Exception {
        if (!returnResult) {
            String verdict = result.phase().displayName();
            if (result.phase() == AnalysisPhase.FAILED || result.phase() == AnalysisPhase.ERROR) {
                context.onFailure(new AbortException("analysisGate '" + name + "': " + verdict
                        + (result.message() == null ? "" : ": " + result.message())
                        + " (returnResult: true returns the result instead of failing)"));
                return;
            }
            if (result.phase() == AnalysisPhase.INCONCLUSIVE) {
                StepSupport.markUnstable(context, run, "analysis '" + name + "' was inconclusive"
                        + (result.message() == null ? "" : ": " + result.message()));
            }
        }
        context.onSuccess(value);
    }

    @Extension
    @Symbol("analysisGate")
    public static final class DescriptorImpl extends ConnectedDescriptor implements CustomDescribableModel {
        /** {@code args: [service: 'web']}, as Jenkinsfiles have always passed it. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.pairs(Literals.checked(AnalysisGateStep.class, arguments), "args", "name", "value");
        }

        @Override
        public String getFunctionName() {
            return "analysisGate";
        }

        @Override
        public String getDisplayName() {
            return "Analysis gate: wait for a metric analysis verdict";
        }
    }
}
