package io.jenkins.plugins.progressivedelivery.engine.doctor;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeErrors;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeRef;
import io.jenkins.plugins.progressivedelivery.engine.kube.Labels;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenIstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioApi;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads what the plan names (its Deployment, the Services, budgets and autoscalers around it, its Istio objects)
 * and runs the {@link DoctorChecks} on it. Only GET and LIST requests: the doctor never writes. A list the
 * credential may not read becomes a note saying which permission is missing, not a failure.
 */
public final class Doctor {
    private Doctor() {
    }

    /**
     * The findings for {@code plan} as its {@code doctor} settings judge them (skipped checks left out, required ones
     * made errors). The traffic-volume check is not among them: add {@link TrafficVolume#check}'s.
     *
     * @throws ClusterException when the Deployment cannot be read (missing, forbidden, unreachable)
     */
    public static DoctorReport examine(KubernetesClient client, DeliveryPlan plan) {
        return examine(client, plan, AlreadyRead.NOTHING);
    }

    /**
     * What the caller has just read (the preflight before the doctor, a moment ago) and the doctor need not read
     * again; each may be null.
     *
     * @param stable       the canary plan's stable Deployment
     * @param istioVersion the {@code networking.istio.io} version the cluster serves, as discovered
     */
    public record AlreadyRead(Deployment stable, String istioVersion) {
        public static final AlreadyRead NOTHING = new AlreadyRead(null, null);
    }

