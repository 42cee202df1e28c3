package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.PreflightException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ProductionTraffic;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ReadinessWatch;
import io.jenkins.plugins.progressivedelivery.engine.traffic.ColourRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi.GatewayApiColourRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioColourRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.selector.ServiceSelectorRouter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link BlueGreenCluster} on a Kubernetes API server: the Deployments {@code <deployment>-blue} and
 * {@code <deployment>-green}, a preview Service whose selector follows the new colour, and production traffic
 * switched by the active Service's selector or by an Istio VirtualService route.
 */
public final class KubernetesBlueGreenCluster implements BlueGreenCluster, AutoCloseable {
    private static final String PREVIEW = "previewService";

    private final KubernetesClient client;
    private volatile boolean watchReadiness;
    private final boolean ownsClient;
    private final BlueGreenPlan plan;
    private final ColourWorkloads workloads;
    private final ServiceSelectors services;
    private final ColourRouter router;

    /** Uses {@code client}, which the caller keeps and closes. */
    public KubernetesBlueGreenCluster(KubernetesClient client, BlueGreenPlan plan) {
        this(client, plan, false);
    }

    private KubernetesBlueGreenCluster(KubernetesClient client, BlueGreenPlan plan, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.plan = plan;
        String namespace = namespace(plan, client);
        String colorLabel = plan.effectiveColorLabel();
        this.workloads = new ColourWorkloads(client, namespace, plan.target(), colorLabel);
        this.services = new ServiceSelectors(client, namespace, colorLabel);
        this.router = plan.traffic().gatewayAPI() != null
                ? new GatewayApiColourRouter(client, namespace, plan.traffic().gatewayAPI())
                : plan.traffic().isServiceSelector()
                ? new ServiceSelectorRouter(services, plan.activeService(), colorLabel)
                : new IstioColourRouter(client, namespace, plan.traffic().istio());
    }

    /** Connects to the cluster; {@link #close()} closes the connection. */
    public static KubernetesBlueGreenCluster connect(KubernetesConnection connection, BlueGreenPlan plan) {
        return new KubernetesBlueGreenCluster(KubeClients.create(connection), plan, true);
    }

    private static String namespace(BlueGreenPlan plan, KubernetesClient client) {
        String namespace = plan.target().namespace();
        if (namespace == null || namespace.isBlank()) {
            namespace = client.getNamespace();
        }
        return namespace == null || namespace.isBlank() ? "default" : namespace;
    }

    public ColourRouter router() {
        return router;
    }

    @Override
    public BlueGreenSnapshot preflight() {
        List<ValidationError> problems = new ArrayList<>();
        Colour active = router.activeColour(problems);
        Service preview = KubeErrors.orProblem(() -> services.find(plan.previewService()).orElse(null), PREVIEW,
                problems);
        if (preview == null && problems.stream().noneMatch(p -> p.path().equals(PREVIEW))) {
            problems.add(new ValidationError(PREVIEW, "service " + plan.previewService() + " not found in namespace "
                    + services.ref(plan.previewService()).namespace() + "; create it with the selector of the active Service (the engine"
                    + " points its " + plan.effectiveColorLabel() + " label at the new colour)"));
        }
        ColourPods pods = null;
        if (active != null) {
            pods = KubeErrors.orProblem(() -> workloads.verify(active, activeSource(), problems), "target.deployment",
                    problems);
        }
        if (pods != null) {
            problems.addAll(router.verify(pods));
            if (preview != null) {
                services.selectionProblem(preview, PREVIEW, active.other(), pods.newPodLabels())
                        .ifPresent(problems::add);
            }
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
        Deployment deployment = workloads.find(active).orElseThrow();
        return new BlueGreenSnapshot(active, CanaryDeployments.desiredReplicas(deployment),
                CanaryDeployments.image(deployment, plan.target().container()), router.description());
    }

    private String activeSource() {
        if (plan.traffic().gatewayAPI() != null) {
            var split = plan.traffic().gatewayAPI().asSplit();
            return split.kind().toLowerCase(java.util.Locale.ROOT) + " " + split.routeName();
        }
        return plan.traffic().isServiceSelector() ? "service " + plan.activeService()
                : "virtualservice " + plan.traffic().istio().virtualService();
    }

    @Override
    public List<ClusterChange> deployColour(Colour colour, int replicas) {
        return List.of(workloads.deploy(colour, replicas));
    }

    @Override
    public Readiness readiness(Colour colour) {
        return workloads.readiness(colour);
    }

    /** Readiness from a watch as well as polls; see {@link KubernetesCanaryCluster#watchingReadiness()}. */
    public KubernetesBlueGreenCluster watchingReadiness() {
        this.watchReadiness = true;
        return this;
    }

    @Override
    public ReadinessWatch readinessWatch(Colour colour) {
        if (!watchReadiness) {
            return ReadinessWatch.NONE;
        }
        KubeRef ref = workloads.ref(colour);
        return new DeploymentReadinessWatch(client, ref.namespace(), ref.name());
    }

    @Override
    public List<ClusterChange> pointPreviewAt(Colour colour) {
        return List.of(services.select(plan.previewService(), colour, AuditAction.ROUTE));
    }

    @Override
    public List<ClusterChange> switchActiveTo(Colour colour) {
        return List.of(router.switchTo(colour));
    }

    @Override
    public ProductionTraffic readProduction() {
        return router.readProduction();
    }

    @Override
    public List<ClusterChange> scaleColour(Colour colour, int replicas) {
        return List.of(workloads.scale(colour, replicas));
    }

    @Override
    public io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorReport doctor() {
        return io.jenkins.plugins.progressivedelivery.engine.doctor.Doctor.examine(client, plan);
    }

    /** Hooks' Jobs in the plan's namespace; a webhook's credentialsId names the environment variable of its token. */
    @Override
    public io.jenkins.plugins.progressivedelivery.engine.hooks.HookCluster hooks() {
        return new io.jenkins.plugins.progressivedelivery.engine.hooks.KubernetesHooks(client, io.jenkins.plugins.progressivedelivery.engine.doctor.Doctor.namespace(plan, client),
                new io.jenkins.plugins.progressivedelivery.engine.hooks.Webhooks(), System::getenv);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
