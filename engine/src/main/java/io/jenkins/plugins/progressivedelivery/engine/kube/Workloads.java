package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The stable Deployment of a {@link Target} and the canary Deployment next to it: reads, checks and writes, each
 * write a read-modify-write with the resourceVersion that was read.
 */
public final class Workloads {
    private static final String NOTHING_WRITTEN = "already so; nothing written";

    private final ReadModifyWrite rmw;
    private final NonNamespaceOperation<Deployment, DeploymentList, RollableScalableResource<Deployment>> deployments;
    private final Target target;
    private final KubeRef stableRef;
    private final KubeRef canaryRef;
    private final LongSupplier nanoTime;
    /** Each Deployment as this process last read or wrote it, and when: see {@link #RECENT}. */
    private final Map<KubeRef, Known> known = new ConcurrentHashMap<>();

    /**
     * How long a read stands for the next change: the drift check's reads before a step are that step's reads, the
     * preflight's checks share theirs, and a write's answer is the first readiness check. A change after a pause or a
     * person's decision reads again. A stale object can never be written over another writer's change (every write
     * carries the resourceVersion it was computed from: a 409 re-reads), and "already so" is only said of a fresh read.
     */
    static final long RECENT = TimeUnit.SECONDS.toNanos(2);

    /**
     * A Deployment as read or written ({@code deployment} null: it did not exist) at {@code nanos}; {@code change}:
     * the answer of a change (a write, or the fresh read that found it already so), which the first readiness check
     * after it may use once.
     */
    private record Known(Deployment deployment, long nanos, boolean change) {
    }

    public Workloads(KubernetesClient client, String namespace, Target target) {
        this(client, namespace, target, System::nanoTime);
    }

    /** @param nanoTime what {@link #RECENT} is measured with (tests: a clock that stands still) */
    Workloads(KubernetesClient client, String namespace, Target target, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.rmw = new ReadModifyWrite(client);
        this.deployments = client.apps().deployments().inNamespace(namespace);
        this.target = target;
        this.stableRef = KubeRef.deployment(namespace, target.deployment());
        this.canaryRef = KubeRef.deployment(namespace, target.canaryDeployment());
    }

    public Target target() {
        return target;
    }

    public KubeRef stableRef() {
        return stableRef;
    }

    public KubeRef canaryRef() {
        return canaryRef;
    }

    /** The stable Deployment as recently read (see {@link #RECENT}), or read now. */
    public Optional<Deployment> findStable() {
        return Optional.ofNullable(recent(stableRef));
    }

    /** As {@link #findStable()}; a missing one is a (non-transient) {@link ClusterException}. */
    public Deployment stable() {
        return ReadModifyWrite.present(recent(stableRef), stableRef);
    }

    /** The canary Deployment as recently read (see {@link #RECENT}), or read now. */
    public Optional<Deployment> findCanary() {
        return Optional.ofNullable(recent(canaryRef));
    }

    private Deployment recent(KubeRef ref) {
        Known last = known.get(ref);
        if (last != null && nanoTime.getAsLong() - last.nanos() < RECENT) {
            return last.deployment();
        }
        return fresh(ref);
    }

    /** Read now, whatever was read before: what a check of the cluster's state (drift, readiness) must see. */
    private Deployment fresh(KubeRef ref) {
        return remember(ref, rmw.read(deployments, ref));
    }

    private Deployment remember(KubeRef ref, Deployment deployment) {
        return remember(ref, deployment, false);
    }

    private Deployment remember(KubeRef ref, Deployment deployment, boolean change) {
        known.put(ref, new Known(deployment, nanoTime.getAsLong(), change));
        return deployment;
    }

    /** The object a write stored (or, when nothing was written, read) stands for the next change and readiness. */
    private ReadModifyWrite.Result<Deployment> remember(KubeRef ref, ReadModifyWrite.Result<Deployment> result) {
        remember(ref, result.after(), true);
        return result;
    }

