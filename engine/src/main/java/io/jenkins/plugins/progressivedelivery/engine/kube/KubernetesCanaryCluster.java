package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryScale;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ChangeWatch;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.DriftBaseline;
import io.jenkins.plugins.progressivedelivery.engine.rollout.PreflightException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ReadinessWatch;
import io.jenkins.plugins.progressivedelivery.engine.traffic.TrafficRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioVirtualServiceRouter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@link CanaryCluster} on a Kubernetes API server: the canary Deployment next to the stable one, and traffic split
 * by an Istio VirtualService or, without a mesh, by replica counts.
 */
public final class KubernetesCanaryCluster implements CanaryCluster, AutoCloseable {
    private final KubernetesClient client;
    private final boolean ownsClient;
    private final CanaryPlan plan;
    private final Workloads workloads;
    private final TrafficRouter router;
    private volatile boolean watchReadiness;
    private volatile boolean watchDrift;
    /** The plan's baseline, or null without one. */
    private final BaselineWorkload baseline;

    /** Uses {@code client}, which the caller keeps and closes; the namespace defaults to the client's. */
    public KubernetesCanaryCluster(KubernetesClient client, CanaryPlan plan) {
        this(client, plan, false);
    }

    private KubernetesCanaryCluster(KubernetesClient client, CanaryPlan plan, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.plan = plan;
        String namespace = namespace(plan, client);
        this.workloads = new Workloads(client, namespace, plan.target());
        this.baseline = plan.effectiveBaseline() ? new BaselineWorkload(client, namespace, workloads) : null;
        this.router = TrafficRouters.forPlan(client, namespace, plan, workloads);
    }

    /** Connects to the cluster; {@link #close()} closes the connection. */
    public static KubernetesCanaryCluster connect(KubernetesConnection connection, CanaryPlan plan) {
        return new KubernetesCanaryCluster(KubeClients.create(connection), plan, true);
    }

    private static String namespace(CanaryPlan plan, KubernetesClient client) {
        String namespace = plan.target().namespace();
        if (namespace == null || namespace.isBlank()) {
            namespace = client.getNamespace();
        }
        return namespace == null || namespace.isBlank() ? "default" : namespace;
    }

    public TrafficRouter router() {
        return router;
    }

    @Override
    public ClusterSnapshot preflight() {
        List<ValidationError> problems = new ArrayList<>();
        checkInto(problems, "target.deployment", workloads::verify);
        checkInto(problems, "traffic", router::verify);
        if (baseline != null) {
            checkInto(problems, "baseline", baseline::verify);
        }
        if (plan.steps().stream().anyMatch(step -> step instanceof PlanStep.SetHeaderRoute
                || step instanceof PlanStep.SetMirrorRoute)) {
            checkInto(problems, "steps", () -> router.verifySteps(plan.steps()));
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
        Deployment stable = workloads.stable();
        int weight = router.currentWeight();
        return new ClusterSnapshot(CanaryDeployments.desiredReplicas(stable), weight, router.description(),
                CanaryDeployments.image(stable, plan.target().container()), Workloads.podTemplate(stable),
                router.rollbackCommand());
    }

    @Override
    public List<ClusterChange> restoreStablePodTemplate(String podTemplate) {
        return List.of(workloads.restoreStable(podTemplate));
    }

    @Override
    public List<String> drift(DriftBaseline expected) {
        List<PlanStep> routeSteps = plan.steps().subList(0, expected.stepsDone()).stream()
                .filter(step -> step instanceof PlanStep.SetHeaderRoute || step instanceof PlanStep.SetMirrorRoute)
                .toList();
        List<String> changes = new ArrayList<>(router.drift(expected.canaryWeight(), routeSteps));
        boolean byReplicas = plan.traffic().isReplicaRatio();
        // setCanaryScale sizes the canary apart from the weight: only its image is compared then
        boolean scaled = plan.steps().stream().anyMatch(step -> step instanceof PlanStep.SetCanaryScale);
        Integer canaryReplicas = !expected.canaryRunning() || byReplicas || scaled ? null
                : expectedCanaryReplicas(expected.stableReplicas(), expected.canaryWeight());
        changes.addAll(workloads.drift(expected.stableImage(), byReplicas ? -1 : expected.stableReplicas(),
                canaryReplicas));
        return changes;
    }

    private int expectedCanaryReplicas(int stableReplicas, int canaryWeight) {
        Integer fixed = plan.target().canaryReplicas();
        return fixed != null ? fixed : CanaryDeployments.replicasForWeight(stableReplicas, canaryWeight);
    }

    /** A check that could not even read what it checks reports that (403, say) as its problem. */
    private static void checkInto(List<ValidationError> problems, String path,
                                  Supplier<List<ValidationError>> check) {
        List<ValidationError> found = KubeErrors.orProblem(check, path, problems);
        if (found != null) {
            problems.addAll(found);
        }
    }

    @Override
    public List<ClusterChange> prepareCanary(int canaryWeight) {
        Deployment stable = workloads.stable(); // read once for the size and the template
        int replicas = router.canaryReplicas(canaryWeight).orElseGet(() -> {
            Integer fixed = plan.target().canaryReplicas();
            return fixed != null ? fixed
                    : CanaryDeployments.replicasForWeight(CanaryDeployments.desiredReplicas(stable), canaryWeight);
        });
        return prepare(stable, replicas);
    }

    @Override
    public List<ClusterChange> prepareCanaryAt(int stepIndex) {
        CanaryScale.Size size = CanaryScale.at(plan.steps(), stepIndex);
        if (size.replicas() != null) {
            return prepare(workloads.stable(), size.replicas());
        }
        if (size.percentOfStable() != null) {
            Deployment stable = workloads.stable();
            return prepare(stable, CanaryDeployments.replicasForWeight(CanaryDeployments.desiredReplicas(stable),
                    size.percentOfStable()));
        }
        return prepareCanary(size.trafficWeight());
    }

    /**
     * The canary Deployment at {@code replicas} from {@code stable} as just read (each Deployment is read once per
     * change), then the router's selectors pointed at the pods.
     */
    private List<ClusterChange> prepare(Deployment stable, int replicas) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(CanaryDeployments.PLAN_ANNOTATION, summary(plan));
        annotations.putAll(router.canaryAnnotations());
        List<ClusterChange> changes = new ArrayList<>();
        changes.add(workloads.applyCanary(stable, replicas, annotations));
        changes.addAll(router.pointAtWorkloads());
        if (baseline != null) {
            changes.add(baseline.apply(replicas));
            if (plan.traffic().istio().isSubsetSplit()) {
                changes.addAll(((IstioVirtualServiceRouter) router).addBaselineSubset(baseline.podSelector()));
            } else {
                changes.add(baseline.applyService(plan.traffic().istio().canaryService()));
                changes.add(((IstioVirtualServiceRouter) router).addBaseline(baseline.serviceName()));
            }
        }
        return changes;
    }

