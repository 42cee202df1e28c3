package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenTarget;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Deployments of the two colours, {@code <deployment>-blue} and {@code <deployment>-green}: reads, checks and
 * writes, each write a read-modify-write with the resourceVersion that was read.
 */
public final class ColourWorkloads {
    private static final String NOTHING_WRITTEN = "already so; nothing written";

    private final ReadModifyWrite rmw;
    private final NonNamespaceOperation<Deployment, DeploymentList, RollableScalableResource<Deployment>> deployments;
    private final String namespace;
    private final BlueGreenTarget target;
    private final String colorLabel;

    public ColourWorkloads(KubernetesClient client, String namespace, BlueGreenTarget target, String colorLabel) {
        this.rmw = new ReadModifyWrite(client);
        this.deployments = client.apps().deployments().inNamespace(namespace);
        this.namespace = namespace;
        this.target = target;
        this.colorLabel = colorLabel;
    }

    public KubeRef ref(Colour colour) {
        return KubeRef.deployment(namespace, target.deployment(colour));
    }

    public Optional<Deployment> find(Colour colour) {
        return Optional.ofNullable(rmw.read(deployments, ref(colour)));
    }

    /**
     * Checks the Deployment of the colour in production and, if it exists, the other colour's, adding what keeps the
     * plan from working to {@code problems}: the active one is missing, lacks the container or the colour label, or
     * has a selector that would also take the other colour's pods; the other one has a selector that cannot take
     * the new pods.
     *
     * @return the two colours' pod labels, or null when the active Deployment cannot be used
     */
    public ColourPods verify(Colour active, String activeSource, List<ValidationError> problems) {
        String activeName = target.deployment(active);
        String newName = target.deployment(active.other());
        Deployment deployment = find(active).orElse(null);
        if (deployment == null) {
            problems.add(new ValidationError("target.deployment", "deployment " + activeName + " not found in"
                    + " namespace " + namespace + ", but " + activeSource + " sends production traffic to " + active
                    + ": the colours run in the Deployments " + target.deployment(Colour.BLUE) + " and "
                    + target.deployment(Colour.GREEN) + "; check target.namespace and target.deployment (kubectl get"
                    + " deployments -n " + namespace + ")"));
            return null;
        }
        if (CanaryDeployments.image(deployment, target.container()) == null) {
            problems.add(new ValidationError("target.container", "deployment " + activeName + " has no container '"
                    + target.container() + "'; its containers are "
                    + String.join(", ", CanaryDeployments.containerNames(deployment))));
        }
        Map<String, String> podLabels = CanaryDeployments.podLabels(deployment);
        String podColour = podLabels.get(colorLabel);
        if (!active.id().equals(podColour)) {
            problems.add(new ValidationError("colorLabel", "the pods of deployment " + activeName + " are "
                    + (podColour == null ? "not labelled " + colorLabel : "labelled " + colorLabel + "=" + podColour)
                    + ", but " + activeSource + " selects " + colorLabel + "=" + active + "; label its pod template"
                    + " (and selector) " + colorLabel + ": " + active));
            return null;
        }
        ColourPods pods = ColourDeployments.pods(deployment, colorLabel, active);
        LabelSelector activeSelector = deployment.getSpec().getSelector();
        LabelSelector newSelector = ColourDeployments.selector(deployment, colorLabel, active.other());
        if (Labels.matches(activeSelector, pods.newPodLabels())) {
            problems.add(new ValidationError("colorLabel", "the selector of deployment " + activeName + " "
                    + Labels.format(activeSelector) + " would also select the " + active.other() + " pods "
                    + Labels.format(pods.newPodLabels()) + ", so the two Deployments would fight over them; add "
                    + colorLabel + ": " + active + " to its selector (a Deployment's selector cannot change:"
                    + " re-create " + activeName + " with it)"));
        } else if (!Labels.matches(newSelector, pods.newPodLabels())) {
            problems.add(new ValidationError("colorLabel", "the selector of deployment " + activeName + " with "
                    + colorLabel + ": " + active.other() + " " + Labels.format(newSelector) + " would not select"
                    + " the " + active.other() + " pods " + Labels.format(pods.newPodLabels()) + "; its match"
                    + " expressions exclude them"));
        }
        find(active.other()).ifPresent(existing -> {
            String mismatch = selectorMismatch(existing, pods);
            if (mismatch != null) {
                problems.add(new ValidationError("target.deployment", "deployment " + newName + " exists with the"
                        + " selector " + Labels.format(existing.getSpec().getSelector()) + ", which " + mismatch
                        + ", and a selector cannot change; delete it (kubectl delete deployment " + newName + " -n "
                        + namespace + ") and run again"));
            }
        });
        return pods;
    }

