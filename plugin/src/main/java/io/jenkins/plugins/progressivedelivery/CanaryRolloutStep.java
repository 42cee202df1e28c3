package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisTemplateRefs;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutState;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutStatus;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.parameters.BackgroundAnalysis;
import io.jenkins.plugins.progressivedelivery.credentials.WebhookCredentials;
import io.jenkins.plugins.progressivedelivery.remote.JobAccess;
import io.jenkins.plugins.progressivedelivery.remote.RemoteAnalysisTemplates;
import io.jenkins.plugins.progressivedelivery.remote.WebhookTokens;
import io.jenkins.plugins.progressivedelivery.parameters.BuiltinMetrics;
import io.jenkins.plugins.progressivedelivery.parameters.CanaryPlanStep;
import io.jenkins.plugins.progressivedelivery.parameters.GatewayApiRoute;
import io.jenkins.plugins.progressivedelivery.parameters.Literals;
import io.jenkins.plugins.progressivedelivery.parameters.NginxIngress;
import io.jenkins.plugins.progressivedelivery.parameters.PodLabel;
import java.io.IOException;
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
 * {@code canaryRollout}: rolls a new image out as a canary next to the stable Deployment, shifts traffic step by step
 * (Istio weights, or the replica ratio without a mesh), runs analyses, and promotes or rolls back. Returns a map
 * (verdict, finalWeight, analyses) for the pipeline to branch on.
 *
 * <p>The plan comes from {@code steps} ({@code setWeight(10)}, {@code pause('5m')}, {@code analysis(...)}, or the
 * Argo-style maps {@code [setWeight: 10]}) and the other parameters, or from {@code planFile} in the workspace with the
 * parameters given here overriding it.
 */
public final class CanaryRolloutStep extends RolloutStep {
    private List<CanaryPlanStep> steps;
    private GatewayApiRoute gatewayAPI;
    private NginxIngress nginx;
    private BackgroundAnalysis analysis;
    private BuiltinMetrics metrics;
    private String onDrift;
    private Integer canaryReplicas;
    private List<PodLabel> canaryLabels;
    private String stableService;
    private String canaryService;
    private String stableSubset;
    private String canarySubset;
    private String abortScaleDownDelay;
    private Boolean baseline;

    @DataBoundConstructor
    public CanaryRolloutStep() {
    }

    @Override
    public StepExecution start(StepContext stepContext) throws Exception {
        return new Execution(this, stepContext, StepRuntime.jenkins());
    }

    /** The plan: the file's (if any), then the parameters given here, validated as a whole. */
    CanaryPlan loadPlan(FilePath workspace) throws IOException, InterruptedException {
        try {
            return PlanLoader.fromMap(planMap(workspace), planSource("canaryRollout"));
        } catch (InvalidPlanException e) {
            throw new AbortException(e.getMessage());
        } catch (IllegalArgumentException e) {
            // a Job spec or JSON body that is not YAML, named by its field
            throw new AbortException(planSource("canaryRollout") + ": " + e.getMessage());
        }
    }

    /** The plan as the maps the engine's loader reads, before it validates them. */
    Map<String, Object> planMap(FilePath workspace) throws IOException, InterruptedException {
        Map<String, Object> plan = planParameters(workspace, "canaryRollout", "target:, traffic: and steps:");
        Map<String, Object> target = PlanParameters.section(plan, "target");
        PlanParameters.put(target, "canaryReplicas", canaryReplicas);
        PlanParameters.put(target, "canaryLabels", PodLabel.toPlan(canaryLabels));
        if (getVirtualService() != null || getRoute() != null || stableService != null || canaryService != null
                || getDestinationRule() != null || stableSubset != null || canarySubset != null) {
            Map<String, Object> istio = PlanParameters.section(PlanParameters.section(plan, "traffic"), "istio");
            PlanParameters.put(istio, "virtualService", getVirtualService());
            PlanParameters.put(istio, "route", getRoute());
            PlanParameters.put(istio, "stableService", stableService);
            PlanParameters.put(istio, "canaryService", canaryService);
            PlanParameters.put(istio, "destinationRule", getDestinationRule());
            PlanParameters.put(istio, "stableSubset", stableSubset);
            PlanParameters.put(istio, "canarySubset", canarySubset);
        }
        if (gatewayAPI != null || nginx != null) {
            Map<String, Object> traffic = PlanParameters.section(plan, "traffic");
            PlanParameters.put(traffic, "gatewayAPI", gatewayAPI == null ? null : gatewayAPI.toPlan());
            PlanParameters.put(traffic, "nginx", nginx == null ? null : nginx.toPlan());
        }
        PlanParameters.put(plan, "analysis", analysis == null ? null : analysis.toPlan());
        PlanParameters.put(plan, "metrics", metrics == null ? null : metrics.toPlan());
        PlanParameters.put(plan, "onDrift", onDrift);
        if (steps != null) {
            plan.put("steps", steps.stream().map(CanaryPlanStep::toPlan).toList());
        }
        PlanParameters.put(plan, "abortScaleDownDelay", abortScaleDownDelay);
        PlanParameters.put(plan, "baseline", baseline);
        return completed(plan);
    }

