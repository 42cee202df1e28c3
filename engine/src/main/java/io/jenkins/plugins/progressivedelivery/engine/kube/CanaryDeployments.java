package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The canary Deployment as a function of the stable one, and Deployment readiness: pure functions, no I/O. Inputs
 * are never modified; results are fresh objects.
 */
public final class CanaryDeployments {
    /** On the canary Deployment and its pods: the stable Deployment it is the canary of. */
    public static final String CANARY_OF_LABEL = "progressive-delivery.jenkins.io/canary-of";
    /** On the canary Deployment: the image it runs, for {@code kubectl describe}. */
    public static final String IMAGE_ANNOTATION = "progressive-delivery.jenkins.io/image";
    /** On the canary Deployment: the plan's steps, for whoever finds it running. */
    public static final String PLAN_ANNOTATION = "progressive-delivery.jenkins.io/plan";
    /** Label values are at most 63 characters. */
    public static final int MAX_LABEL_VALUE = 63;

    private CanaryDeployments() {
    }

    /** {@code spec.replicas}, which the API server defaults to 1. */
    public static int desiredReplicas(Deployment deployment) {
        Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }

    /** Canary size for a weight, when it is not fixed: {@code max(1, ceil(stableReplicas * weight / 100))}. */
    public static int replicasForWeight(int stableReplicas, int canaryWeight) {
        return Math.max(1, (stableReplicas * canaryWeight + 99) / 100);
    }

    public static Map<String, String> podLabels(Deployment deployment) {
        ObjectMeta meta = deployment.getSpec().getTemplate().getMetadata();
        return meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels();
    }

    /** The stable pod labels, overridden by the canary labels, plus {@link #CANARY_OF_LABEL}. */
    public static Map<String, String> canaryPodLabels(Deployment stable, Target target) {
        Map<String, String> labels = new LinkedHashMap<>(podLabels(stable));
        labels.putAll(target.canaryLabels());
        labels.put(CANARY_OF_LABEL, stable.getMetadata().getName());
        return labels;
    }

    /** The stable selector with its match labels overridden by the canary labels; expressions kept. */
    public static LabelSelector canarySelector(Deployment stable, Target target) {
        LabelSelector selector = Serialization.clone(stable.getSpec().getSelector());
        Map<String, String> matchLabels = new LinkedHashMap<>();
        if (selector.getMatchLabels() != null) {
            matchLabels.putAll(selector.getMatchLabels());
        }
        matchLabels.putAll(target.canaryLabels());
        selector.setMatchLabels(matchLabels);
        return selector;
    }

    public static CanaryPods pods(Deployment stable, Target target) {
        return new CanaryPods(podLabels(stable), stable.getSpec().getSelector(), canaryPodLabels(stable, target),
                canarySelector(stable, target));
    }

    public static boolean isCanaryOf(Deployment candidate, String stableName) {
        Map<String, String> labels = candidate.getMetadata().getLabels();
        return labels != null && stableName.equals(labels.get(CANARY_OF_LABEL));
    }

    /**
     * A new canary Deployment: the stable spec (strategy, minReadySeconds, ...) and pod template with the new image,
     * the canary labels and selector, owned by the stable Deployment so that deleting it deletes the canary too.
     */
    public static Deployment newCanary(Deployment stable, Target target, int replicas,
                                       Map<String, String> annotations) {
        Deployment canary = new Deployment();
        canary.setApiVersion("apps/v1");
        canary.setKind("Deployment");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(target.canaryDeployment());
        meta.setNamespace(stable.getMetadata().getNamespace());
        canary.setMetadata(meta);
        DeploymentSpec spec = Serialization.clone(stable.getSpec());
        spec.setSelector(canarySelector(stable, target));
        spec.setPaused(null);
        canary.setSpec(spec);
        return withStableTemplate(canary, stable, target, replicas, annotations);
    }

    /**
     * The existing canary brought up to date from the stable Deployment. Its selector is left alone: the API server
     * does not allow changing it ({@link #selectorMismatch} tells when it no longer fits).
     */
    public static Deployment updatedCanary(Deployment existing, Deployment stable, Target target, int replicas,
                                           Map<String, String> annotations) {
        Deployment canary = Serialization.clone(existing);
        copyRolloutSettings(stable.getSpec(), canary.getSpec());
        return withStableTemplate(canary, stable, target, replicas, annotations);
    }

    /** How {@code from} rolls out (strategy, minReadySeconds, deadlines, history), onto {@code to}. */
    static void copyRolloutSettings(DeploymentSpec from, DeploymentSpec to) {
        to.setStrategy(from.getStrategy() == null ? null : Serialization.clone(from.getStrategy()));
        to.setMinReadySeconds(from.getMinReadySeconds());
        to.setProgressDeadlineSeconds(from.getProgressDeadlineSeconds());
        to.setRevisionHistoryLimit(from.getRevisionHistoryLimit());
    }