    /**
     * The first readiness check after a write reads nothing: the write's answer (the new spec, the old status) says
     * "not ready yet", and a no-op's fresh read says what is. Later checks read again.
     */
    private Deployment forReadiness(KubeRef ref) {
        Known last = known.get(ref);
        if (last != null && last.change() && last.deployment() != null
                && nanoTime.getAsLong() - last.nanos() < RECENT) {
            known.put(ref, new Known(last.deployment(), last.nanos(), false)); // once: the next check reads
            return last.deployment();
        }
        return fresh(ref);
    }

    /**
     * What keeps the plan from working on these Deployments: the stable one is missing or lacks the container, the
     * canary pods would not be distinct from the stable ones, or a Deployment with the canary's name is not ours or
     * has a selector the plan can no longer use.
     */
    public List<ValidationError> verify() {
        List<ValidationError> problems = new ArrayList<>();
        Deployment stable = findStable().orElse(null);
        if (stable == null) {
            problems.add(new ValidationError("target.deployment", "deployment " + target.deployment()
                    + " not found in namespace " + stableRef.namespace() + "; check target.namespace and"
                    + " target.deployment (kubectl get deployments -n " + stableRef.namespace() + ")"));
            return problems;
        }
        if (CanaryDeployments.image(stable, target.container()) == null) {
            problems.add(new ValidationError("target.container", "deployment " + target.deployment()
                    + " has no container '" + target.container() + "'; its containers are "
                    + String.join(", ", CanaryDeployments.containerNames(stable))));
        }
        if (target.deployment().length() > CanaryDeployments.MAX_LABEL_VALUE) {
            problems.add(new ValidationError("target.deployment", "the name " + target.deployment() + " is longer"
                    + " than the " + CanaryDeployments.MAX_LABEL_VALUE + " characters of a label value, so the"
                    + " canary pods cannot be labelled " + CanaryDeployments.CANARY_OF_LABEL + " with it"));
        }
        CanaryPods pods = CanaryDeployments.pods(stable, target);
        problems.addAll(distinctPods(pods));
        findCanary().ifPresent(canary -> problems.addAll(existingCanary(canary, stable)));
        return problems;
    }

    private List<ValidationError> distinctPods(CanaryPods pods) {
        List<ValidationError> problems = new ArrayList<>();
        LabelSelector stableSelector = pods.stableSelector();
        if (Labels.matches(stableSelector, pods.canaryPodLabels())) {
            problems.add(new ValidationError("target.canaryLabels", "the selector of deployment "
                    + target.deployment() + " " + Labels.format(stableSelector) + " also selects the canary pods "
                    + Labels.format(pods.canaryPodLabels()) + ", so the two Deployments would share pods; set"
                    + " canaryLabels to override a label of that selector (if it has track: stable, use canaryLabels"
                    + " track: canary). A Deployment's selector cannot change: adding such a label to it means"
                    + " re-creating deployment " + target.deployment()));
        } else if (Labels.matches(pods.canarySelector(), pods.stablePodLabels())) {
            problems.add(new ValidationError("target.canaryLabels", "the canary selector "
                    + Labels.format(pods.canarySelector()) + " also selects the stable pods "
                    + Labels.format(pods.stablePodLabels()) + "; give canaryLabels a value the stable pods do not"
                    + " have"));
        }
        if (!Labels.matches(pods.canarySelector(), pods.canaryPodLabels())) {
            problems.add(new ValidationError("target.canaryLabels", "the canary selector "
                    + Labels.format(pods.canarySelector()) + " (the stable selector with canaryLabels) does not"
                    + " select the canary pods " + Labels.format(pods.canaryPodLabels()) + "; its match expressions"
                    + " exclude them: choose canaryLabels those expressions allow"));
        }
        return problems;
    }