    /** The canary's readiness, and with a baseline the baseline's too: the judge needs both serving. */
    @Override
    public List<ClusterChange> applyRouteStep(int stepIndex) {
        PlanStep step = plan.steps().get(stepIndex);
        if (step instanceof PlanStep.SetHeaderRoute header) {
            return List.of(router.setHeaderRoute(header));
        }
        if (step instanceof PlanStep.SetMirrorRoute mirror) {
            return List.of(router.setMirrorRoute(mirror));
        }
        throw new IllegalArgumentException("step " + (stepIndex + 1) + " is not a route step");
    }

    @Override
    public List<ClusterChange> restoreStable() {
        return List.of(router.restoreStable());
    }

    @Override
    public Readiness canaryReadiness() {
        Readiness canary = workloads.canaryReadiness();
        if (baseline == null) {
            return canary;
        }
        Readiness other = baseline.readiness();
        return new Readiness(canary.ready() && other.ready(), canary.status() + "; baseline " + other.status());
    }

    @Override
    public List<ClusterChange> setWeight(int canaryWeight) {
        return List.of(router.setWeight(canaryWeight));
    }

    /** At 0 (promotion, rollback, abort) the baseline goes too: its route destination, Service and Deployment. */
    @Override
    public List<ClusterChange> scaleCanary(int replicas) {
        List<ClusterChange> changes = new ArrayList<>();
        if (baseline != null && replicas == 0) {
            changes.add(((IstioVirtualServiceRouter) router).removeBaseline());
            changes.addAll(baseline.remove(!plan.traffic().istio().isSubsetSplit()));
        }
        changes.add(workloads.scaleCanary(replicas));
        return changes;
    }

    @Override
    public List<ClusterChange> promoteStable() {
        return List.of(workloads.promoteStable(router.stableReplicasOnPromotion()));
    }

    @Override
    public Readiness stableReadiness() {
        return workloads.stableReadiness();
    }

    /**
     * Lets the runner learn readiness from a watch on the Deployment (an informer: its own connection and events on
     * fabric8's threads) instead of polls alone. What the plugin and the CLI use; off by default, so that a test on a
     * manual clock sees readiness only when it polls.
     */
    public KubernetesCanaryCluster watchingReadiness() {
        this.watchReadiness = true;
        return this;
    }