    /** {@link #examine(KubernetesClient, DeliveryPlan)} without reading again what {@code read} holds. */
    public static DoctorReport examine(KubernetesClient client, DeliveryPlan plan, AlreadyRead read) {
        String namespace = namespace(plan, client);
        List<Finding> access = new ArrayList<>();
        WorkloadFacts facts = plan instanceof CanaryPlan canary ? canaryFacts(client, namespace, canary, access, read)
                : blueGreenFacts(client, namespace, (BlueGreenPlan) plan, access);
        List<Finding> findings = new ArrayList<>(DoctorChecks.check(facts, plan.effectiveDoctor()));
        findings.addAll(access);
        Container container = facts.deployment().getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(facts.container())).findFirst().orElse(null);
        Integer preStop = container == null ? null : DoctorChecks.preStopSleepSeconds(container);
        String subject = (plan instanceof CanaryPlan ? "canary of " : "blue-green switch of ") + "deployment/"
                + namespace + "/" + facts.deployment().getMetadata().getName();
        return new DoctorReport(subject, findings, preStop).judged(plan.effectiveDoctor());
    }

    private static WorkloadFacts canaryFacts(KubernetesClient client, String namespace, CanaryPlan plan,
                                             List<Finding> access, AlreadyRead read) {
        Deployment stable = read.stable() != null ? read.stable()
                : deployment(client, namespace, plan.target().deployment());
        Map<String, String> podLabels = stable.getSpec().getTemplate().getMetadata().getLabels();
        IstioSpec istio = plan.traffic().istio();
        GenericKubernetesResource virtualService = null;
        GenericKubernetesResource subsetRule = null;
        List<GenericKubernetesResource> rules = List.of();
        if (istio != null) {
            String version = read.istioVersion() != null ? read.istioVersion() : IstioApi.servedVersion(client);
            if (version != null) {
                virtualService = istio(client, IstioApi.virtualServices(version), namespace, istio.virtualService(),
                        KubeRef.virtualService(namespace, istio.virtualService()));
                if (istio.isSubsetSplit()) {
                    subsetRule = istio(client, IstioApi.destinationRules(version), namespace, istio.destinationRule(),
                            KubeRef.destinationRule(namespace, istio.destinationRule()));
                    rules = subsetRule == null ? List.of() : List.of(subsetRule);
                } else {
                    rules = rulesFor(client, version, namespace, Set.of(istio.stableService(), istio.canaryService()),
                            access);
                }
            }
        }
        // The engine points a canary's subsets at the stable and canary pods itself: nothing to compare here.
        return new WorkloadFacts(true, stable, plan.target().container(), plan.target().image(),
                services(client, namespace, podLabels, access), budgets(client, namespace, access),
                autoscalers(client, namespace, access), virtualService, istio == null ? null : istio.route(), rules,
                null, Map.of());
    }

    private static WorkloadFacts blueGreenFacts(KubernetesClient client, String namespace, BlueGreenPlan plan,
                                                List<Finding> access) {
        Map<Colour, Deployment> colours = new LinkedHashMap<>();
        for (Colour colour : Colour.values()) {
            Optional.ofNullable(read(() -> client.apps().deployments().inNamespace(namespace)
                    .withName(plan.target().deployment(colour)).get(),
                    KubeRef.deployment(namespace, plan.target().deployment(colour))))
                    .ifPresent(d -> colours.put(colour, d));
        }
        // The colour with more pods is (almost always) the one in production; its template is what the new colour
        // is made from.
        Deployment active = colours.values().stream().max(Comparator.comparingInt(
                (Deployment d) -> d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas())
                .thenComparing(d -> d.getMetadata().getName().endsWith("-blue") ? 1 : 0))
                .orElseThrow(() -> KubeErrors.toClusterException(new KubernetesClientException(
                        "not found", 404, null), "get", KubeRef.deployment(namespace,
                        plan.target().deployment(Colour.BLUE))));
        Map<String, String> podLabels = active.getSpec().getTemplate().getMetadata().getLabels();
        BlueGreenIstioSpec istio = plan.traffic().istio();
        GenericKubernetesResource virtualService = null;
        GenericKubernetesResource subsetRule = null;
        List<GenericKubernetesResource> rules = List.of();
        Map<String, Map<String, String>> subsetPods = new LinkedHashMap<>();
        if (istio != null) {
            String version = IstioApi.servedVersion(client);
            if (version != null) {
                virtualService = istio(client, IstioApi.virtualServices(version), namespace, istio.virtualService(),
                        KubeRef.virtualService(namespace, istio.virtualService()));
                if (istio.isSubsetSplit() && istio.destinationRule() != null) {
                    subsetRule = istio(client, IstioApi.destinationRules(version), namespace, istio.destinationRule(),
                            KubeRef.destinationRule(namespace, istio.destinationRule()));
                    rules = subsetRule == null ? List.of() : List.of(subsetRule);
                    for (Colour colour : Colour.values()) {
                        Deployment own = colours.get(colour);
                        Map<String, String> labels = new LinkedHashMap<>(own != null
                                ? own.getSpec().getTemplate().getMetadata().getLabels() : podLabels);
                        labels.put(plan.effectiveColorLabel(), colour.id());
                        subsetPods.put(istio.subset(colour), labels);
                    }
                } else if (!istio.isSubsetSplit()) {
                    rules = rulesFor(client, version, namespace, Set.of(istio.blueService(), istio.greenService()),
                            access);
                }
            }
        }
        return new WorkloadFacts(false, active, plan.target().container(), plan.target().image(),
                services(client, namespace, podLabels, access), budgets(client, namespace, access),
                autoscalers(client, namespace, access), virtualService, istio == null ? null : istio.route(), rules,
                subsetRule, subsetPods);
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    private static Deployment deployment(KubernetesClient client, String namespace, String name) {
        KubeRef ref = KubeRef.deployment(namespace, name);
        Deployment deployment = read(() -> client.apps().deployments().inNamespace(namespace).withName(name).get(),
                ref);
        if (deployment == null) {
            throw KubeErrors.toClusterException(new KubernetesClientException(ref + " not found", 404, null), "get",
                    ref);
        }
        return deployment;
    }

    private static GenericKubernetesResource istio(KubernetesClient client,
                                                   io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx,
                                                   String namespace, String name, KubeRef ref) {
        return read(() -> client.genericKubernetesResources(ctx).inNamespace(namespace).withName(name).get(), ref);
    }

    private static List<Service> services(KubernetesClient client, String namespace, Map<String, String> podLabels,
                                          List<Finding> access) {
        List<Service> all = list(() -> client.services().inNamespace(namespace).list().getItems(),
                new KubeRef("", "services", "Service", namespace, ""), "long-lived-connections", access);
        return all.stream().filter(s -> s.getSpec() != null && Labels.serviceSelects(s.getSpec().getSelector(),
                podLabels)).toList();
    }

    private static List<PodDisruptionBudget> budgets(KubernetesClient client, String namespace,
                                                     List<Finding> access) {
        return list(() -> client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems(),
                new KubeRef("policy", "poddisruptionbudgets", "PodDisruptionBudget", namespace, ""),
                "pod-disruption-budget", access);
    }

    private static List<HorizontalPodAutoscaler> autoscalers(KubernetesClient client, String namespace,
                                                             List<Finding> access) {
        return list(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).list()
                        .getItems(),
                new KubeRef("autoscaling", "horizontalpodautoscalers", "HorizontalPodAutoscaler", namespace, ""),
                "hpa", access);
    }

    /** The DestinationRules of the namespace whose host is one of {@code services} (short or qualified name). */
    private static List<GenericKubernetesResource> rulesFor(KubernetesClient client, String version, String namespace,
                                                            Set<String> services, List<Finding> access) {
        List<GenericKubernetesResource> all = list(() -> client.genericKubernetesResources(
                        IstioApi.destinationRules(version)).inNamespace(namespace).list().getItems(),
                KubeRef.destinationRule(namespace, ""), "outlier-detection", access);
        return all.stream().filter(rule -> {
            Object spec = rule.getAdditionalProperties().get("spec");
            if (!(spec instanceof Map<?, ?> map) || map.get("host") == null) {
                return false;
            }
            String host = String.valueOf(map.get("host"));
            String shortName = host.split("\\.")[0];
            boolean local = host.equals(shortName) || host.startsWith(shortName + "." + namespace);
            return local && services.contains(shortName);
        }).toList();
    }

    private static <T> T read(Supplier<T> read, KubeRef ref) {
        try {
            return read.get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.toClusterException(e, "get", ref);
        }
    }

    /** A list the credential may not read is a note naming the missing permission; the check then has no input. */
    private static <T> List<T> list(Supplier<List<T>> read, KubeRef ref, String check, List<Finding> access) {
        try {
            List<T> items = read.get();
            return items == null ? List.of() : items;
        } catch (KubernetesClientException e) {
            ClusterException failure = KubeErrors.toClusterException(e, "list", ref);
            if (failure.isTransient()) {
                throw failure;
            }
            access.add(new Finding(check, Severity.NOTE, ref.qualifiedResource() + " in " + ref.namespace(),
                    "(list)", "could not list " + ref.qualifiedResource() + ": " + failure.getMessage(),
                    "the " + check + " check had nothing to look at",
                    "# a Role rule for the doctor's credential\n- apiGroups: [\"" + ref.group() + "\"]\n"
                            + "  resources: [\"" + ref.plural() + "\"]\n  verbs: [\"list\"]"));
            return List.of();
        }
    }

    public static String namespace(DeliveryPlan plan, KubernetesClient client) {
        String namespace = plan instanceof CanaryPlan canary ? canary.target().namespace()
                : ((BlueGreenPlan) plan).target().namespace();
        if (namespace == null || namespace.isBlank()) {
            namespace = client.getNamespace();
        }
        return namespace == null || namespace.isBlank() ? "default" : namespace;
    }
}