    // ---- parameters (those shared with blueGreenSwitch are in RolloutStep) -----------------------------------------

    public List<CanaryPlanStep> getSteps() {
        return steps;
    }

    @DataBoundSetter
    public void setSteps(List<CanaryPlanStep> steps) {
        this.steps = Literals.copy(steps);
    }

    public List<PodLabel> getCanaryLabels() {
        return canaryLabels;
    }

    /** {@code [track: 'canary']} binds too (see the descriptor). */
    @DataBoundSetter
    public void setCanaryLabels(List<PodLabel> canaryLabels) {
        this.canaryLabels = Literals.copy(canaryLabels);
    }

    public Integer getCanaryReplicas() {
        return canaryReplicas;
    }

    @DataBoundSetter
    public void setCanaryReplicas(Integer canaryReplicas) {
        this.canaryReplicas = canaryReplicas;
    }

    public Boolean getBaseline() {
        return baseline;
    }

    /** Runs {@code <deployment>-baseline} (the stable image at the canary's size and weight) for judge steps. */
    @DataBoundSetter
    public void setBaseline(Boolean baseline) {
        this.baseline = baseline;
    }

    public String getStableService() {
        return stableService;
    }

    @DataBoundSetter
    public void setStableService(String stableService) {
        this.stableService = stableService;
    }

    public String getCanaryService() {
        return canaryService;
    }

    @DataBoundSetter
    public void setCanaryService(String canaryService) {
        this.canaryService = canaryService;
    }

    public String getStableSubset() {
        return stableSubset;
    }

    @DataBoundSetter
    public void setStableSubset(String stableSubset) {
        this.stableSubset = stableSubset;
    }

    public String getCanarySubset() {
        return canarySubset;
    }

    @DataBoundSetter
    public void setCanarySubset(String canarySubset) {
        this.canarySubset = canarySubset;
    }

    public String getAbortScaleDownDelay() {
        return abortScaleDownDelay;
    }

    @DataBoundSetter
    public void setAbortScaleDownDelay(String abortScaleDownDelay) {
        this.abortScaleDownDelay = abortScaleDownDelay;
    }

    public BackgroundAnalysis getAnalysis() {
        return analysis;
    }

    /** The background analysis, Argo's {@code strategy.canary.analysis}: {@code [startingStep: 1, templates: ...]}. */
    @DataBoundSetter
    public void setAnalysis(BackgroundAnalysis analysis) {
        this.analysis = analysis;
    }

    public BuiltinMetrics getMetrics() {
        return metrics;
    }

    /** The plan's {@code metrics}: where judge steps' built-in metrics come from. */
    @DataBoundSetter
    public void setMetrics(BuiltinMetrics metrics) {
        this.metrics = metrics;
    }

    public GatewayApiRoute getGatewayAPI() {
        return gatewayAPI;
    }

    /** Traffic by a Gateway API HTTPRoute or GRPCRoute instead of Istio: the plan's {@code traffic.gatewayAPI}. */
    @DataBoundSetter
    public void setGatewayAPI(GatewayApiRoute gatewayAPI) {
        this.gatewayAPI = gatewayAPI;
    }

    public NginxIngress getNginx() {
        return nginx;
    }

    /** Traffic by an ingress-nginx canary Ingress instead of Istio: the plan's {@code traffic.nginx}. */
    @DataBoundSetter
    public void setNginx(NginxIngress nginx) {
        this.nginx = nginx;
    }

