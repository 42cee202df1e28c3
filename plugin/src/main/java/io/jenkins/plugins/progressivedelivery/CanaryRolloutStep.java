package io.jenkins.plugins.progressivedelivery;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.credentials.ClusterCredentials;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialChoices;
import io.jenkins.plugins.progressivedelivery.credentials.PrometheusCredentials;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutPhase;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutState;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutStatus;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.PrometheusAccess;
import io.jenkins.plugins.progressivedelivery.remote.Serialized;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.AbstractStepExecutionImpl;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code canaryRollout}: rolls a new image out as a canary next to the stable Deployment, shifts traffic step by step
 * (Istio weights, or the replica ratio without a mesh), runs analyses, and promotes or rolls back. Returns a map
 * (verdict, finalWeight, analyses) for the pipeline to branch on.
 *
 * <p>The plan comes from {@code steps} (Groovy maps, as in an Argo Rollout's {@code canary.steps}) and the other
 * parameters, or from {@code planFile} in the workspace with the parameters given here overriding it.
 */
public final class CanaryRolloutStep extends Step {
    private String planFile;
    private List<Object> steps;
    private String namespace;
    private String deployment;
    private String container;
    private String image;
    private Integer canaryReplicas;
    private String virtualService;
    private String route;
    private String stableService;
    private String canaryService;
    private String destinationRule;
    private String stableSubset;
    private String canarySubset;
    private Map<String, Object> analysisArgs;
    private String abortScaleDownDelay;
    private String readinessTimeout;
    private String onInconclusive;
    private String credentialsId;
    private String serverUrl;
    private String caCertificate;
    private String context;
    private String prometheusCredentialsId;
    private boolean returnResult;

    @DataBoundConstructor
    public CanaryRolloutStep() {
    }

    @Override
    public StepExecution start(StepContext stepContext) {
        return new Execution(this, stepContext, StepRuntime.jenkins());
    }

    /** The plan: the file's (if any), then the parameters given here, validated as a whole. */
    CanaryPlan loadPlan(FilePath workspace) throws IOException, InterruptedException {
        Map<String, Object> plan = new LinkedHashMap<>();
        String source = "canaryRollout";
        if (planFile != null && !planFile.isBlank()) {
            if (workspace == null) {
                throw new AbortException("planFile: needs a workspace; call canaryRollout inside node { } (or pass"
                        + " the plan inline with steps:)");
            }
            FilePath file = workspace.child(planFile);
            if (!file.exists()) {
                throw new AbortException("planFile: " + planFile + " does not exist in the workspace "
                        + workspace.getRemote() + "; check the path (relative to the workspace) or check it out first");
            }
            source = planFile;
            plan.putAll(readYamlMap(file.readToString(), planFile));
        }
        Map<String, Object> target = section(plan, "target");
        put(target, "namespace", namespace);
        put(target, "deployment", deployment);
        put(target, "container", container);
        put(target, "image", image);
        put(target, "canaryReplicas", canaryReplicas);
        if (virtualService != null || route != null || stableService != null || canaryService != null
                || destinationRule != null || stableSubset != null || canarySubset != null) {
            Map<String, Object> istio = section(section(plan, "traffic"), "istio");
            put(istio, "virtualService", virtualService);
            put(istio, "route", route);
            put(istio, "stableService", stableService);
            put(istio, "canaryService", canaryService);
            put(istio, "destinationRule", destinationRule);
            put(istio, "stableSubset", stableSubset);
            put(istio, "canarySubset", canarySubset);
        }
        put(plan, "steps", StepSupport.plain(steps));
        put(plan, "abortScaleDownDelay", abortScaleDownDelay);
        put(plan, "readinessTimeout", readinessTimeout);
        put(plan, "onInconclusive", onInconclusive);
        try {
            return PlanLoader.fromMap(plan, source);
        } catch (InvalidPlanException e) {
            throw new AbortException(e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readYamlMap(String text, String name) throws AbortException {
        try {
            Object parsed = new YAMLMapper().readValue(text, Object.class);
            if (!(parsed instanceof Map)) {
                throw new AbortException("planFile: " + name + " is not a YAML mapping; write target:, traffic:"
                        + " and steps: at the top level");
            }
            return (Map<String, Object>) parsed;
        } catch (IOException e) {
            if (e instanceof AbortException abort) {
                throw abort;
            }
            throw new AbortException("planFile: " + name + " is not valid YAML: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> parent, String key) {
        Object existing = parent.get(key);
        if (existing instanceof Map) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) existing);
            parent.put(key, copy);
            return copy;
        }
        Map<String, Object> created = new LinkedHashMap<>();
        parent.put(key, created);
        return created;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            map.put(key, value);
        }
    }

    Map<String, String> analysisArguments() {
        Map<String, String> args = new LinkedHashMap<>();
        if (analysisArgs != null) {
            analysisArgs.forEach((k, v) -> args.put(k, v == null ? null : v.toString()));
        }
        return args;
    }

    // ---- parameters ------------------------------------------------------------------------------------------------

    public String getPlanFile() {
        return planFile;
    }

    @DataBoundSetter
    public void setPlanFile(String planFile) {
        this.planFile = planFile;
    }

    public List<Object> getSteps() {
        return steps;
    }

    @DataBoundSetter
    public void setSteps(List<Object> steps) {
        this.steps = steps == null ? null : new ArrayList<>(steps);
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

    public Integer getCanaryReplicas() {
        return canaryReplicas;
    }

    @DataBoundSetter
    public void setCanaryReplicas(Integer canaryReplicas) {
        this.canaryReplicas = canaryReplicas;
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

    public Map<String, Object> getAnalysisArgs() {
        return analysisArgs;
    }

    @DataBoundSetter
    public void setAnalysisArgs(Map<String, Object> analysisArgs) {
        this.analysisArgs = analysisArgs == null ? null : new LinkedHashMap<>(analysisArgs);
    }

    public String getAbortScaleDownDelay() {
        return abortScaleDownDelay;
    }

    @DataBoundSetter
    public void setAbortScaleDownDelay(String abortScaleDownDelay) {
        this.abortScaleDownDelay = abortScaleDownDelay;
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

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = credentialsId;
    }

    public String getServerUrl() {
        return serverUrl;
    }

    @DataBoundSetter
    public void setServerUrl(String serverUrl) {
        this.serverUrl = serverUrl;
    }

    public String getCaCertificate() {
        return caCertificate;
    }

    @DataBoundSetter
    public void setCaCertificate(String caCertificate) {
        this.caCertificate = caCertificate;
    }

    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = context;
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
     * What must be known again after a restart to reconnect: ids and addresses, never a secret. A plain class, not
     * a record: Pipeline writes the program state with JBoss Marshalling, which predates records.
     */
    static final class Connection implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String credentialsId;
        private final String serverUrl;
        private final String caCertificate;
        private final String context;
        private final String prometheusCredentialsId;
        private final boolean returnResult;

        Connection(String credentialsId, String serverUrl, String caCertificate, String context,
                   String prometheusCredentialsId, boolean returnResult) {
            this.credentialsId = credentialsId;
            this.serverUrl = serverUrl;
            this.caCertificate = caCertificate;
            this.context = context;
            this.prometheusCredentialsId = prometheusCredentialsId;
            this.returnResult = returnResult;
        }

        String credentialsId() {
            return credentialsId;
        }

        String serverUrl() {
            return serverUrl;
        }

        String caCertificate() {
            return caCertificate;
        }

        String context() {
            return context;
        }

        String prometheusCredentialsId() {
            return prometheusCredentialsId;
        }

        boolean returnResult() {
            return returnResult;
        }
    }

    /**
     * Runs the rollout without holding a thread: the engine's timers are on {@code jenkins.util.Timer}, its cluster
     * and Prometheus calls on the I/O pool, made on the agent of the enclosing {@code node {}} if any.
     *
     * <p>Persisted in the program state: the engine's state snapshot (as bytes, see {@link Serialized}), the record's
     * id and the connection settings. After a controller restart {@link #onResume()} continues the rollout from the
     * snapshot: credentials are looked up again, a pause keeps its original end time, a running analysis continues,
     * and an interrupted cluster call is repeated (the engine's calls are idempotent). Continuing rather than rolling
     * back keeps a healthy rollout going through a routine restart; whoever wants a rollback clicks Abort.
     */
    public static final class Execution extends AbstractStepExecutionImpl implements DeliveryAction.Gate {
        private static final long serialVersionUID = 1L;

        private final transient CanaryRolloutStep step;
        private final Connection connection;
        private String recordId;
        private volatile String state;
        private volatile boolean stopping;

        private transient StepRuntime runtime;
        private transient volatile CanaryRunner runner;
        private transient TaskListener listener;
        private transient Run<?, ?> run;
        private transient DeliveryAction record;
        private transient AtomicBoolean checkpointPending;
        private transient boolean gateAnnounced;
        private transient Throwable stopCause;

        Execution(CanaryRolloutStep step, StepContext context, StepRuntime runtime) {
            super(context);
            this.step = step;
            this.runtime = runtime;
            this.connection = new Connection(step.credentialsId, step.serverUrl, step.caCertificate, step.context,
                    step.prometheusCredentialsId, step.returnResult);
        }

        @Override
        public boolean start() throws Exception {
            run = getContext().get(Run.class);
            listener = getContext().get(TaskListener.class);
            checkpointPending = new AtomicBoolean();
            runtime.io.execute(this::begin);
            return false;
        }

        /** Everything that may block (the plan file, credentials, the first cluster calls) runs on the I/O pool. */
        private void begin() {
            try {
                StepContext context = getContext();
                CanaryPlan plan = step.loadPlan(context.get(FilePath.class));
                Where where = StepSupport.where(context);
                ClusterAccess cluster = clusterAccess(context);
                PrometheusAccess prometheus = PrometheusCredentials.resolve(runtime.credentials, run,
                        connection.prometheusCredentialsId());
                synchronized (this) {
                    if (stopping) {
                        return; // stop() came first and already ended the step; nothing was changed
                    }
                    record = new DeliveryAction(DeliveryAction.nextId(run), "canaryRollout", title(plan));
                    recordId = record.getId();
                    record.setTarget(describeTarget(plan));
                    run.addAction(record);
                    record.attach(this);
                    StepSupport.log(listener, "canary of " + plan.target().image() + " into "
                            + plan.target().namespace() + "/" + plan.target().deployment() + ", calls from "
                            + where.describe() + " to " + cluster.describe());
                    runner = CanaryRunner.start(plan, step.analysisArguments(),
                            runtime.clusters.create(where, cluster, plan),
                            runtime.metrics.create(where, prometheus), runtime.scheduler, runtime.io,
                            this::onEvent, this::onComplete);
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

        /** Continues from the persisted snapshot; the runtime is a seam for tests. */
        void resume(StepRuntime resumedRuntime) {
            runtime = resumedRuntime;
            checkpointPending = new AtomicBoolean();
            runtime.io.execute(() -> {
                try {
                    StepContext context = getContext();
                    run = context.get(Run.class);
                    listener = context.get(TaskListener.class);
                    if (state == null) {
                        context.onFailure(new AbortException("canaryRollout: Jenkins restarted before the rollout"
                                + " had started; nothing was changed in the cluster. Run the build again."));
                        return;
                    }
                    RolloutState snapshot = Serialized.fromText(state, RolloutState.class);
                    Where where = StepSupport.where(context);
                    ClusterAccess cluster = clusterAccess(context);
                    PrometheusAccess prometheus = PrometheusCredentials.resolve(runtime.credentials, run,
                            connection.prometheusCredentialsId());
                    synchronized (this) {
                        record = DeliveryAction.find(run, recordId);
                        if (record == null) {
                            record = new DeliveryAction(recordId, "canaryRollout", title(snapshot.plan()));
                            run.addAction(record);
                        }
                        record.attach(this);
                        StepSupport.log(listener, "resuming the canary of " + snapshot.plan().target().image()
                                + " after a restart, calls from " + where.describe());
                        runner = CanaryRunner.resume(snapshot, runtime.clusters.create(where, cluster,
                                        snapshot.plan()), runtime.metrics.create(where, prometheus),
                                runtime.scheduler, runtime.io, this::onEvent, this::onComplete);
                        if (stopping) {
                            runner.abort("jenkins", "the build was stopped while Jenkins restarted");
                        }
                    }
                    checkpoint();
                } catch (Exception | LinkageError e) {
                    getContext().onFailure(e);
                }
            });
        }

        private ClusterAccess clusterAccess(StepContext context) throws IOException, InterruptedException {
            return ClusterCredentials.resolve(runtime.credentials, run, context.get(EnvVars.class),
                    connection.credentialsId(), connection.serverUrl(), connection.caCertificate(),
                    connection.context());
        }

        /**
         * Abort, {@code timeout}, or an interrupted build: roll traffic back to stable, then end the step with the
         * cause once the rollback is done (each rollback action is logged as it happens).
         */
        @Override
        public void stop(Throwable cause) throws Exception {
            CanaryRunner current;
            synchronized (this) {
                stopping = true;
                stopCause = cause;
                current = runner;
            }
            if (current == null) {
                if (state == null) {
                    getContext().onFailure(cause); // nothing was changed in the cluster yet; begin() will not start
                }
                return; // still resuming after a restart: resume() sees the flag and rolls back
            }
            StepSupport.log(listener, "stopping: rolling back to stable (" + describe(cause) + ")");
            if (!current.abort(actor(cause), describe(cause))) {
                StepSupport.log(listener, "already rolling back; the step ends when the rollback is done");
            }
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

        /**
         * After a transition: persist the snapshot (the runner's lock makes this wait for the transition to end), the
         * record, and show the Promote / Abort links once per indefinite pause.
         */
        private void checkpoint() {
            if (checkpointPending != null) {
                checkpointPending.set(false);
            }
            CanaryRunner current = runner;
            if (current == null) {
                return;
            }
            RolloutState snapshot = current.snapshot();
            state = Serialized.toText(snapshot);
            getContext().saveState();
            RolloutStatus status = current.status();
            DeliveryAction currentRecord = record;
            if (currentRecord != null) {
                currentRecord.setStatus(status.phase().name().toLowerCase(java.util.Locale.ROOT)
                        + ", step " + Math.min(status.step(), status.stepCount()) + "/" + status.stepCount()
                        + ", canary weight " + status.canaryWeight());
                if (status.awaitingPromotion() && !gateAnnounced) {
                    StepSupport.logGate(listener, run, currentRecord,
                            "step " + Math.min(status.step(), status.stepCount()) + "/" + status.stepCount()
                                    + ", canary weight " + status.canaryWeight());
                }
                StepSupport.save(run);
            }
            gateAnnounced = status.awaitingPromotion();
        }

        private void onComplete(RolloutResult result) {
            runtime.io.execute(() -> finish(result));
        }

        private void finish(RolloutResult result) {
            checkpoint();
            DeliveryAction current = record;
            if (current != null) {
                current.complete(verdict(result.phase()), result.finalWeight(), result.message());
                current.detach();
                StepSupport.save(run);
            }
            StepSupport.log(listener, verdict(result.phase()) + ": " + result.message());
            Throwable cause = stopCause;
            if (cause != null) {
                getContext().onFailure(cause);
            } else if (result.promoted() || connection.returnResult()) {
                getContext().onSuccess(resultMap(result));
            } else {
                getContext().onFailure(new AbortException("canaryRollout " + verdict(result.phase()).toLowerCase(
                        java.util.Locale.ROOT) + ": " + result.message()
                        + " (returnResult: true returns the result instead of failing)"));
            }
        }

        static Map<String, Object> resultMap(RolloutResult result) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("verdict", verdict(result.phase()));
            map.put("promoted", result.promoted());
            map.put("finalWeight", result.finalWeight());
            map.put("message", result.message());
            List<Object> analyses = new ArrayList<>();
            result.analyses().forEach(a -> analyses.add(StepSupport.analysisMap(a)));
            map.put("analyses", analyses);
            return map;
        }

        static String verdict(RolloutPhase phase) {
            String name = phase.name().replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
            return Character.toUpperCase(name.charAt(0)) + name.substring(1);
        }

        // ---- DeliveryAction.Gate: the Promote / Abort buttons and links ------------------------------------------

        @Override
        public boolean awaitingPromotion() {
            CanaryRunner current = runner;
            return current != null && current.status().awaitingPromotion();
        }

        @Override
        public boolean promote(String actor) {
            CanaryRunner current = runner;
            return current != null && current.promote(actor);
        }

        @Override
        public boolean abort(String actor, String reason) {
            CanaryRunner current = runner;
            return current != null && current.abort(actor, reason);
        }

        @Override
        public String getStatus() {
            CanaryRunner current = runner;
            if (current == null) {
                return state == null ? "starting" : "resuming after a restart";
            }
            RolloutStatus status = current.status();
            return "canary " + status.phase().name().toLowerCase(java.util.Locale.ROOT) + " at step "
                    + status.step() + "/" + status.stepCount() + ", weight " + status.canaryWeight()
                    + (status.waitingFor() == null ? "" : ", waiting for " + status.waitingFor());
        }

        private static String title(CanaryPlan plan) {
            return plan.target().namespace() + "/" + plan.target().deployment() + ": " + plan.target().image();
        }

        private static String describeTarget(CanaryPlan plan) {
            String traffic = plan.traffic().isReplicaRatio() ? "replica ratio (no mesh)"
                    : "Istio VirtualService " + plan.traffic().istio().virtualService();
            return "Deployment " + plan.target().namespace() + "/" + plan.target().deployment() + ", container "
                    + plan.target().container() + " -> " + plan.target().image() + "; traffic by " + traffic;
        }

        /** Who stopped the build (for the audit trail), else {@code pipeline} (a timeout, a failed parallel branch). */
        static String actor(Throwable cause) {
            if (cause instanceof FlowInterruptedException interrupted) {
                for (CauseOfInterruption c : interrupted.getCauses()) {
                    if (c instanceof CauseOfInterruption.UserInterruption user) {
                        return user.getUserId();
                    }
                }
            }
            return "pipeline";
        }

        static String describe(Throwable cause) {
            if (cause instanceof FlowInterruptedException interrupted && !interrupted.getCauses().isEmpty()) {
                return interrupted.getCauses().get(0).getShortDescription();
            }
            return cause == null ? "stopped" : cause.toString();
        }
    }

    @Extension
    @Symbol("canaryRollout")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "canaryRollout";
        }

        @Override
        public String getDisplayName() {
            return "Canary rollout with traffic shifting and metric analysis";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item,
                                                     @QueryParameter String credentialsId) {
            return CredentialChoices.kubernetes(item, credentialsId);
        }

        public ListBoxModel doFillPrometheusCredentialsIdItems(@AncestorInPath Item item,
                                                               @QueryParameter String prometheusCredentialsId) {
            return CredentialChoices.prometheus(item, prometheusCredentialsId);
        }
    }
}
