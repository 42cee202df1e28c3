package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.progressivedelivery.actions.DoctorAction;
import io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport;
import io.jenkins.plugins.progressivedelivery.engine.doctor.Severity;
import io.jenkins.plugins.progressivedelivery.engine.doctor.TrafficVolume;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.RemoteDoctor;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.AbstractStepExecutionImpl;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code deliveryDoctor}: the read-only checks {@code canaryRollout} and {@code blueGreenSwitch} run in their
 * preflight, on their own: the workloads a plan names are checked for what breaks zero-downtime delivery. The
 * findings go to the log as a table, to the build page, and back to the pipeline as a map; warnings turn the stage
 * yellow, and a check the plan (or {@code required}) marks required fails the step.
 */
public final class DeliveryDoctorStep extends ConnectedStep {
    private String planFile;
    private String namespace;
    private String deployment;
    private String container;
    private String image;
    private String virtualService;
    private String route;
    private String stableService;
    private String canaryService;
    private String destinationRule;
    private String required;
    private String skip;
    private boolean returnResult;

    @DataBoundConstructor
    public DeliveryDoctorStep() {
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context, StepRuntime.jenkins(), RemoteDoctor::new);
    }

    /** The plan file with the step's parameters laid over it, as the rollout steps make it. */
    DeliveryPlan plan(FilePath workspace) throws IOException, InterruptedException {
        Map<String, Object> plan = PlanParameters.read(workspace, planFile, "deliveryDoctor",
                "a canary or blue-green plan");
        Map<String, Object> target = PlanParameters.section(plan, "target");
        PlanParameters.put(target, "namespace", namespace);
        PlanParameters.put(target, "deployment", deployment);
        PlanParameters.put(target, "container", container);
        PlanParameters.put(target, "image", image);
        if (virtualService != null && !virtualService.isBlank()) {
            Map<String, Object> traffic = PlanParameters.section(plan, "traffic");
            Map<String, Object> istio = PlanParameters.section(traffic, "istio");
            PlanParameters.put(istio, "virtualService", virtualService);
            PlanParameters.put(istio, "route", route);
            PlanParameters.put(istio, "stableService", stableService);
            PlanParameters.put(istio, "canaryService", canaryService);
            PlanParameters.put(istio, "destinationRule", destinationRule);
        }
        Map<String, Object> doctor = PlanParameters.section(plan, "doctor");
        addAll(doctor, "required", required);
        addAll(doctor, "skip", skip);
        if (doctor.isEmpty()) {
            plan.remove("doctor");
        }
        if (!plan.containsKey("previewService") && !plan.containsKey("steps")) {
            // a workload examined without a rollout plan: one step to make it a plan; with no analysis step the
            // traffic-volume check has nothing to judge
            plan.put("steps", List.of(Map.of("setWeight", 100)));
        }
        String source = planFile == null || planFile.isBlank() ? "deliveryDoctor" : planFile;
        // the configured Prometheus server fills in the address the traffic-volume check queries, as for a rollout
        @SuppressWarnings("unchecked")
        Map<String, Object> completed = (Map<String, Object>) StepSupport.plain(plan);
        io.jenkins.plugins.progressivedelivery.config.PlanDefaults.apply(completed,
                io.jenkins.plugins.progressivedelivery.config.ProgressiveDeliveryConfiguration.getOrNull(),
                getPrometheus());
        try {
            return PlanLoader.load(PlanLoader.toYaml(completed), source);
        } catch (InvalidPlanException e) {
            throw new AbortException(e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static void addAll(Map<String, Object> doctor, String key, String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return;
        }
        List<Object> list = doctor.get(key) instanceof List<?> existing ? new ArrayList<>((List<Object>) existing)
                : new ArrayList<>();
        Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(list::add);
        doctor.put(key, list);
    }

    /** Where the doctor's reads run; a seam for tests. */
    @FunctionalInterface
    interface DoctorClient {
        RemoteDoctor create(Where where, ClusterAccess access);
    }

    /**
     * Runs the checks on the I/O pool and returns at once (holding no thread of the CPS VM or of the timer). All it
     * persists is the plan it resolved and how to reach the cluster, never a secret: the checks only read, so after
     * a restart {@link #onResume()} simply runs them again.
     */
    public static final class Execution extends AbstractStepExecutionImpl {
        private static final long serialVersionUID = 1L;

        private final transient DeliveryDoctorStep step;
        private final Connection connection;
        private final boolean returnResult;
        private volatile String planYaml;
        private volatile String planSource;
        private String computer;

        private transient StepRuntime runtime;
        private transient DoctorClient doctors;
        private transient AtomicBoolean completed;

        Execution(DeliveryDoctorStep step, StepContext context, StepRuntime runtime, DoctorClient doctors) {
            super(context);
            this.step = step;
            try {
                this.connection = step.connection();
            } catch (AbortException e) {
                // prometheus: names no configured server; the step fails at once with the message
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            this.returnResult = step.returnResult;
            this.runtime = runtime;
            this.doctors = doctors;
        }

        @Override
        public boolean start() {
            completed = new AtomicBoolean();
            runtime.io.execute(this::examine);
            return false;
        }

        @Override
        public void onResume() {
            runtime = StepRuntime.jenkins();
            doctors = RemoteDoctor::new;
            completed = new AtomicBoolean();
            runtime.io.execute(this::examine);
        }

        @Override
        public void stop(Throwable cause) {
            // nothing to undo: the doctor only reads
            if (completed.compareAndSet(false, true)) {
                getContext().onFailure(cause);
            }
        }

        @Override
        public String getStatus() {
            return "examining the workloads of " + (planSource == null ? "the plan" : planSource);
        }

        private void examine() {
            try {
                StepContext context = getContext();
                Run<?, ?> run = context.get(Run.class);
                TaskListener listener = context.get(TaskListener.class);
                DeliveryPlan plan;
                if (planYaml == null && step == null) {
                    throw new AbortException("deliveryDoctor: Jenkins restarted before the step had read its plan;"
                            + " nothing was changed (the doctor only reads): run the build again");
                }
                if (planYaml == null) {
                    plan = step.plan(context.get(FilePath.class));
                    planYaml = PlanLoader.toYaml(plan);
                    planSource = step.planFile == null || step.planFile.isBlank() ? "deliveryDoctor" : step.planFile;
                    context.saveState();
                } else {
                    plan = PlanLoader.load(planYaml, planSource);
                }
                Where where = StepSupport.where(context, computer);
                computer = where.computer();
                Connection.Reach reach = connection.reach(runtime.credentials, context, run, where);
                StepSupport.log(listener, "deliveryDoctor: examining " + describe(plan) + " from "
                        + where.describe() + " (read-only)");
                DoctorReport report = doctors.create(where, reach.cluster()).examine(plan)
                        .with(TrafficVolume.check(plan, runtime.metrics.create(where, reach.prometheus(), null),
                                runtime.scheduler.now()))
                        .judged(plan.effectiveDoctor());
                deliver(context, run, listener, report);
            } catch (Exception | LinkageError e) {
                if (completed.compareAndSet(false, true)) {
                    getContext().onFailure(e);
                }
            }
        }

        private void deliver(StepContext context, Run<?, ?> run, TaskListener listener, DoctorReport report)
                throws IOException, InterruptedException {
            report.text().lines().forEach(line -> listener.getLogger().println(StepSupport.LOG_PREFIX + line));
            DoctorAction.addTo(run, report);
            StepSupport.save(run);
            if (report.count(Severity.WARNING) > 0 || report.blocking()) {
                FlowNode node = context.get(FlowNode.class);
                if (node != null) {
                    node.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage("deliveryDoctor: "
                            + report.summary()));
                }
            }
            if (!completed.compareAndSet(false, true)) {
                return;
            }
            if (report.blocking() && !returnResult) {
                context.onFailure(new AbortException("deliveryDoctor: required checks failed: " + report.summary()
                        + " (the table above says why and how to fix each; returnResult: true returns the findings"
                        + " instead of failing)"));
                return;
            }
            context.onSuccess(new LinkedHashMap<>(report.toMap()));
        }

        private static String describe(DeliveryPlan plan) {
            return plan instanceof io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan canary
                    ? "deployment " + canary.target().namespace() + "/" + canary.target().deployment()
                    : "the colours of " + ((io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan) plan)
                    .target().deployment();
        }
    }

    // ---- parameters ------------------------------------------------------------------------------------------------

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

    public String getDestinationRule() {
        return destinationRule;
    }

    @DataBoundSetter
    public void setDestinationRule(String destinationRule) {
        this.destinationRule = destinationRule;
    }

    public String getRequired() {
        return required;
    }

    @DataBoundSetter
    public void setRequired(String required) {
        this.required = required;
    }

    public String getSkip() {
        return skip;
    }

    @DataBoundSetter
    public void setSkip(String skip) {
        this.skip = skip;
    }

    public boolean isReturnResult() {
        return returnResult;
    }

    @DataBoundSetter
    public void setReturnResult(boolean returnResult) {
        this.returnResult = returnResult;
    }

    @Extension
    @Symbol("deliveryDoctor")
    public static final class DescriptorImpl extends ConnectedDescriptor {
        @Override
        public String getFunctionName() {
            return "deliveryDoctor";
        }

        @Override
        public String getDisplayName() {
            return "Delivery doctor: check workloads for zero-downtime delivery";
        }
    }
}