    public String getOnDrift() {
        return onDrift;
    }

    /** What a change the engine did not make does: {@code pause} (default), {@code abort} or {@code overwrite}. */
    @DataBoundSetter
    public void setOnDrift(String onDrift) {
        this.onDrift = onDrift;
    }

    /**
     * Runs the rollout without holding a thread: the engine's timers are on {@code jenkins.util.Timer}, its cluster
     * and Prometheus calls on the I/O pool, made on the agent of the enclosing {@code node {}} if any.
     *
     * <p>Persisted in the program state: the engine's state snapshot (by {@link RunnerExecution}), the connection
     * settings and {@code returnResult}. After a controller restart {@link #onResume()} continues the rollout from
     * the snapshot: credentials are looked up again, a pause keeps its original end time, a running analysis
     * continues, and an interrupted cluster call is repeated (the engine's calls are idempotent). Continuing rather
     * than rolling back keeps a healthy rollout going through a routine restart; whoever wants a rollback clicks
     * Abort.
     */
    public static final class Execution extends RunnerExecution<CanaryRunner, RolloutState, RolloutResult> {
        private static final long serialVersionUID = 1L;

        private final transient CanaryRolloutStep step;
        private final Connection connection;
        private final boolean returnResult;
        private final String approvers;

        Execution(CanaryRolloutStep step, StepContext context, StepRuntime runtime)
                throws AbortException {
            super(context, runtime);
            this.step = step;
            this.connection = step.connection();
            this.returnResult = step.isReturnResult();
            this.approvers = step.getApprovers();
        }

        @Override
        String approvers() {
            return approvers;
        }

        @Override
        io.jenkins.plugins.progressivedelivery.rollback.ClusterRef keeperCluster(StepContext context)
                throws IOException, InterruptedException {
            return connection.clusterRef(context.get(hudson.EnvVars.class));
        }

        @Override
        String functionName() {
            return "canaryRollout";
        }

        @Override
        Launch<CanaryRunner, RolloutResult> prepare(StepContext context) throws Exception {
            CanaryPlan loaded = step.loadPlan(context.get(FilePath.class));
            Map<String, String> args = step.analysisArguments();
            Connection.Reach reach = connection.reach(runtime().credentials, context, run(), where(context));
            // analyses that name AnalysisTemplates: read them with the build's credential before anything changes
            CanaryPlan plan = AnalysisTemplateRefs.any(loaded)
                    ? closeAtEnd(new RemoteAnalysisTemplates(reach.where(), reach.cluster())).resolve(loaded,
                            connection.prometheusDefaults())
                    : loaded;
            WebhookTokens tokens = WebhookCredentials.resolve(runtime().credentials, run(), plan.hooks());
            return new Launch<>(title(plan), describeTarget(plan), "canary of " + plan.target().image() + " into "
                    + plan.target().namespace() + "/" + plan.target().deployment() + ", calls from "
                    + reach.where().describe() + " to " + reach.cluster().describe(),
                    (events, done) -> {
                        CanaryCluster cluster = cluster(reach, plan);
                        WebhookTokens.attach(cluster, tokens);
                        return CanaryRunner.start(plan, args, cluster, metrics(reach, cluster, plan),
                                engineScheduler(), engineIo(), events, done);
                    });
        }

        @Override
        Launch<CanaryRunner, RolloutResult> prepareResume(StepContext context, RolloutState snapshot)
                throws Exception {
            CanaryPlan plan = snapshot.plan();
            Connection.Reach reach = connection.reach(runtime().credentials, context, run(), where(context));
            WebhookTokens tokens = WebhookCredentials.resolve(runtime().credentials, run(), plan.hooks());
            return new Launch<>(title(plan), describeTarget(plan), "resuming the canary of " + plan.target().image()
                    + " after a restart, calls from " + reach.where().describe(),
                    (events, done) -> {
                        CanaryCluster cluster = cluster(reach, plan);
                        WebhookTokens.attach(cluster, tokens);
                        return CanaryRunner.resume(snapshot, cluster, metrics(reach, cluster, plan),
                                engineScheduler(), engineIo(), events, done);
                    });
        }

        /** The rollout's measurements, whose {@code job} metrics run with its cluster session. */
        private MeasurementSource metrics(Connection.Reach reach, CanaryCluster cluster, CanaryPlan plan) {
            return runtime().metrics.create(reach.where(), reach.prometheus(),
                    JobAccess.of(cluster, plan.target().namespace()));
        }

