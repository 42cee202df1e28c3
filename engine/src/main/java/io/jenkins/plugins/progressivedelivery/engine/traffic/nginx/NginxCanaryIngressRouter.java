package io.jenkins.plugins.progressivedelivery.engine.traffic.nginx;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeErrors;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeRef;
import io.jenkins.plugins.progressivedelivery.engine.kube.ReadModifyWrite;
import io.jenkins.plugins.progressivedelivery.engine.kube.SplitServices;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import io.jenkins.plugins.progressivedelivery.engine.plan.NginxSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.traffic.TrafficRouter;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Splits traffic with ingress-nginx's canary Ingress, as Argo Rollouts' nginx router does: the engine creates
 * {@code <stableIngress>-canary} from the stable Ingress (its hosts and the paths to the stable Service, sent to the
 * canary Service) with {@code nginx.ingress.kubernetes.io/canary: "true"} and {@code canary-weight}, updates it with
 * read-modify-writes, and deletes it to put all traffic back on stable in one write. The stable Ingress is only read.
 * A header route is {@code canary-by-header} (with {@code -value} or {@code -pattern}): one header, as ingress-nginx
 * allows.
 */
public final class NginxCanaryIngressRouter implements TrafficRouter {
    private static final String PATH = "traffic.nginx";
    private static final String NOTHING_WRITTEN = "already so; nothing written";

    private final KubernetesClient client;
    private final String namespace;
    private final NginxSpec spec;
    private final Workloads workloads;
    private final ReadModifyWrite rmw;
    private final KubeRef stableRef;
    private final KubeRef canaryRef;
    /**
     * The header route's annotations as this router last wrote them (a person's header route that a write kept
     * included); null until it writes, when the plan's steps say what they are.
     */
    private volatile Map<String, String> headerWritten;

    public NginxCanaryIngressRouter(KubernetesClient client, String namespace, NginxSpec spec, Workloads workloads) {
        this.client = client;
        this.namespace = namespace;
        this.spec = spec;
        this.workloads = workloads;
        this.rmw = new ReadModifyWrite(client);
        this.stableRef = KubeRef.ingress(namespace, spec.stableIngress());
        this.canaryRef = KubeRef.ingress(namespace, spec.canaryIngress());
    }

    @Override
    public String type() {
        return "nginx canary ingress";
    }

    @Override
    public String description() {
        return type() + " " + canaryRef + " from " + stableRef + " (" + spec.stableService() + "/"
                + spec.canaryService() + ")";
    }

    @Override
    public List<ValidationError> verify() {
        List<ValidationError> problems = new ArrayList<>();
        int known = problems.size();
        Ingress stable = KubeErrors.orProblem(() -> rmw.read(ingresses(), stableRef), PATH + ".stableIngress",
                problems);
        if (stable == null && problems.size() == known) {
            problems.add(new ValidationError(PATH + ".stableIngress", "ingress " + spec.stableIngress()
                    + " not found in namespace " + namespace + "; check the name (it is the Ingress that sends"
                    + " traffic to service " + spec.stableService() + ")"));
        }
        if (stable != null && CanaryIngresses.stablePaths(stable, spec.stableService()) == 0) {
            problems.add(new ValidationError(PATH + ".stableService", "ingress " + spec.stableIngress() + " has no"
                    + " path whose backend is service " + spec.stableService() + ", so there is nothing for the"
                    + " canary Ingress to split; name the Service its paths send to"));
        }
        Ingress canary = KubeErrors.orProblem(() -> rmw.read(ingresses(), canaryRef), PATH + ".stableIngress",
                problems);
        if (canary != null && !CanaryIngresses.isManaged(canary, spec.stableIngress())) {
            problems.add(new ValidationError(PATH + ".stableIngress", "ingress " + spec.canaryIngress() + " already"
                    + " exists and was not made by this engine (no label " + CanaryIngresses.CANARY_OF_LABEL
                    + "); the engine creates and deletes that name: rename or delete it"));
        }
        problems.addAll(SplitServices.verify(client, namespace, workloads, spec.stableService(),
                spec.canaryService(), PATH));
        return problems;
    }