    private static Deployment withStableTemplate(Deployment canary, Deployment stable, Target target, int replicas,
                                                 Map<String, String> annotations) {
        String stableName = stable.getMetadata().getName();
        ObjectMeta meta = canary.getMetadata();
        Map<String, String> labels = meta.getLabels() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(meta.getLabels());
        labels.put(CANARY_OF_LABEL, stableName);
        meta.setLabels(labels);
        Map<String, String> metaAnnotations = meta.getAnnotations() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(meta.getAnnotations());
        metaAnnotations.put(IMAGE_ANNOTATION, target.image());
        metaAnnotations.putAll(annotations);
        meta.setAnnotations(metaAnnotations);
        if (meta.getOwnerReferences() == null || meta.getOwnerReferences().isEmpty()) {
            meta.setOwnerReferences(List.of(ownerReference(stable)));
        }

        PodTemplateSpec template = Serialization.clone(stable.getSpec().getTemplate());
        if (template.getMetadata() == null) {
            template.setMetadata(new ObjectMeta());
        }
        template.getMetadata().setLabels(canaryPodLabels(stable, target));
        canary.getSpec().setTemplate(template);
        canary.getSpec().setReplicas(replicas);
        return withImage(canary, target.container(), target.image());
    }

    private static OwnerReference ownerReference(Deployment stable) {
        // Not a controller reference: the canary's own Deployment controller manages its ReplicaSets.
        return new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(stable.getMetadata().getName())
                .withUid(stable.getMetadata().getUid())
                .build();
    }

    /** When an existing canary's selector is not the one the plan needs, what it is; otherwise null. */
    public static LabelSelector selectorMismatch(Deployment existing, Deployment stable, Target target) {
        LabelSelector wanted = canarySelector(stable, target);
        LabelSelector actual = existing.getSpec().getSelector();
        if (actual == null) {
            return new LabelSelector();
        }
        boolean same = orEmpty(actual.getMatchLabels()).equals(orEmpty(wanted.getMatchLabels()))
                && orEmpty(actual.getMatchExpressions()).equals(orEmpty(wanted.getMatchExpressions()));
        return same ? null : actual;
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** The image of {@code container}, or null when the Deployment has no such container. */
    public static String image(Deployment deployment, String container) {
        return containers(deployment).stream().filter(c -> container.equals(c.getName()))
                .map(Container::getImage).findFirst().orElse(null);
    }

    public static List<String> containerNames(Deployment deployment) {
        return containers(deployment).stream().map(Container::getName).collect(Collectors.toList());
    }

    private static List<Container> containers(Deployment deployment) {
        if (deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getSpec() == null
                || deployment.getSpec().getTemplate().getSpec().getContainers() == null) {
            return List.of();
        }
        return deployment.getSpec().getTemplate().getSpec().getContainers();
    }

    /** A copy with {@code image} on {@code container}; other containers and fields untouched. */
    public static Deployment withImage(Deployment deployment, String container, String image) {
        Deployment copy = Serialization.clone(deployment);
        boolean found = false;
        for (Container c : containers(copy)) {
            if (container.equals(c.getName())) {
                c.setImage(image);
                found = true;
            }
        }
        if (!found) {
            throw new IllegalArgumentException("deployment " + deployment.getMetadata().getName()
                    + " has no container '" + container + "'; its containers are "
                    + String.join(", ", containerNames(deployment)));
        }
        return copy;
    }

    /**
     * Rolled out when the controller has seen the latest spec ({@code observedGeneration >= generation}) and all
     * desired replicas are updated, ready and available with no old ones left; a Deployment scaled to 0 is ready as
     * soon as its spec is observed.
     */
    public static Readiness readiness(Deployment deployment) {
        long generation = deployment.getMetadata().getGeneration() == null
                ? 0 : deployment.getMetadata().getGeneration();
        DeploymentStatus status = deployment.getStatus() == null ? new DeploymentStatus() : deployment.getStatus();
        long observed = status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
        int desired = desiredReplicas(deployment);
        int updated = orZero(status.getUpdatedReplicas());
        int ready = orZero(status.getReadyReplicas());
        int available = orZero(status.getAvailableReplicas());
        int total = orZero(status.getReplicas());
        String counts = ready + "/" + desired + " ready, " + updated + "/" + desired + " updated, " + available
                + "/" + desired + " available, generation " + generation + " observed " + observed;
        if (observed < generation) {
            return new Readiness(false, counts + " (the controller has not seen the latest change yet)");
        }
        if (progressDeadlineExceeded(status)) {
            return new Readiness(false, counts + " (progress deadline exceeded: pods are not becoming ready)");
        }
        if (total > updated) {
            return new Readiness(false, counts + " (" + (total - updated) + " old replicas pending termination)");
        }
        boolean rolledOut = updated == desired && ready == desired && available == desired;
        return new Readiness(rolledOut, counts);
    }

    private static boolean progressDeadlineExceeded(DeploymentStatus status) {
        List<DeploymentCondition> conditions = status.getConditions();
        return conditions != null && conditions.stream().anyMatch(c -> "Progressing".equals(c.getType())
                && "ProgressDeadlineExceeded".equals(c.getReason()));
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
