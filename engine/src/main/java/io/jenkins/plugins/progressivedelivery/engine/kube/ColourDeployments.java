package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenTarget;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The new colour's Deployment as a function of the active colour's: the same pod template and rollout settings,
 * the new image, and the colour label set to the new colour on the pods and in the selector. Pure functions; inputs
 * are never modified.
 *
 * <p>Unlike a canary, the new colour is not owned by the active Deployment: after the switch it is the one in
 * production, and deleting the old colour must not take it along.
 */
public final class ColourDeployments {
    private ColourDeployments() {
    }

    /** The active pod labels with {@code colorLabel} set to {@code colour}. */
    public static Map<String, String> podLabels(Deployment active, String colorLabel, Colour colour) {
        Map<String, String> labels = new LinkedHashMap<>(CanaryDeployments.podLabels(active));
        labels.put(colorLabel, colour.id());
        return labels;
    }

    /** The active selector with its match label {@code colorLabel} set to {@code colour}; expressions kept. */
    public static LabelSelector selector(Deployment active, String colorLabel, Colour colour) {
        LabelSelector selector = Serialization.clone(active.getSpec().getSelector());
        Map<String, String> matchLabels = new LinkedHashMap<>();
        if (selector.getMatchLabels() != null) {
            matchLabels.putAll(selector.getMatchLabels());
        }
        matchLabels.put(colorLabel, colour.id());
        selector.setMatchLabels(matchLabels);
        return selector;
    }

    public static ColourPods pods(Deployment active, String colorLabel, Colour activeColour) {
        return new ColourPods(colorLabel, activeColour, CanaryDeployments.podLabels(active),
                podLabels(active, colorLabel, activeColour.other()));
    }

    /**
     * A new Deployment {@code target.deployment(colour)} from the active one: its spec with the colour's selector
     * and pod labels, the new image and {@code replicas}; its labels with the colour label, if it has one, set to
     * {@code colour}.
     */
    public static Deployment newColour(Deployment active, BlueGreenTarget target, String colorLabel, Colour colour,
                                       int replicas) {
        Deployment created = new Deployment();
        created.setApiVersion("apps/v1");
        created.setKind("Deployment");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(target.deployment(colour));
        meta.setNamespace(active.getMetadata().getNamespace());
        Map<String, String> labels = active.getMetadata().getLabels() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(active.getMetadata().getLabels());
        labels.computeIfPresent(colorLabel, (key, value) -> colour.id());
        meta.setLabels(labels.isEmpty() ? null : labels);
        created.setMetadata(meta);
        DeploymentSpec spec = Serialization.clone(active.getSpec());
        spec.setSelector(selector(active, colorLabel, colour));
        spec.setPaused(null);
        created.setSpec(spec);
        return withActiveTemplate(created, active, target, colorLabel, colour, replicas);
    }

    /**
     * The existing Deployment of {@code colour} brought up to date from the active one. Its selector is left alone:
     * the API server does not allow changing it ({@link ColourWorkloads} checks it still fits first).
     */
    public static Deployment updatedColour(Deployment existing, Deployment active, BlueGreenTarget target,
                                           String colorLabel, Colour colour, int replicas) {
        Deployment updated = Serialization.clone(existing);
        CanaryDeployments.copyRolloutSettings(active.getSpec(), updated.getSpec());
        updated.getSpec().setPaused(null);
        return withActiveTemplate(updated, active, target, colorLabel, colour, replicas);
    }

    private static Deployment withActiveTemplate(Deployment deployment, Deployment active, BlueGreenTarget target,
                                                 String colorLabel, Colour colour, int replicas) {
        ObjectMeta meta = deployment.getMetadata();
        Map<String, String> annotations = meta.getAnnotations() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(meta.getAnnotations());
        annotations.put(CanaryDeployments.IMAGE_ANNOTATION, target.image());
        meta.setAnnotations(annotations);
        PodTemplateSpec template = Serialization.clone(active.getSpec().getTemplate());
        if (template.getMetadata() == null) {
            template.setMetadata(new ObjectMeta());
        }
        template.getMetadata().setLabels(podLabels(active, colorLabel, colour));
        deployment.getSpec().setTemplate(template);
        deployment.getSpec().setReplicas(replicas);
        return CanaryDeployments.withImage(deployment, target.container(), target.image());
    }
}