    @Override
    public ReadinessWatch canaryReadinessWatch() {
        return !watchReadiness ? ReadinessWatch.NONE
                : new DeploymentReadinessWatch(client, workloads.canaryRef().namespace(), workloads.canaryRef().name(),
                        baseline == null); // with a baseline, the check reads both
    }

    @Override
    public ReadinessWatch stableReadinessWatch() {
        return !watchReadiness ? ReadinessWatch.NONE
                : new DeploymentReadinessWatch(client, workloads.stableRef().namespace(), workloads.stableRef().name());
    }

    /**
     * Lets a paused runner learn of changes by others from a watch on the route and the two Deployments (informers,
     * as for readiness) instead of at its next step. What the plugin and the CLI use; off by default, so that a test
     * on a manual clock sees drift only when the runner reads it.
     */
    public KubernetesCanaryCluster watchingDrift() {
        this.watchDrift = true;
        return this;
    }

    @Override
    public ChangeWatch driftWatch() {
        if (!watchDrift) {
            return ChangeWatch.NONE;
        }
        var deployments = client.apps().deployments();
        return new DriftWatch(List.of(router::watchedRoute,
                () -> deployments.inNamespace(workloads.stableRef().namespace()).withName(workloads.stableRef().name()),
                () -> deployments.inNamespace(workloads.canaryRef().namespace())
                        .withName(workloads.canaryRef().name())));
    }

    /** Run right after the preflight: what it has just read is not read again. */
    @Override
    public io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport doctor() {
        String istioVersion = router instanceof IstioVirtualServiceRouter istio ? istio.knownIstioVersion() : null;
        return io.jenkins.plugins.progressivedelivery.engine.doctor.Doctor.examine(client, plan,
                new io.jenkins.plugins.progressivedelivery.engine.doctor.Doctor.AlreadyRead(workloads.stable(),
                        istioVersion));
    }

    /** Hooks' Jobs in the plan's namespace; a webhook's credentialsId names the environment variable of its token. */
    @Override
    public io.jenkins.plugins.progressivedelivery.engine.hooks.HookCluster hooks() {
        return new io.jenkins.plugins.progressivedelivery.engine.hooks.KubernetesHooks(client, namespace(plan, client),
                new io.jenkins.plugins.progressivedelivery.engine.hooks.Webhooks(), System::getenv);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    /** {@code setWeight 20, pause 2m, analysis (error-rate), pause, setWeight 100}: the plan, on the canary. */
    static String summary(CanaryPlan plan) {
        return plan.steps().stream().map(KubernetesCanaryCluster::summary).collect(Collectors.joining(", "));
    }

    private static String summary(PlanStep step) {
        if (step instanceof PlanStep.SetWeight setWeight) {
            return "setWeight " + setWeight.weight();
        }
        if (step instanceof PlanStep.Pause pause) {
            return pause.indefinite() ? "pause" : "pause " + Durations.format(pause.duration());
        }
        if (step instanceof PlanStep.SetHeaderRoute header) {
            return "setHeaderRoute " + header.name();
        }
        if (step instanceof PlanStep.SetMirrorRoute mirror) {
            return "setMirrorRoute " + mirror.name();
        }
        if (step instanceof PlanStep.SetCanaryScale scale) {
            return "setCanaryScale " + (scale.replicas() != null ? "replicas " + scale.replicas()
                    : scale.weight() != null ? "weight " + scale.weight() : "matchTrafficWeight");
        }
        if (step instanceof PlanStep.Analysis analysis && analysis.analysis() != null) {
            return analysis.analysis().metrics().stream().map(MetricSpec::name)
                    .collect(Collectors.joining(", ", "analysis (", ")"));
        }
        if (step instanceof PlanStep.Judge judge && judge.judge() != null) {
            return judge.judge().metrics().stream().map(m -> m.name())
                    .collect(Collectors.joining(", ", "judge (", ")"));
        }
        return "analysis";
    }

    /**
     * The plan with the AnalysisTemplates its analyses name ({@code templates:}) read with this cluster's client and
     * merged in, before the rollout starts (the CLI's; the plugin reads them where the step runs, RemoteAnalysisTemplates).
     *
     * @throws io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException naming a missing or invalid
     *                                                                                 template
     */
    public CanaryPlan withAnalysisTemplates(CanaryPlan withTemplates) {
        return new ClusterAnalysisTemplates(client, withTemplates.target().namespace()).resolve(withTemplates);
    }

    /** Job metrics of the plan's analyses, run in the rollout's namespace with this cluster's client. */
    public io.jenkins.plugins.progressivedelivery.engine.metrics.job.JobProvider jobs() {
        return new io.jenkins.plugins.progressivedelivery.engine.metrics.job.JobProvider(client,
                plan.target().namespace());
    }
}