    private List<ValidationError> existingCanary(Deployment canary, Deployment stable) {
        if (!CanaryDeployments.isCanaryOf(canary, target.deployment())) {
            return List.of(new ValidationError("target.deployment", "deployment " + target.canaryDeployment()
                    + " already exists and is not a canary of " + target.deployment() + " (it lacks the label "
                    + CanaryDeployments.CANARY_OF_LABEL + "=" + target.deployment() + "); rename or delete it, the"
                    + " engine will not take it over"));
        }
        LabelSelector mismatch = CanaryDeployments.selectorMismatch(canary, stable, target);
        if (mismatch != null) {
            return List.of(new ValidationError("target.canaryLabels", "deployment " + target.canaryDeployment()
                    + " from an earlier rollout has the selector " + Labels.format(mismatch) + " but this plan"
                    + " needs " + Labels.format(CanaryDeployments.canarySelector(stable, target)) + ", and a"
                    + " selector cannot change; delete it (kubectl delete deployment " + target.canaryDeployment()
                    + " -n " + canaryRef.namespace() + ") and run again"));
        }
        return List.of();
    }

    /**
     * Creates the canary Deployment from the stable pod template with the new image, or brings an existing one up
     * to date, with {@code replicas} pods.
     *
     * @param annotations recorded on the canary Deployment besides the image
     */
    public ClusterChange applyCanary(int replicas, Map<String, String> annotations) {
        return applyCanary(stable(), replicas, annotations);
    }