    @Override
    public List<ValidationError> verifySteps(List<PlanStep> steps) {
        List<ValidationError> problems = new ArrayList<>();
        String headerRoute = null;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof PlanStep.SetHeaderRoute h) {
                String path = "steps[" + i + "].setHeaderRoute";
                if (h.match().size() > 1) {
                    problems.add(new ValidationError(path + ".match", "ingress-nginx routes by one header"
                            + " (canary-by-header); give one match"));
                }
                if (headerRoute != null && !headerRoute.equals(h.name())) {
                    problems.add(new ValidationError(path + ".name", "ingress-nginx has one header route per canary"
                            + " Ingress, already named '" + headerRoute + "'; reuse that name to change it"));
                }
                headerRoute = h.name();
                if (spec.additionalIngressAnnotations().keySet().stream().anyMatch(k -> k.endsWith("canary-by-header")
                        || k.contains("canary-by-header-"))) {
                    problems.add(new ValidationError(path, "traffic.nginx.additionalIngressAnnotations already sets"
                            + " canary-by-header for the whole rollout; use one or the other"));
                }
            } else if (steps.get(i) instanceof PlanStep.SetMirrorRoute) {
                problems.add(new ValidationError("steps[" + i + "].setMirrorRoute", "is not supported by the "
                        + type() + " router; use traffic.istio or traffic.gatewayAPI"));
            }
        }
        return problems;
    }

    @Override
    public int currentWeight() {
        return CanaryIngresses.weight(rmw.read(ingresses(), canaryRef));
    }

    @Override
    public ClusterChange setWeight(int canaryWeight) {
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("weight " + canaryWeight + " is not in 0..100");
        }
        return write(current -> CanaryIngresses.desired(stable(), spec, current, canaryWeight), AuditAction.WEIGHT,
                "canary-weight " + canaryWeight);
    }

    @Override
    public ClusterChange setHeaderRoute(PlanStep.SetHeaderRoute step) {
        String what = step.removes() ? "no header route" : "header route " + step.name();
        return write(current -> CanaryIngresses.withHeaderRoute(CanaryIngresses.desired(stable(), spec, current,
                CanaryIngresses.weight(current)), step), AuditAction.ROUTE, what);
    }

    /** Deleting the canary Ingress sends everything to the stable one, header routes included: one write. */
    @Override
    public ClusterChange restoreStable() {
        Ingress canary = rmw.read(ingresses(), canaryRef);
        if (canary == null) {
            headerWritten = Map.of();
            return new ClusterChange(AuditAction.WEIGHT, canaryRef.toString(), "absent", "absent", 0,
                    NOTHING_WRITTEN);
        }
        try {
            ingresses().withName(spec.canaryIngress()).delete();
        } catch (KubernetesClientException e) {
            throw KubeErrors.toClusterException(e, "delete", canaryRef);
        }
        headerWritten = Map.of();
        return new ClusterChange(AuditAction.WEIGHT, canaryRef.toString(), describe(canary),
                "deleted: all traffic on " + stableRef, 0, null);
    }

    @Override
    public io.fabric8.kubernetes.client.dsl.Resource<Ingress> watchedRoute() {
        return ingresses().withName(spec.canaryIngress());
    }

    /**
     * Compares the canary Ingress's {@code canary} and {@code canary-weight} annotations with {@code canaryWeight}, the
     * plan's additional annotations with the plan, and the header route's annotations with what this router last
     * wrote or, before it writes (after a restart), with what the additional annotations and {@code routeSteps} make
     * them. The stable Ingress and the canary Ingress's other fields are not compared: the stable one is only read,
     * and the canary one is made again from it at each write.
     */
    @Override
    public List<String> drift(int canaryWeight, List<PlanStep> routeSteps) {
        Ingress canary = rmw.read(ingresses(), canaryRef);
        Map<String, String> headerExpected = headerWritten != null ? headerWritten
                : CanaryIngresses.plannedHeaderAnnotations(spec, routeSteps);
        if (canary == null) {
            boolean headerRoute = !headerExpected.equals(CanaryIngresses.plannedHeaderAnnotations(spec, List.of()));
            if (canaryWeight == 0 && !headerRoute) {
                return List.of(); // absent is all traffic on stable, as the engine left it
            }
            return List.of(canaryRef + " is gone, the engine set canary-weight " + canaryWeight
                    + (headerRoute ? " and a header route" : "") + "; deleted by someone else (the API server keeps"
                    + " no record of who)");
        }
        Map<String, String> annotations = canary.getMetadata().getAnnotations() == null
                ? Map.of() : canary.getMetadata().getAnnotations();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(CanaryIngresses.CANARY, "true");
        expected.put(CanaryIngresses.WEIGHT, Integer.toString(canaryWeight));
        expected.putAll(CanaryIngresses.additionalAnnotations(spec));
        List<String> changed = new ArrayList<>();
        expected.forEach((key, value) -> {
            String found = annotations.get(key);
            if (!value.equals(found == null ? null : found.trim())) {
                changed.add(key + " is now " + (found == null ? "absent" : '"' + found + '"') + ", the engine set \""
                        + value + '"');
            }
        });
        Map<String, String> headerNow = CanaryIngresses.headerAnnotations(canary);
        if (!headerNow.equals(headerExpected)) {
            changed.add("the header route is now " + describeHeader(headerNow) + ", the engine set "
                    + describeHeader(headerExpected));
        }
        if (changed.isEmpty()) {
            return List.of();
        }
        return List.of(canaryRef + ": " + String.join("; ", changed) + "; changed "
                + io.jenkins.plugins.progressivedelivery.engine.kube.FieldManagers.lastWriter(canary));
    }

    private static String describeHeader(Map<String, String> annotations) {
        if (annotations.isEmpty()) {
            return "none";
        }
        return annotations.entrySet().stream().map(e -> e.getKey().substring(CanaryIngresses.PREFIX.length())
                + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }

    /** Creates the canary Ingress, or updates it with a read-modify-write; one write either way. */
    private ClusterChange write(UnaryOperator<Ingress> change, AuditAction action, String what) {
        Ingress existing = rmw.read(ingresses(), canaryRef);
        if (existing == null) {
            Ingress created;
            try {
                created = ingresses().resource(change.apply(null)).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw KubeErrors.toClusterException(e, "create", canaryRef);
                }
                return write(change, action, what); // created meanwhile: update it instead
            }
            headerWritten = CanaryIngresses.headerAnnotations(created);
            return new ClusterChange(action, canaryRef.toString(), "absent", describe(created), 0, null);
        }
        if (!CanaryIngresses.isManaged(existing, spec.stableIngress())) {
            throw new ClusterException("cannot update " + canaryRef + ": it was not made by this engine (no label "
                    + CanaryIngresses.CANARY_OF_LABEL + ")", false, null);
        }
        ReadModifyWrite.Result<Ingress> result = rmw.update(ingresses(), canaryRef, change);
        headerWritten = CanaryIngresses.headerAnnotations(result.after());
        return new ClusterChange(action, canaryRef.toString(), describe(result.before()), describe(result.after()),
                result.conflicts(), result.written() ? null : NOTHING_WRITTEN);
    }

    private Ingress stable() {
        return rmw.require(ingresses(), stableRef);
    }

    private static String describe(Ingress canary) {
        String header = CanaryIngresses.headerRoute(canary);
        return "canary-weight " + CanaryIngresses.weight(canary) + (header == null ? "" : ", " + header);
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Ingress,
            io.fabric8.kubernetes.api.model.networking.v1.IngressList,
            io.fabric8.kubernetes.client.dsl.Resource<Ingress>> ingresses() {
        return client.network().v1().ingresses().inNamespace(namespace);
    }
}