        private CanaryCluster cluster(Connection.Reach reach, CanaryPlan plan) {
            return closeAtEnd(runtime().canaryClusters.create(reach.where(), reach.cluster(), plan));
        }

        @Override
        Class<RolloutState> snapshotType() {
            return RolloutState.class;
        }

        @Override
        RolloutState snapshot(CanaryRunner runner) {
            return runner.snapshot();
        }

        @Override
        Progress progress(CanaryRunner runner) {
            RolloutStatus status = runner.status();
            String step = "step " + Math.min(status.step(), status.stepCount()) + "/" + status.stepCount();
            return new Progress(status.retrying() != null ? status.line()
                    : status.phase().name().toLowerCase(Locale.ROOT) + ", " + step + ", canary weight "
                    + status.canaryWeight(), status.awaitingPromotion(),
                    step + ", canary weight " + status.canaryWeight());
        }

        @Override
        String statusOf(CanaryRunner runner) {
            return "canary " + runner.statusLine();
        }

        /** Traffic goes back to stable at once; the canary is scaled down after {@code abortScaleDownDelay}. */
        @Override
        void stopEngine(CanaryRunner runner, String actor, String reason) {
            log("stopping: rolling back to stable (" + reason + ")");
            if (!runner.abort(actor, reason)) {
                log("already rolling back; the step ends when the rollback is done");
            }
        }

        @Override
        boolean promote(CanaryRunner runner, String actor) {
            return runner.promote(actor);
        }

        @Override
        boolean abort(CanaryRunner runner, String actor, String reason) {
            return runner.abort(actor, reason);
        }

        @Override
        Outcome outcome(RolloutResult result) {
            String verdict = StepSupport.verdict(result.phase());
            return new Outcome(verdict, result.finalWeight(), result.message(), verdict + ": " + result.message());
        }

        @Override
        void deliver(CanaryRunner runner, RolloutResult result) {
            if (result.promoted() || returnResult) {
                getContext().onSuccess(resultMap(result));
            } else {
                getContext().onFailure(new AbortException("canaryRollout " + StepSupport.verdict(result.phase())
                        .toLowerCase(Locale.ROOT) + ": " + result.message()
                        + " (returnResult: true returns the result instead of failing)"));
            }
        }

        static Map<String, Object> resultMap(RolloutResult result) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("verdict", StepSupport.verdict(result.phase()));
            map.put("promoted", result.promoted());
            map.put("finalWeight", result.finalWeight());
            map.put("message", result.message());
            map.put("analyses", StepSupport.analysisMaps(result.analyses()));
            // each judge step's full result, in order: what analysisGate(judge: ...) returns
            map.put("judgements", JudgeResults.maps(result.judgements()));
            return map;
        }

        private static String title(CanaryPlan plan) {
            return plan.target().namespace() + "/" + plan.target().deployment() + ": " + plan.target().image();
        }

        private static String describeTarget(CanaryPlan plan) {
            String traffic = plan.traffic().isReplicaRatio() ? "replica ratio (no mesh)"
                    : plan.traffic().describe();
            return "Deployment " + plan.target().namespace() + "/" + plan.target().deployment() + ", container "
                    + plan.target().container() + " -> " + plan.target().image() + "; traffic by " + traffic;
        }
    }

    @Extension
    @Symbol("canaryRollout")
    public static final class DescriptorImpl extends ConnectedDescriptor implements CustomDescribableModel {
        /**
         * The literals Jenkinsfiles have always passed: {@code steps: [[setWeight: 10], [pause: [:]]]},
         * {@code analysisArgs: [service: 'web']}, {@code canaryLabels: [track: 'canary']}.
         */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            Map<String, Object> converted = Literals.symbolList(Literals.checked(CanaryRolloutStep.class, arguments),
                    "steps");
            converted = Literals.pairs(converted, "analysisArgs", "name", "value");
            return Literals.pairs(converted, "canaryLabels", "name", "value");
        }

        @Override
        public String getFunctionName() {
            return "canaryRollout";
        }

        @Override
        public String getDisplayName() {
            return "Canary rollout with traffic shifting and metric analysis";
        }
    }
}
