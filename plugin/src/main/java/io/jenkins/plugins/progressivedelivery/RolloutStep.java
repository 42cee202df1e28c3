package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import hudson.FilePath;
import io.jenkins.plugins.progressivedelivery.config.PlanDefaults;
import io.jenkins.plugins.progressivedelivery.config.ProgressiveDeliveryConfiguration;
import io.jenkins.plugins.progressivedelivery.parameters.AnalysisArgument;
import io.jenkins.plugins.progressivedelivery.parameters.DoctorOptions;
import io.jenkins.plugins.progressivedelivery.parameters.Hooks;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The parameters {@code canaryRollout} and {@code blueGreenSwitch} share: the plan file, the workload, the Istio
 * route, analysis arguments and limits (how to reach the cluster and Prometheus is {@link ConnectedStep}'s). Each
 * step adds its strategy's own; Pipeline's data binding and the Snippet Generator find the setters here as well (they
 * walk the superclasses).
 */
public abstract class RolloutStep extends ConnectedStep {
    private String planFile;
    private String namespace;
    private String deployment;
    private String container;
    private String image;
    private String virtualService;
    private String route;
    private String destinationRule;
    private List<AnalysisArgument> analysisArgs;
    private String readinessTimeout;
    private String onInconclusive;
    private String approvers;
    private boolean returnResult;
    private String rollbackTimeout;
    private Hooks hooks;
    private Integer drainSeconds;
    private DoctorOptions doctor;

    /**
     * The plan file's YAML (if any) with the parameters shared by both strategies laid over it, for the step to add
     * its own and hand to the plan loader.
     *
     * @param step     the step's function name, for messages
     * @param topLevel what a plan file holds at the top level, for the message when it is not a mapping
     */
    final Map<String, Object> planParameters(FilePath workspace, String step, String topLevel)
            throws IOException, InterruptedException {
        Map<String, Object> plan = PlanParameters.read(workspace, planFile, step, topLevel);
        Map<String, Object> target = PlanParameters.section(plan, "target");
        PlanParameters.put(target, "namespace", namespace);
        PlanParameters.put(target, "deployment", deployment);
        PlanParameters.put(target, "container", container);
        PlanParameters.put(target, "image", image);
        PlanParameters.put(plan, "readinessTimeout", readinessTimeout);
        PlanParameters.put(plan, "onInconclusive", onInconclusive);
        PlanParameters.put(plan, "rollbackTimeout", rollbackTimeout);
        try {
            PlanParameters.put(plan, "hooks", hooks == null ? null : hooks.toPlan());
        } catch (IllegalArgumentException e) {
            throw new AbortException(planSource(step) + ": hooks: " + e.getMessage());
        }
        PlanParameters.put(plan, "drainSeconds", drainSeconds);
        PlanParameters.put(plan, "doctor", doctor == null ? null : doctor.toPlan());
        return plan;
    }

    /**
     * The plan with what Manage Jenkins » System adds (named templates, the Prometheus server), as plain mutable maps
     * for the engine's loader.
     */
    @SuppressWarnings("unchecked")
    final Map<String, Object> completed(Map<String, Object> plan) throws AbortException {
        Map<String, Object> copy = (Map<String, Object>) StepSupport.plain(plan);
        PlanDefaults.apply(copy, ProgressiveDeliveryConfiguration.getOrNull(), getPrometheus());
        return copy;
    }

    /** What error messages about the plan name: the plan file, or the step. */
    final String planSource(String step) {
        return planFile == null || planFile.isBlank() ? step : planFile;
    }

    final Map<String, String> analysisArguments() {
        return AnalysisArgument.values(analysisArgs);
    }

    public String getPlanFile() {
        return planFile;
    }

    @DataBoundSetter
    public void setPlanFile(String planFile) {
        this.planFile = planFile;
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getDeployment() {
        return deployment;
    }

    @DataBoundSetter
    public void setDeployment(String deployment) {
        this.deployment = deployment;
    }

    public String getContainer() {
        return container;
    }

    @DataBoundSetter
    public void setContainer(String container) {
        this.container = container;
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = image;
    }

    public String getVirtualService() {
        return virtualService;
    }

    @DataBoundSetter
    public void setVirtualService(String virtualService) {
        this.virtualService = virtualService;
    }

    public String getRoute() {
        return route;
    }

    @DataBoundSetter
    public void setRoute(String route) {
        this.route = route;
    }

    public String getDestinationRule() {
        return destinationRule;
    }

    @DataBoundSetter
    public void setDestinationRule(String destinationRule) {
        this.destinationRule = destinationRule;
    }

    public List<AnalysisArgument> getAnalysisArgs() {
        return analysisArgs;
    }

    /** {@code [service: 'web']} binds too: the descriptors turn the map into these (see {@code Literals#pairs}). */
    @DataBoundSetter
    public void setAnalysisArgs(List<AnalysisArgument> analysisArgs) {
        this.analysisArgs = io.jenkins.plugins.progressivedelivery.parameters.Literals.copy(analysisArgs);
    }

    public String getReadinessTimeout() {
        return readinessTimeout;
    }

    @DataBoundSetter
    public void setReadinessTimeout(String readinessTimeout) {
        this.readinessTimeout = readinessTimeout;
    }

    public String getOnInconclusive() {
        return onInconclusive;
    }

    @DataBoundSetter
    public void setOnInconclusive(String onInconclusive) {
        this.onInconclusive = onInconclusive;
    }

    public String getApprovers() {
        return approvers;
    }

    /** Who may Promote or Abort, as {@code input}'s {@code submitter}: comma-separated user ids and group names. */
    @DataBoundSetter
    public void setApprovers(String approvers) {
        this.approvers = approvers;
    }

    public String getRollbackTimeout() {
        return rollbackTimeout;
    }

    /** How long a rollback keeps retrying a failing API server before it gives up and says how to finish it. */
    @DataBoundSetter
    public void setRollbackTimeout(String rollbackTimeout) {
        this.rollbackTimeout = rollbackTimeout;
    }

    public Hooks getHooks() {
        return hooks;
    }

    /** {@code [preRollout: [[name: 'migrate', cronJob: 'db-migrate']]]} binds to it as it is (a concrete type). */
    @DataBoundSetter
    public void setHooks(Hooks hooks) {
        this.hooks = hooks;
    }

    public Integer getDrainSeconds() {
        return drainSeconds;
    }

    @DataBoundSetter
    public void setDrainSeconds(Integer drainSeconds) {
        this.drainSeconds = drainSeconds;
    }

    public DoctorOptions getDoctor() {
        return doctor;
    }

    /** {@code [required: 'prestop-hook', skip: 'hpa']}: how the preflight doctor judges the workloads. */
    @DataBoundSetter
    public void setDoctor(DoctorOptions doctor) {
        this.doctor = doctor;
    }

    public boolean isReturnResult() {
        return returnResult;
    }

    @DataBoundSetter
    public void setReturnResult(boolean returnResult) {
        this.returnResult = returnResult;
    }
}
