package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisTemplateRefs;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenStage;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenState;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenStatus;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.parameters.Analysis;
import io.jenkins.plugins.progressivedelivery.parameters.BuiltinMetrics;
import io.jenkins.plugins.progressivedelivery.credentials.WebhookCredentials;
import io.jenkins.plugins.progressivedelivery.remote.JobAccess;
import io.jenkins.plugins.progressivedelivery.remote.RemoteAnalysisTemplates;
import io.jenkins.plugins.progressivedelivery.remote.WebhookTokens;
import io.jenkins.plugins.progressivedelivery.parameters.BlueGreenGatewayApiRoute;
import io.jenkins.plugins.progressivedelivery.parameters.Literals;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code blueGreenSwitch}: deploys a new image as the idle colour ({@code <deployment>-blue} or {@code -green}) next to
 * the one in production, points the preview Service at it, runs the pre-promotion analysis, waits for Promote (or
 * {@code autoPromotionSeconds}), switches production in one write (the active Service's selector, or an Istio route),
 * runs the post-promotion analysis, switching back at once if it fails, and scales the old colour down after
 * {@code scaleDownDelaySeconds}. Returns a map (verdict, promoted, activeColour, newColour, message, analyses).
 *
 * <p>The plan comes from the parameters, or from {@code planFile} in the workspace with the parameters given here
 * overriding it; the names are those of an Argo Rollout's {@code strategy.blueGreen}.
 */
public final class BlueGreenSwitchStep extends RolloutStep {
    private String colorLabel;
    private String activeService;
    private String previewService;
    private Integer previewReplicaCount;
    private String blueService;
    private String greenService;
    private String blueSubset;
    private String greenSubset;
    private Analysis prePromotionAnalysis;
    private Analysis postPromotionAnalysis;
    private BuiltinMetrics metrics;
    private Integer autoPromotionSeconds;
    private Integer scaleDownDelaySeconds;
    private Integer abortScaleDownDelaySeconds;
    private BlueGreenGatewayApiRoute gatewayAPI;

    @DataBoundConstructor
    public BlueGreenSwitchStep() {
    }

    @Override
    public StepExecution start(StepContext stepContext) throws Exception {
        return new Execution(this, stepContext, StepRuntime.jenkins());
    }

    /** The plan: the file's (if any), then the parameters given here, validated as a whole. */
    BlueGreenPlan loadPlan(FilePath workspace) throws IOException, InterruptedException {
        try {
            return PlanLoader.blueGreenFromMap(planMap(workspace), planSource("blueGreenSwitch"));
        } catch (InvalidPlanException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /** The plan as the maps the engine's loader reads, before it validates them. */
    Map<String, Object> planMap(FilePath workspace) throws IOException, InterruptedException {
        Map<String, Object> plan = planParameters(workspace, "blueGreenSwitch",
                "target:, activeService: and previewService:");
        PlanParameters.put(plan, "colorLabel", colorLabel);
        PlanParameters.put(plan, "activeService", activeService);
        PlanParameters.put(plan, "previewService", previewService);
        PlanParameters.put(plan, "previewReplicaCount", previewReplicaCount);
        if (getVirtualService() != null || getRoute() != null || blueService != null || greenService != null
                || getDestinationRule() != null || blueSubset != null || greenSubset != null) {
            Map<String, Object> istio = PlanParameters.section(PlanParameters.section(plan, "traffic"), "istio");
            PlanParameters.put(istio, "virtualService", getVirtualService());
            PlanParameters.put(istio, "route", getRoute());
            PlanParameters.put(istio, "blueService", blueService);
            PlanParameters.put(istio, "greenService", greenService);
            PlanParameters.put(istio, "destinationRule", getDestinationRule());
            PlanParameters.put(istio, "blueSubset", blueSubset);
            PlanParameters.put(istio, "greenSubset", greenSubset);
        }
        if (gatewayAPI != null) {
            PlanParameters.put(PlanParameters.section(plan, "traffic"), "gatewayAPI", gatewayAPI.toPlan());
        }
        try {
            PlanParameters.put(plan, "prePromotionAnalysis", prePromotionAnalysis == null ? null
                    : prePromotionAnalysis.toPlan());
            PlanParameters.put(plan, "postPromotionAnalysis", postPromotionAnalysis == null ? null
                    : postPromotionAnalysis.toPlan());
        } catch (IllegalArgumentException e) {
            throw new AbortException(planSource("blueGreenSwitch") + ": " + e.getMessage());
        }
        PlanParameters.put(plan, "metrics", metrics == null ? null : metrics.toPlan());
        PlanParameters.put(plan, "autoPromotionSeconds", autoPromotionSeconds);
        PlanParameters.put(plan, "scaleDownDelaySeconds", scaleDownDelaySeconds);
        PlanParameters.put(plan, "abortScaleDownDelaySeconds", abortScaleDownDelaySeconds);
        return completed(plan);
    }

    // ---- parameters (those shared with canaryRollout are in RolloutStep) -------------------------------------------

    public String getColorLabel() {
        return colorLabel;
    }

    @DataBoundSetter
    public void setColorLabel(String colorLabel) {
        this.colorLabel = colorLabel;
    }

    public String getActiveService() {
        return activeService;
    }

    @DataBoundSetter
    public void setActiveService(String activeService) {
        this.activeService = activeService;
    }

    public String getPreviewService() {
        return previewService;
    }

    @DataBoundSetter
    public void setPreviewService(String previewService) {
        this.previewService = previewService;
    }

    public Integer getPreviewReplicaCount() {
        return previewReplicaCount;
    }

    @DataBoundSetter
    public void setPreviewReplicaCount(Integer previewReplicaCount) {
        this.previewReplicaCount = previewReplicaCount;
    }

    public String getBlueService() {
        return blueService;
    }

    @DataBoundSetter
    public void setBlueService(String blueService) {
        this.blueService = blueService;
    }

    public String getGreenService() {
        return greenService;
    }

    @DataBoundSetter
    public void setGreenService(String greenService) {
        this.greenService = greenService;
    }

    public String getBlueSubset() {
        return blueSubset;
    }

    @DataBoundSetter
    public void setBlueSubset(String blueSubset) {
        this.blueSubset = blueSubset;
    }

    public String getGreenSubset() {
        return greenSubset;
    }

    @DataBoundSetter
    public void setGreenSubset(String greenSubset) {
        this.greenSubset = greenSubset;
    }

    public Analysis getPrePromotionAnalysis() {
        return prePromotionAnalysis;
    }

    /** {@code [args: [...], metrics: [...]]} binds to it as it is (a concrete type needs no symbol). */
    @DataBoundSetter
    public void setPrePromotionAnalysis(Analysis prePromotionAnalysis) {
        this.prePromotionAnalysis = prePromotionAnalysis;
    }

    public Analysis getPostPromotionAnalysis() {
        return postPromotionAnalysis;
    }

    @DataBoundSetter
    public void setPostPromotionAnalysis(Analysis postPromotionAnalysis) {
        this.postPromotionAnalysis = postPromotionAnalysis;
    }

    public BuiltinMetrics getMetrics() {
        return metrics;
    }

    /** The plan's {@code metrics}: where the analyses' built-in metrics ({@code [name: 'success-rate', min: 99]}) come from. */
    @DataBoundSetter
    public void setMetrics(BuiltinMetrics metrics) {
        this.metrics = metrics;
    }

    public Integer getAutoPromotionSeconds() {
        return autoPromotionSeconds;
    }

    @DataBoundSetter
    public void setAutoPromotionSeconds(Integer autoPromotionSeconds) {
        this.autoPromotionSeconds = autoPromotionSeconds;
    }

    public Integer getScaleDownDelaySeconds() {
        return scaleDownDelaySeconds;
    }

    @DataBoundSetter
    public void setScaleDownDelaySeconds(Integer scaleDownDelaySeconds) {
        this.scaleDownDelaySeconds = scaleDownDelaySeconds;
    }

    public Integer getAbortScaleDownDelaySeconds() {
        return abortScaleDownDelaySeconds;
    }

    @DataBoundSetter
    public void setAbortScaleDownDelaySeconds(Integer abortScaleDownDelaySeconds) {
        this.abortScaleDownDelaySeconds = abortScaleDownDelaySeconds;
    }

    public BlueGreenGatewayApiRoute getGatewayAPI() {
        return gatewayAPI;
    }

    /** Production switched by a Gateway API route's weights instead of a Service selector or Istio. */
    @DataBoundSetter
    public void setGatewayAPI(BlueGreenGatewayApiRoute gatewayAPI) {
        this.gatewayAPI = gatewayAPI;
    }

    /**
     * Runs the switch without holding a thread, as {@code canaryRollout} runs a canary: the engine's timers (the
     * promotion gate, the scale-down delays, readiness polls, analysis intervals) are on {@code jenkins.util.Timer},
     * its cluster and Prometheus calls on the I/O pool, made on the agent of the enclosing {@code node {}} if any.
     *
     * <p>Persisted in the program state: the engine's state snapshot (by {@link RunnerExecution}), the connection
     * settings and {@code returnResult}. After a controller restart {@link #onResume()} continues from the snapshot:
     * a wait for Promote keeps waiting, the scale-down window keeps its original end (a switch back inside it is
     * still instant), a running analysis continues, an interrupted cluster call is repeated (they are idempotent).
     */
    public static final class Execution extends RunnerExecution<BlueGreenRunner, BlueGreenState, RolloutResult> {
        private static final long serialVersionUID = 1L;

        private final transient BlueGreenSwitchStep step;
        private final Connection connection;
        private final boolean returnResult;
        private final String approvers;

        Execution(BlueGreenSwitchStep step, StepContext context, StepRuntime runtime)
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
            return "blueGreenSwitch";
        }

        @Override
        Launch<BlueGreenRunner, RolloutResult> prepare(StepContext context) throws Exception {
            BlueGreenPlan loaded = step.loadPlan(context.get(FilePath.class));
            Map<String, String> args = step.analysisArguments();
            Connection.Reach reach = connection.reach(runtime().credentials, context, run(), where(context));
            // analyses that name AnalysisTemplates: read them with the build's credential before anything changes
            BlueGreenPlan plan = AnalysisTemplateRefs.any(loaded)
                    ? closeAtEnd(new RemoteAnalysisTemplates(reach.where(), reach.cluster())).resolve(loaded,
                            connection.prometheusDefaults())
                    : loaded;
            WebhookTokens tokens = WebhookCredentials.resolve(runtime().credentials, run(), plan.hooks());
            return new Launch<>(title(plan), describeTarget(plan), "blue-green switch of " + plan.target().image()
                    + " in " + plan.target().namespace() + "/" + plan.target().deployment() + "-{blue,green}, calls"
                    + " from " + reach.where().describe() + " to " + reach.cluster().describe(),
                    (events, done) -> {
                        BlueGreenCluster cluster = cluster(reach, plan);
                        WebhookTokens.attach(cluster, tokens);
                        return BlueGreenRunner.start(plan, args, cluster, metrics(reach, cluster, plan),
                                engineScheduler(), engineIo(), events, done);
                    });
        }

        @Override
        Launch<BlueGreenRunner, RolloutResult> prepareResume(StepContext context, BlueGreenState snapshot)
                throws Exception {
            BlueGreenPlan plan = snapshot.plan();
            Connection.Reach reach = connection.reach(runtime().credentials, context, run(), where(context));
            WebhookTokens tokens = WebhookCredentials.resolve(runtime().credentials, run(), plan.hooks());
            return new Launch<>(title(plan), describeTarget(plan), "resuming the blue-green switch of "
                    + plan.target().image() + " after a restart"
                    + (snapshot.activeColour() == null ? "" : ", production on " + snapshot.activeColour())
                    + ", calls from " + reach.where().describe(),
                    (events, done) -> {
                        BlueGreenCluster cluster = cluster(reach, plan);
                        WebhookTokens.attach(cluster, tokens);
                        return BlueGreenRunner.resume(snapshot, cluster, metrics(reach, cluster, plan),
                                engineScheduler(), engineIo(), events, done);
                    });
        }

        /** The rollout's measurements, whose {@code job} metrics run with its cluster session. */
        private MeasurementSource metrics(Connection.Reach reach, BlueGreenCluster cluster, BlueGreenPlan plan) {
            return runtime().metrics.create(reach.where(), reach.prometheus(),
                    JobAccess.of(cluster, plan.target().namespace()));
        }

        private BlueGreenCluster cluster(Connection.Reach reach, BlueGreenPlan plan) {
            return closeAtEnd(runtime().blueGreenClusters.create(reach.where(), reach.cluster(), plan));
        }

        @Override
        Class<BlueGreenState> snapshotType() {
            return BlueGreenState.class;
        }

        @Override
        BlueGreenState snapshot(BlueGreenRunner runner) {
            return runner.snapshot();
        }

        @Override
        Progress progress(BlueGreenRunner runner) {
            BlueGreenStatus status = runner.status();
            String production = status.activeColour() == null ? "" : ", production on " + status.activeColour();
            String gate = !status.awaitingPromotion() ? null
                    : status.stage() == BlueGreenStage.AWAIT_CONFIRMATION
                    ? "an inconclusive post-promotion analysis (production on " + status.activeColour() + ", "
                            + status.newColour().other() + " kept warm)"
                    : "the promotion gate (production on " + status.activeColour() + ", preview on "
                            + status.newColour() + ")";
            return new Progress(status.retrying() != null ? status.line()
                    : status.phase().name().toLowerCase(Locale.ROOT) + ", " + stage(status) + production,
                    status.awaitingPromotion(), gate);
        }

        @Override
        String statusOf(BlueGreenRunner runner) {
            BlueGreenStatus status = runner.status();
            if (status.retrying() != null) {
                return "blue-green " + status.line();
            }
            return "blue-green " + status.phase().name().toLowerCase(Locale.ROOT) + " at " + stage(status)
                    + (status.activeColour() == null ? "" : ", production on " + status.activeColour())
                    + (status.waitingFor() == null ? "" : ", waiting for " + status.waitingFor());
        }

        private static String stage(BlueGreenStatus status) {
            return status.stage().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }

        /**
         * Production goes back to (or stays on) the old colour at once; the new colour is scaled down after
         * {@code abortScaleDownDelaySeconds}. Once the old colour is being scaled down it is too late: the step ends
         * when the promotion is done.
         */
        @Override
        void stopEngine(BlueGreenRunner runner, String actor, String reason) {
            BlueGreenStatus status = runner.status();
            Colour newColour = status.newColour();
            if (newColour == null) {
                log("stopping: nothing was changed yet (" + reason + ")");
            } else if (status.activeColour() == newColour) {
                log("stopping: switching production back to " + newColour.other() + " (" + reason + ")");
            } else {
                log("stopping: production stays on " + newColour.other() + " (" + reason + ")");
            }
            if (!runner.abort(actor, reason)) {
                log(runner.status().stage() == BlueGreenStage.SCALE_DOWN_OLD
                        ? "too late to switch back: the promotion is done and the old colour is being scaled down;"
                                + " the step ends when that is done"
                        : "already rolling back; the step ends when the rollback is done");
            }
        }

        @Override
        boolean promote(BlueGreenRunner runner, String actor) {
            return runner.promote(actor);
        }

        @Override
        boolean abort(BlueGreenRunner runner, String actor, String reason) {
            return runner.abort(actor, reason);
        }

        @Override
        Outcome outcome(RolloutResult result) {
            String verdict = StepSupport.verdict(result.phase());
            return new Outcome(verdict, null, result.message(), verdict + ": " + result.message());
        }

        @Override
        void deliver(BlueGreenRunner runner, RolloutResult result) {
            if (result.promoted() || returnResult) {
                getContext().onSuccess(resultMap(result, runner.status()));
            } else {
                getContext().onFailure(new AbortException("blueGreenSwitch " + StepSupport.verdict(result.phase())
                        .toLowerCase(Locale.ROOT) + ": " + result.message()
                        + " (returnResult: true returns the result instead of failing)"));
            }
        }

        static Map<String, Object> resultMap(RolloutResult result, BlueGreenStatus status) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("verdict", StepSupport.verdict(result.phase()));
            map.put("promoted", result.promoted());
            map.put("activeColour", status.activeColour() == null ? null : status.activeColour().id());
            map.put("newColour", status.newColour() == null ? null : status.newColour().id());
            map.put("message", result.message());
            map.put("analyses", StepSupport.analysisMaps(result.analyses()));
            return map;
        }

        private static String title(BlueGreenPlan plan) {
            return plan.target().namespace() + "/" + plan.target().deployment() + ": " + plan.target().image();
        }

        private static String describeTarget(BlueGreenPlan plan) {
            String production = plan.traffic().isServiceSelector()
                    ? "the selector of Service " + plan.activeService() + " (" + plan.effectiveColorLabel() + ")"
                    : plan.traffic().describe(plan.activeService());
            return "Deployments " + plan.target().namespace() + "/" + plan.target().deployment(Colour.BLUE) + " and "
                    + plan.target().deployment(Colour.GREEN) + ", container " + plan.target().container() + " -> "
                    + plan.target().image() + "; production by " + production + ", preview Service "
                    + plan.previewService();
        }
    }

    @Extension
    @Symbol("blueGreenSwitch")
    public static final class DescriptorImpl extends ConnectedDescriptor implements CustomDescribableModel {
        /** {@code analysisArgs: [service: 'payments']}, as Jenkinsfiles have always passed it. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.pairs(Literals.checked(BlueGreenSwitchStep.class, arguments), "analysisArgs", "name",
                    "value");
        }

        @Override
        public String getFunctionName() {
            return "blueGreenSwitch";
        }

        @Override
        public String getDisplayName() {
            return "Blue-green switch with preview, gated promotion and instant switch-back";
        }
    }
}
