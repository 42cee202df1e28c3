package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.ServiceResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of a canary (Kayenta's idea): {@code <deployment>-baseline}, the stable image at the canary's replica
 * count, started with the canary so that the judge compares two Deployments of the same size and age under the same
 * load, and a Service of the same name selecting its pods for the route's third destination. Its pods carry the
 * canary labels' keys with the value {@code baseline}. Both are removed with the canary.
 */
public final class BaselineWorkload {
    /** On the baseline Deployment, its pods and its Service: the stable Deployment it is the baseline of. */
    public static final String BASELINE_OF_LABEL = "progressive-delivery.jenkins.io/baseline-of";
    public static final String BASELINE = "baseline";

    private final ReadModifyWrite rmw;
    private final NonNamespaceOperation<Deployment, DeploymentList, RollableScalableResource<Deployment>> deployments;
    private final NonNamespaceOperation<Service, ServiceList, ServiceResource<Service>> services;
    private final Workloads workloads;
    private final Target target;
    private final KubeRef deploymentRef;
    private final KubeRef serviceRef;

    public BaselineWorkload(KubernetesClient client, String namespace, Workloads workloads) {
        this.rmw = new ReadModifyWrite(client);
        this.deployments = client.apps().deployments().inNamespace(namespace);
        this.services = client.services().inNamespace(namespace);
        this.workloads = workloads;
        this.target = workloads.target();
        this.deploymentRef = KubeRef.deployment(namespace, target.baselineDeployment());
        this.serviceRef = KubeRef.service(namespace, target.baselineDeployment());
    }

    public String serviceName() {
        return target.baselineDeployment();
    }

    /** The canary labels' keys with the value {@code baseline}: {@code track: baseline} by default. */
    static Map<String, String> baselineLabels(Target target) {
        Map<String, String> labels = new LinkedHashMap<>();
        target.canaryLabels().keySet().forEach(key -> labels.put(key, BASELINE));
        return labels;
    }

    /** The baseline Deployment for {@code stable}: its template and image, the baseline labels, {@code replicas}. */
    static Deployment baseline(Deployment stable, Deployment existing, Target target, int replicas) {
        String stableImage = CanaryDeployments.image(stable, target.container());
        Target asBaseline = new Target(target.namespace(), target.deployment(), target.container(), stableImage, null,
                baselineLabels(target));
        Deployment baseline = existing == null
                ? CanaryDeployments.newCanary(stable, asBaseline, replicas, Map.of())
                : CanaryDeployments.updatedCanary(existing, stable, asBaseline, replicas, Map.of());
        baseline.getMetadata().setName(target.baselineDeployment());
        relabel(baseline.getMetadata(), stable);
        relabel(baseline.getSpec().getTemplate().getMetadata(), stable);
        return baseline;
    }

    private static void relabel(ObjectMeta meta, Deployment stable) {
        Map<String, String> labels = new LinkedHashMap<>(meta.getLabels());
        labels.remove(CanaryDeployments.CANARY_OF_LABEL);
        labels.put(BASELINE_OF_LABEL, stable.getMetadata().getName());
        meta.setLabels(labels);
    }

    /** The baseline Service: the canary Service's ports, its selector with the baseline labels. */
    static Service service(Service canary, Target target, Deployment stable) {
        Service service = new Service();
        service.setApiVersion("v1");
        service.setKind("Service");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(target.baselineDeployment());
        meta.setNamespace(stable.getMetadata().getNamespace());
        meta.setLabels(Map.of(BASELINE_OF_LABEL, stable.getMetadata().getName()));
        service.setMetadata(meta);
        ServiceSpec spec = new ServiceSpec();
        Map<String, String> selector = new LinkedHashMap<>(canary.getSpec().getSelector() == null ? Map.of()
                : canary.getSpec().getSelector());
        selector.putAll(baselineLabels(target));
        spec.setSelector(selector);
        List<ServicePort> ports = canary.getSpec().getPorts() == null ? List.of()
                : canary.getSpec().getPorts().stream().map(Serialization::clone).toList();
        spec.setPorts(ports);
        service.setSpec(spec);
        return service;
    }

    /**
     * What keeps the baseline from being created: a Deployment or Service of its name that is not ours. Checked in
     * preflight, before anything is written.
     */
    public List<io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError> verify() {
        List<io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError> problems = new java.util.ArrayList<>();
        Deployment deployment = rmw.read(deployments, deploymentRef);
        if (deployment != null && !ours(deployment.getMetadata())) {
            problems.add(new io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError("baseline",
                    "deployment " + target.baselineDeployment() + " already exists and is not the baseline of "
                            + target.deployment() + " (no label " + BASELINE_OF_LABEL + "=" + target.deployment()
                            + "); rename or delete it, the engine will not take it over"));
        }
        Service service = rmw.read(services, serviceRef);
        if (service != null && !ours(service.getMetadata())) {
            problems.add(new io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError("baseline",
                    "service " + target.baselineDeployment() + " already exists and is not the baseline's (no"
                            + " label " + BASELINE_OF_LABEL + "=" + target.deployment() + "); rename or delete it,"
                            + " the engine creates it"));
        }
        return problems;
    }

    private boolean ours(ObjectMeta meta) {
        return meta.getLabels() != null && target.deployment().equals(meta.getLabels().get(BASELINE_OF_LABEL));
    }

    /** Creates the baseline Deployment, or scales an existing one to {@code replicas}. */
    public ClusterChange apply(int replicas) {
        Deployment stable = workloads.stable();
        Deployment existing = rmw.read(deployments, deploymentRef);
        if (existing == null) {
            Deployment created = deployments.resource(Workloads.fromPlan(() -> baseline(stable, null, target,
                    replicas))).create();
            return new ClusterChange(AuditAction.SCALE, deploymentRef.toString(), "absent", describe(created), 0,
                    "baseline created from " + workloads.stableRef() + " with its image "
                            + CanaryDeployments.image(stable, target.container()));
        }
        requireOurs(existing.getMetadata());
        ReadModifyWrite.Result<Deployment> result = rmw.update(deployments, deploymentRef,
                current -> Workloads.fromPlan(() -> baseline(stable, current, target, replicas)));
        return new ClusterChange(AuditAction.SCALE, deploymentRef.toString(), describe(result.before()),
                describe(result.after()), result.conflicts(), result.written() ? null : "already so; nothing written");
    }

    /** Creates the baseline Service from the canary Service, unless it exists. */
    public ClusterChange applyService(String canaryService) {
        Service existing = rmw.read(services, serviceRef);
        if (existing != null) {
            requireOurs(existing.getMetadata());
            return new ClusterChange(AuditAction.ROUTE, serviceRef.toString(), "exists", "exists", 0,
                    "already so; nothing written");
        }
        Service canary = rmw.require(services, KubeRef.service(serviceRef.namespace(), canaryService));
        Service created = service(canary, target, workloads.stable());
        try {
            services.resource(created).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw KubeErrors.toClusterException(e, "create", serviceRef);
            }
        }
        return new ClusterChange(AuditAction.ROUTE, serviceRef.toString(), "absent", "selects "
                + Labels.format(created.getSpec().getSelector()), 0, "baseline Service created from " + canaryService);
    }

    public Readiness readiness() {
        return CanaryDeployments.readiness(rmw.require(deployments, deploymentRef));
    }

    /** The labels of the baseline's pods that its Deployment selects on: a subset split's baseline subset. */
    public Map<String, String> podSelector() {
        Target asBaseline = new Target(target.namespace(), target.deployment(), target.container(), target.image(),
                null, baselineLabels(target));
        return CanaryDeployments.canarySelector(workloads.stable(), asBaseline).getMatchLabels();
    }

    /** Deletes the baseline Service and Deployment; what is already gone is reported as such. */
    public List<ClusterChange> remove() {
        return remove(true);
    }

    /** @param withService false with a subset split, which routes by subset and has no baseline Service */
    public List<ClusterChange> remove(boolean withService) {
        if (!withService) {
            Deployment deployment = rmw.read(deployments, deploymentRef);
            return List.of(deployment == null
                    ? new ClusterChange(AuditAction.SCALE, deploymentRef.toString(), "absent", "absent", 0,
                            "does not exist; nothing to remove")
                    : delete(deployments, deploymentRef, describe(deployment)));
        }
        ClusterChange service = delete(services, serviceRef, "exists");
        Deployment deployment = rmw.read(deployments, deploymentRef);
        ClusterChange workload = deployment == null
                ? new ClusterChange(AuditAction.SCALE, deploymentRef.toString(), "absent", "absent", 0,
                        "does not exist; nothing to remove")
                : delete(deployments, deploymentRef, describe(deployment));
        return List.of(service, workload);
    }

    private <T extends io.fabric8.kubernetes.api.model.HasMetadata> ClusterChange delete(
            NonNamespaceOperation<T, ?, ? extends io.fabric8.kubernetes.client.dsl.Resource<T>> ops, KubeRef ref,
            String before) {
        T current = rmw.read(ops, ref);
        AuditAction action = ref.equals(serviceRef) ? AuditAction.ROUTE : AuditAction.SCALE;
        if (current == null) {
            return new ClusterChange(action, ref.toString(), "absent", "absent", 0, "does not exist; nothing to"
                    + " remove");
        }
        requireOurs(current.getMetadata());
        try {
            ops.withName(ref.name()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw KubeErrors.toClusterException(e, "delete", ref);
            }
        }
        return new ClusterChange(action, ref.toString(), before, "deleted", 0, "baseline removed");
    }

    private void requireOurs(ObjectMeta meta) {
        Map<String, String> labels = meta.getLabels();
        if (labels == null || !target.deployment().equals(labels.get(BASELINE_OF_LABEL))) {
            throw new ClusterException(meta.getName() + " exists and is not the baseline of " + target.deployment()
                    + " (no label " + BASELINE_OF_LABEL + "=" + target.deployment() + "); the engine will not"
                    + " change it: rename or delete it", false, null);
        }
    }

    private String describe(Deployment deployment) {
        return "replicas " + CanaryDeployments.desiredReplicas(deployment) + ", image "
                + CanaryDeployments.image(deployment, target.container());
    }
}