    /** Why an existing Deployment of the new colour cannot take the new pods, or null when it can. */
    private static String selectorMismatch(Deployment existing, ColourPods pods) {
        LabelSelector selector = existing.getSpec() == null ? null : existing.getSpec().getSelector();
        if (!Labels.matches(selector, pods.newPodLabels())) {
            return "does not select the new pods " + Labels.format(pods.newPodLabels());
        }
        if (Labels.matches(selector, pods.activePodLabels())) {
            return "also selects the pods in production " + Labels.format(pods.activePodLabels());
        }
        return null;
    }

    /**
     * Creates the Deployment of {@code colour} from the other colour's pod template with the new image, or brings
     * an existing one up to date, with {@code replicas} pods.
     */
    public ClusterChange deploy(Colour colour, int replicas) {
        KubeRef ref = ref(colour);
        KubeRef activeRef = ref(colour.other());
        Deployment active = rmw.require(deployments, activeRef);
        ColourPods pods = ColourDeployments.pods(active, colorLabel, colour.other());
        Deployment existing = rmw.read(deployments, ref);
        if (existing == null) {
            try {
                Deployment created = deployments.resource(Workloads.fromPlan(() -> ColourDeployments.newColour(active,
                        target, colorLabel, colour, replicas))).create();
                return new ClusterChange(AuditAction.SCALE, ref.toString(), "absent", describe(created), 0,
                        "created from " + activeRef + " with image " + target.image());
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw KubeErrors.toClusterException(e, "create", ref);
                }
                // created by someone else since the read: update it like an existing one
            }
        }
        ReadModifyWrite.Result<Deployment> result = rmw.update(deployments, ref, current -> {
            String mismatch = selectorMismatch(current, pods);
            if (mismatch != null) {
                throw new ClusterException(ref + " has a selector that " + mismatch + "; delete it and run again",
                        false, null);
            }
            return Workloads.fromPlan(() -> ColourDeployments.updatedColour(current, active, target, colorLabel,
                    colour, replicas));
        });
        return change(result, ref, result.written() ? "updated from " + activeRef + " with image " + target.image()
                : NOTHING_WRITTEN);
    }

    /** Scales the Deployment of {@code colour}; one that does not exist is already at 0. */
    public ClusterChange scale(Colour colour, int replicas) {
        KubeRef ref = ref(colour);
        if (replicas == 0 && rmw.read(deployments, ref) == null) {
            return new ClusterChange(AuditAction.SCALE, ref.toString(), "absent", "absent", 0,
                    "does not exist; nothing to scale down");
        }
        ReadModifyWrite.Result<Deployment> result = rmw.update(deployments, ref, current -> {
            current.getSpec().setReplicas(replicas);
            return current;
        });
        return change(result, ref, result.written() ? null : NOTHING_WRITTEN);
    }

    public Readiness readiness(Colour colour) {
        return CanaryDeployments.readiness(rmw.require(deployments, ref(colour)));
    }

    private ClusterChange change(ReadModifyWrite.Result<Deployment> result, KubeRef ref, String note) {
        return new ClusterChange(AuditAction.SCALE, ref.toString(), describe(result.before()),
                describe(result.after()), result.conflicts(), note);
    }

    private String describe(Deployment deployment) {
        return "replicas " + CanaryDeployments.desiredReplicas(deployment) + ", image "
                + CanaryDeployments.image(deployment, target.container());
    }
}