    /** {@link #applyCanary(int, Map)} from the stable Deployment as the caller has just read it. */
    public ClusterChange applyCanary(Deployment stable, int replicas, Map<String, String> annotations) {
        Deployment existing = recent(canaryRef);
        if (existing == null) {
            try {
                Deployment canary = fromPlan(() -> CanaryDeployments.newCanary(stable, target, replicas, annotations));
                Deployment created = remember(canaryRef, deployments.resource(canary).create(), true);
                return new ClusterChange(AuditAction.SCALE, canaryRef.toString(), "absent", describe(created), 0,
                        "created from " + stableRef + " with image " + target.image());
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw KubeErrors.toClusterException(e, "create", canaryRef);
                }
                // created by someone else since the read: update it like an existing one
            }
        }
        ReadModifyWrite.Result<Deployment> result = rmw.update(deployments, canaryRef, current -> {
            requireOurs(current);
            if (CanaryDeployments.selectorMismatch(current, stable, target) != null) {
                throw new ClusterException(canaryRef + " has a selector this plan cannot use; delete it and run"
                        + " again", false, null);
            }
            return fromPlan(() -> CanaryDeployments.updatedCanary(current, stable, target, replicas, annotations));
        }, existing);
        return change(remember(canaryRef, result), canaryRef);
    }

    private void requireOurs(Deployment canary) {
        if (!CanaryDeployments.isCanaryOf(canary, target.deployment())) {
            throw new ClusterException(canaryRef + " is not a canary of " + target.deployment() + " (no label "
                    + CanaryDeployments.CANARY_OF_LABEL + "); the engine will not change it", false, null);
        }
    }

    /** Scales the canary; a canary that does not exist is already at 0. */
    public ClusterChange scaleCanary(int replicas) {
        Deployment current = recent(canaryRef);
        if (replicas == 0 && current == null) {
            return new ClusterChange(AuditAction.SCALE, canaryRef.toString(), "absent", "absent", 0,
                    "does not exist; nothing to scale down");
        }
        return scale(canaryRef, current, replicas);
    }

    public ClusterChange scaleStable(int replicas) {
        return scale(stableRef, recent(stableRef), replicas);
    }

    private ClusterChange scale(KubeRef ref, Deployment justRead, int replicas) {
        ReadModifyWrite.Result<Deployment> result = rmw.update(deployments, ref, current -> {
            if (ref.equals(canaryRef)) {
                requireOurs(current);
            }
            current.getSpec().setReplicas(replicas);
            return current;
        }, justRead);
        return change(remember(ref, result), ref);
    }

    /**
     * Rolls the new image into the stable Deployment's container.
     *
     * @param replicas also set the stable's replicas in the same write (the replica-ratio split hands all pods
     *                 back to the stable Deployment on promotion)
     */
    public ClusterChange promoteStable(OptionalInt replicas) {
        ReadModifyWrite.Result<Deployment> result = rmw.update(deployments, stableRef, current -> {
            Deployment promoted = fromPlan(() -> CanaryDeployments.withImage(current, target.container(),
                    target.image()));
            replicas.ifPresent(promoted.getSpec()::setReplicas);
            return promoted;
        }, recent(stableRef));
        return change(remember(stableRef, result), stableRef);
    }

    /** The stable Deployment's pod template as JSON, to put back if a rollback follows the promotion write. */
    public static String podTemplate(Deployment deployment) {
        return io.fabric8.kubernetes.client.utils.Serialization.asJson(deployment.getSpec().getTemplate());
    }

    /**
     * Puts the stable Deployment's pod template back as {@link #podTemplate} recorded it (before the promotion
     * write): the Deployment controller then rolls the old version out again. Nothing is written when it already is.
     */
    public ClusterChange restoreStable(String podTemplate) {
        PodTemplateSpec template = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(podTemplate,
                PodTemplateSpec.class);
        ReadModifyWrite.Result<Deployment> result = remember(stableRef, rmw.update(deployments, stableRef,
                current -> {
                    current.getSpec().setTemplate(template);
                    return current;
                }));
        return new ClusterChange(AuditAction.SCALE, stableRef.toString(), describe(result.before()),
                describe(result.after()), result.conflicts(), result.written()
                ? "pod template from before the promotion put back" : NOTHING_WRITTEN);
    }

    /**
     * What changed in the two Deployments since the engine wrote them: stable's image (and replicas, unless
     * {@code stableReplicas} is negative), and, when {@code canaryReplicas} is not null, the canary's image and size.
     */
    public List<String> drift(String stableImage, int stableReplicas, Integer canaryReplicas) {
        List<String> changes = new ArrayList<>();
        Deployment stable = ReadModifyWrite.present(fresh(stableRef), stableRef);
        String image = CanaryDeployments.image(stable, target.container());
        if (stableImage != null && !stableImage.equals(image)) {
            changes.add(stableRef + " runs " + image + " in container " + target.container() + ", the engine left "
                    + stableImage + "; changed " + FieldManagers.lastWriter(stable));
        }
        if (stableReplicas >= 0 && CanaryDeployments.desiredReplicas(stable) != stableReplicas) {
            changes.add(stableRef + " has " + CanaryDeployments.desiredReplicas(stable) + " replicas, the engine"
                    + " found " + stableReplicas + "; changed " + FieldManagers.lastWriter(stable));
        }
        if (canaryReplicas != null) {
            Deployment canary = fresh(canaryRef);
            if (canary == null) {
                changes.add(canaryRef + " was deleted, the engine left " + canaryReplicas + " replicas of "
                        + target.image());
            } else {
                String canaryImage = CanaryDeployments.image(canary, target.container());
                if (!target.image().equals(canaryImage)) {
                    changes.add(canaryRef + " runs " + canaryImage + ", the engine left " + target.image()
                            + "; changed " + FieldManagers.lastWriter(canary));
                }
                if (CanaryDeployments.desiredReplicas(canary) != canaryReplicas) {
                    changes.add(canaryRef + " has " + CanaryDeployments.desiredReplicas(canary) + " replicas, the"
                            + " engine left " + canaryReplicas + "; changed " + FieldManagers.lastWriter(canary));
                }
            }
        }
        return changes;
    }

    public Readiness stableReadiness() {
        return CanaryDeployments.readiness(ReadModifyWrite.present(forReadiness(stableRef), stableRef));
    }

    public Readiness canaryReadiness() {
        return CanaryDeployments.readiness(ReadModifyWrite.present(forReadiness(canaryRef), canaryRef));
    }

    /** A plan the Deployment does not fit (no such container) is not worth retrying. */
    static Deployment fromPlan(Supplier<Deployment> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ClusterException(e.getMessage(), false, e);
        }
    }

    private ClusterChange change(ReadModifyWrite.Result<Deployment> result, KubeRef ref) {
        return new ClusterChange(AuditAction.SCALE, ref.toString(), describe(result.before()),
                describe(result.after()), result.conflicts(), result.written() ? null : NOTHING_WRITTEN);
    }

    private String describe(Deployment deployment) {
        return "replicas " + CanaryDeployments.desiredReplicas(deployment) + ", image "
                + CanaryDeployments.image(deployment, target.container());
    }
}
