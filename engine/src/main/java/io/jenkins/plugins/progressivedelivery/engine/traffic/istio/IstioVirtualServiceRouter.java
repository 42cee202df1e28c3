package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.CanaryDeployments;
import io.jenkins.plugins.progressivedelivery.engine.kube.CanaryPods;
import io.jenkins.plugins.progressivedelivery.engine.kube.FieldManagers;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeRef;
import io.jenkins.plugins.progressivedelivery.engine.kube.Labels;
import io.jenkins.plugins.progressivedelivery.engine.kube.ReadModifyWrite;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.traffic.TrafficRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.ManagedRoute;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Splits traffic with the weights of one HTTP route of an Istio VirtualService, by host (the stable and canary
 * Services) or by subset (two subsets of one host, whose DestinationRule label selectors the engine keeps pointing at
 * the stable and canary pods). Each weight change reads the VirtualService, sets the two weights of the managed route
 * and PUTs the object back whole with the resourceVersion it read: one write, re-read and recomputed on a conflict.
 */
public final class IstioVirtualServiceRouter implements TrafficRouter {
    private static final String NOTHING_WRITTEN = "already so; nothing written";
    private static final String ISTIO = IstioObjects.ISTIO;

    private final IstioObjects istio;
    private final String namespace;
    private final IstioSpec spec;
    private final Workloads workloads;
    private final VirtualServiceRoutes.Split split;
    private final KubeRef virtualServiceRef;
    private final KubeRef destinationRuleRef;
    /** The VirtualService as this router last read or wrote it: the rollback PUTs from it without reading again. */
    private volatile GenericKubernetesResource lastRead;
    /**
     * The managed (header, mirror) routes as this router last wrote them; null until it writes or, after a restart,
     * until a read finds them as the plan's steps made them.
     */
    private volatile IstioManagedRoutes.Seen written;
    /** The route {@link #verify()} read, for the {@link #currentWeight()} that follows it; taken once. */
    private volatile GenericKubernetesResource readByVerify;

    public IstioVirtualServiceRouter(KubernetesClient client, String namespace, IstioSpec spec, Workloads workloads) {
        this(client, namespace, spec, workloads, null);
    }

    /**
     * @param baselineService the Service of the plan's baseline, a third destination of the managed route while it
     *                        runs (given the canary's weight); null without a baseline
     */
    public IstioVirtualServiceRouter(KubernetesClient client, String namespace, IstioSpec spec, Workloads workloads,
                                     String baselineService) {
        this.istio = new IstioObjects(client, namespace);
        this.namespace = namespace;
        this.spec = spec;
        this.workloads = workloads;
        this.split = new VirtualServiceRoutes.Split(spec, namespace, baselineService);
        this.virtualServiceRef = KubeRef.virtualService(namespace, spec.virtualService());
        this.destinationRuleRef = spec.isSubsetSplit() ? KubeRef.destinationRule(namespace, spec.destinationRule())
                : null;
    }

    @Override
    public String type() {
        return spec.isSubsetSplit() ? "istio subset split" : "istio host split";
    }

    @Override
    public String description() {
        return istio.describe(spec, virtualServiceRef, destinationRuleRef);
    }

    @Override
    public List<ValidationError> verify() {
        List<ValidationError> problems = new ArrayList<>(specProblems());
        if (!problems.isEmpty()) {
            return problems;
        }
        if (istio.discover(problems, "leave out traffic.istio to approximate weights with replica counts") == null) {
            return problems;
        }
        GenericKubernetesResource virtualService = istio.virtualService(virtualServiceRef, problems,
                "an HTTP route to the stable and canary destinations");
        if (virtualService != null) {
            lastRead = virtualService;
        }
        readByVerify = virtualService;
        ManagedRoute route = null;
        if (virtualService != null) {
            try {
                route = VirtualServiceRoutes.locate(virtualService, spec.route(), split);
            } catch (RouteProblem e) {
                problems.add(e.error());
            }
        }
        CanaryPods pods = stablePods();
        if (spec.isSubsetSplit()) {
            problems.addAll(verifySubsets(route, pods));
        } else {
            problems.addAll(verifyServices(pods));
        }
        return problems;
    }

    /** The pods to check selectors against; null when the stable Deployment cannot be read (reported elsewhere). */
    private CanaryPods stablePods() {
        try {
            return workloads.findStable().map(stable -> CanaryDeployments.pods(stable, workloads.target()))
                    .orElse(null);
        } catch (ClusterException e) {
            if (e.isTransient()) {
                throw e;
            }
            return null;
        }
    }

    private List<ValidationError> specProblems() {
        List<ValidationError> problems = new ArrayList<>();
        requireName(spec.virtualService(), ISTIO + ".virtualService", "the VirtualService", problems);
        if (spec.isSubsetSplit()) {
            requireName(spec.destinationRule(), ISTIO + ".destinationRule", "the DestinationRule", problems);
            requireSubset(spec.stableSubset(), ISTIO + ".stableSubset", "stable", problems);
            requireSubset(spec.canarySubset(), ISTIO + ".canarySubset", "canary", problems);
            if (spec.stableSubset() != null && spec.stableSubset().equals(spec.canarySubset())) {
                problems.add(new ValidationError(ISTIO + ".canarySubset", "is the same as stableSubset; name two"
                        + " different subsets"));
            }
        } else {
            requireName(spec.stableService(), ISTIO + ".stableService", "the stable Service", problems);
            requireName(spec.canaryService(), ISTIO + ".canaryService", "the canary Service", problems);
            if (spec.stableService() != null && spec.stableService().equals(spec.canaryService())) {
                problems.add(new ValidationError(ISTIO + ".canaryService", "is the same as stableService; a host"
                        + " split needs two Services (or use destinationRule with subsets of one)"));
            }
        }
        return problems;
    }

    private static void requireSubset(String value, String path, String side, List<ValidationError> problems) {
        if (value == null || value.isBlank()) {
            problems.add(new ValidationError(path, "is missing; give the name of the DestinationRule subset of the "
                    + side + " pods"));
        }
    }

    private static void requireName(String value, String path, String what, List<ValidationError> problems) {
        if (value == null || value.isBlank()) {
            problems.add(new ValidationError(path, "is missing; give the name of " + what));
        } else if (value.contains(".") || value.contains("/")) {
            problems.add(new ValidationError(path, "'" + value + "' is not an object name; give the name of "
                    + what + " in the target namespace, not a host or path"));
        }
    }

    private List<ValidationError> verifyServices(CanaryPods pods) {
        List<ValidationError> problems = new ArrayList<>();
        Service stable = service(spec.stableService(), ISTIO + ".stableService", "stable", problems);
        if (stable != null && pods != null) {
            Map<String, String> selector = stable.getSpec().getSelector();
            if (!Labels.serviceSelects(selector, pods.stablePodLabels())) {
                problems.add(new ValidationError(ISTIO + ".stableService", "service " + spec.stableService()
                        + " selects " + Labels.format(selector) + ", which does not match the stable pods "
                        + Labels.format(pods.stablePodLabels()) + "; point its selector at them"));
            } else if (Labels.serviceSelects(selector, pods.canaryPodLabels())) {
                problems.add(new ValidationError(ISTIO + ".stableService", "service " + spec.stableService()
                        + " selects " + Labels.format(selector) + ", which also matches the canary pods "
                        + Labels.format(pods.canaryPodLabels()) + ", so the stable share of traffic would reach"
                        + " the canary too; select on a label the canary labels override (e.g. track: stable on"
                        + " the stable pods and in this selector)"));
            }
        }
        Service canary = service(spec.canaryService(), ISTIO + ".canaryService", "canary", problems);
        if (canary != null && pods != null) {
            Map<String, String> selector = canary.getSpec().getSelector();
            if (!Labels.serviceSelects(selector, pods.canaryPodLabels())) {
                problems.add(new ValidationError(ISTIO + ".canaryService", "service " + spec.canaryService()
                        + " selects " + Labels.format(selector) + ", which does not match the canary pods "
                        + Labels.format(pods.canaryPodLabels()) + "; select them, e.g. with the canary labels "
                        + Labels.format(workloads.target().canaryLabels()) + " and the app label"));
            } else if (Labels.serviceSelects(selector, pods.stablePodLabels())) {
                problems.add(new ValidationError(ISTIO + ".canaryService", "service " + spec.canaryService()
                        + " selects " + Labels.format(selector) + ", which also matches the stable pods "
                        + Labels.format(pods.stablePodLabels()) + "; add the canary labels "
                        + Labels.format(workloads.target().canaryLabels()) + " to its selector"));
            }
        }
        return problems;
    }

    private Service service(String name, String path, String side, List<ValidationError> problems) {
        return istio.service(name, path, "selecting the " + side + " pods", problems);
    }

    private List<ValidationError> verifySubsets(ManagedRoute route, CanaryPods pods) {
        List<ValidationError> problems = new ArrayList<>();
        GenericKubernetesResource rule = istio.destinationRule(destinationRuleRef, problems, "for the route's host"
                + " with subsets " + spec.stableSubset() + " and " + spec.canarySubset());
        if (rule == null) {
            return problems;
        }
        List<String> subsets = DestinationRuleSubsets.subsetNames(rule);
        missingSubset(subsets, spec.stableSubset(), "stableSubset").ifPresent(problems::add);
        missingSubset(subsets, spec.canarySubset(), "canarySubset").ifPresent(problems::add);
        if (split.hasBaseline() && !subsets.contains(BaselineDestination.SUBSET)) {
            problems.add(new ValidationError("baseline", "destinationrule " + spec.destinationRule() + " has no"
                    + " subset " + BaselineDestination.SUBSET + " (its subsets: " + String.join(", ", subsets)
                    + "); with a subset split the baseline's share goes to it: add '- name: "
                    + BaselineDestination.SUBSET + "' to spec.subsets (the engine points its labels at the"
                    + " baseline's pods while one runs), or remove baseline"));
        }
        Optional<ServiceHost> ruleHost = ServiceHost.parse(DestinationRuleSubsets.host(rule), namespace);
        if (route != null) {
            Optional<ServiceHost> routeHost = ServiceHost.parse(route.stableHost(), namespace);
            if (!ruleHost.equals(routeHost)) {
                problems.add(new ValidationError(ISTIO + ".destinationRule", "destinationrule "
                        + spec.destinationRule() + " is for host " + DestinationRuleSubsets.host(rule) + " but route "
                        + route.label() + " sends to host " + route.stableHost() + "; the subsets must be of the"
                        + " route's host"));
            }
        }
        if (pods != null) {
            Map<String, String> stableSubsetLabels = orEmpty(pods.stableSelector().getMatchLabels());
            if (Labels.subsetSelects(stableSubsetLabels, pods.canaryPodLabels())) {
                problems.add(new ValidationError(ISTIO + ".stableSubset", "subset " + spec.stableSubset() + " will"
                        + " select the stable Deployment's match labels " + Labels.format(stableSubsetLabels)
                        + ", which also match the canary pods " + Labels.format(pods.canaryPodLabels()) + "; the"
                        + " stable Deployment's selector needs a match label the canary labels override"));
            }
            ruleHost.filter(host -> host.namespace().equals(namespace))
                    .ifPresent(host -> problems.addAll(verifyHostService(host.name(), pods)));
        }
        return problems;
    }

    private Optional<ValidationError> missingSubset(List<String> subsets, String subset, String field) {
        if (subsets.contains(subset)) {
            return Optional.empty();
        }
        return Optional.of(new ValidationError(ISTIO + "." + field, "destinationrule " + spec.destinationRule()
                + " has no subset " + subset + " (its subsets: " + String.join(", ", subsets) + "); add '- name: "
                + subset + "' to spec.subsets, the engine maintains its labels"));
    }

    private List<ValidationError> verifyHostService(String name, CanaryPods pods) {
        List<ValidationError> problems = new ArrayList<>();
        Service service = service(name, ISTIO + ".destinationRule", "stable and canary", problems);
        if (service == null) {
            return problems;
        }
        Map<String, String> selector = service.getSpec().getSelector();
        hostServiceProblem(name, selector, pods.stablePodLabels(), "stable", "stableSubset", spec.stableSubset())
                .ifPresent(problems::add);
        hostServiceProblem(name, selector, pods.canaryPodLabels(), "canary", "canarySubset", spec.canarySubset())
                .ifPresent(problems::add);
        return problems;
    }

    private static Optional<ValidationError> hostServiceProblem(String service, Map<String, String> selector,
                                                                Map<String, String> pods, String side, String field,
                                                                String subset) {
        if (Labels.serviceSelects(selector, pods)) {
            return Optional.empty();
        }
        return Optional.of(new ValidationError(ISTIO + "." + field, "service " + service + " (the route's host)"
                + " selects " + Labels.format(selector) + ", which does not match the " + side + " pods "
                + Labels.format(pods) + ", so subset " + subset + " would have no endpoints; select on labels both"
                + " share (e.g. app)"));
    }

    /**
     * The weight as the route has it. Right after {@link #verify()} (the preflight asks for both at once) that is the
     * route verify read; otherwise it is read now.
     */
    @Override
    public int currentWeight() {
        GenericKubernetesResource verified = readByVerify;
        readByVerify = null;
        GenericKubernetesResource current = verified != null ? verified : istio.readVirtualService(virtualServiceRef);
        lastRead = current;
        return locate(current).canaryWeight();
    }

    /** The {@code networking.istio.io} version discovered, or null before any call discovered it. */
    public String knownIstioVersion() {
        return istio.knownVersion();
    }

    /** Adds the baseline Service as a destination of the managed route, at weight 0 (the next weight sets it). */
    public ClusterChange addBaseline(String baselineService) {
        return rewriteRoute(current -> BaselineDestination.withBaseline(current, locate(current), baselineService),
                "baseline destination " + baselineService + " added at weight 0");
    }

    /**
     * With a subset split: points subset {@value BaselineDestination#SUBSET} of the DestinationRule at the baseline's
     * pods ({@code labels}, the baseline Deployment's selector), then adds it as a destination of the managed route at
     * weight 0 (the next weight sets it). The subset is the user's (checked in preflight): only its labels change.
     */
    public List<ClusterChange> addBaselineSubset(Map<String, String> labels) {
        Map<String, Map<String, String>> labelsBySubset = Map.of(BaselineDestination.SUBSET, labels);
        ReadModifyWrite.Result<GenericKubernetesResource> rule;
        try {
            rule = istio.rmw().update(istio.destinationRules(), destinationRuleRef,
                    current -> DestinationRuleSubsets.withLabels(current, labelsBySubset));
        } catch (RouteProblem e) {
            throw e.toClusterException("update " + destinationRuleRef);
        }
        ClusterChange subset = new ClusterChange(AuditAction.ROUTE, destinationRuleRef + " subset "
                + BaselineDestination.SUBSET,
                Labels.format(DestinationRuleSubsets.labels(rule.before(), BaselineDestination.SUBSET)),
                Labels.format(DestinationRuleSubsets.labels(rule.after(), BaselineDestination.SUBSET)),
                rule.conflicts(), rule.written() ? "selects the baseline's pods" : NOTHING_WRITTEN);
        ClusterChange route = rewriteRoute(current -> BaselineDestination.withBaselineSubset(current,
                locate(current)), "baseline destination subset " + BaselineDestination.SUBSET + " added at weight 0");
        return List.of(subset, route);
    }

    /** Removes the baseline's destination from the managed route, its weight (0 after a rollback) going to stable. */
    public ClusterChange removeBaseline() {
        return rewriteRoute(current -> BaselineDestination.withoutBaseline(current, locate(current)),
                "baseline destination removed");
    }

    private ClusterChange rewriteRoute(java.util.function.UnaryOperator<GenericKubernetesResource> change,
                                       String note) {
        // from the route as last read or written, as every write of this router: the next write does not 409 on it
        ReadModifyWrite.Result<GenericKubernetesResource> result = istio.rmw().update(istio.virtualServices(),
                virtualServiceRef, change::apply, lastRead);
        remember(result.after());
        ManagedRoute before = locate(result.before());
        ManagedRoute after = locate(result.after());
        return new ClusterChange(AuditAction.ROUTE, virtualServiceRef + " route " + before.label(),
                before.weights(), after.weights(), result.conflicts(), result.written() ? note : NOTHING_WRITTEN);
    }

    @Override
    public ClusterChange setWeight(int canaryWeight) {
        ReadModifyWrite.Result<GenericKubernetesResource> result = istio.setWeights(virtualServiceRef, spec.route(),
                split, canaryWeight, lastRead);
        remember(result.after());
        ManagedRoute before = locate(result.before());
        ManagedRoute after = locate(result.after());
        return new ClusterChange(AuditAction.WEIGHT, virtualServiceRef + " route " + before.label(),
                before.weights(), after.weights(), result.conflicts(), result.written() ? null : NOTHING_WRITTEN);
    }

    /**
     * The rollback (and the promotion's last traffic change): the stable destination at 100, every other at 0 and
     * every managed route removed, in one PUT of the VirtualService as this router last read it, on whatever shape
     * the route now has as long as it still names stable.
     */
    @Override
    public ClusterChange restoreStable() {
        ReadModifyWrite.Result<GenericKubernetesResource> result = istio.rollBack(virtualServiceRef, spec.route(),
                split, lastRead);
        remember(result.after());
        VirtualServiceRoutes.RollbackRoute before = IstioObjects.locateForRollback(result.before(), spec.route(),
                split, virtualServiceRef);
        VirtualServiceRoutes.RollbackRoute after = IstioObjects.locateForRollback(result.after(), spec.route(),
                split, virtualServiceRef);
        String note = result.written() ? null : NOTHING_WRITTEN;
        List<String> removed = IstioManagedRoutes.names(result.before());
        if (result.written() && !removed.isEmpty()) {
            note = "managed routes removed: " + String.join(", ", removed);
        }
        if (!after.foreign().isEmpty()) {
            note = (note == null ? "" : note + "; ") + "the route also has " + String.join(", ", after.foreign())
                    + ", which the engine did not add: kept, at weight 0";
        }
        return new ClusterChange(AuditAction.WEIGHT, virtualServiceRef + " route " + before.label(),
                before.weights(), after.weights(), result.conflicts(), note);
    }

    @Override
    public String rollbackCommand() {
        GenericKubernetesResource known = lastRead;
        if (known == null) {
            return null;
        }
        VirtualServiceRoutes.RollbackRoute route;
        try {
            route = VirtualServiceRoutes.locateForRollback(known, spec.route(), split);
        } catch (RouteProblem e) {
            return null;
        }
        String base = "/spec/http/" + route.index() + "/route/";
        StringBuilder ops = new StringBuilder("[");
        String test = spec.isSubsetSplit() ? "destination/subset\",\"value\":\"" + spec.stableSubset()
                : "destination/host\",\"value\":\"" + route.stableHost();
        ops.append("{\"op\":\"test\",\"path\":\"").append(base).append(route.stableIndex()).append('/')
                .append(test).append("\"}");
        for (int i = 0; i < route.destinations(); i++) {
            ops.append(",{\"op\":\"add\",\"path\":\"").append(base).append(i).append("/weight\",\"value\":")
                    .append(i == route.stableIndex() ? 100 : 0).append('}');
        }
        ops.append(']');
        return "kubectl -n " + namespace + " patch virtualservices." + IstioApi.GROUP + " " + spec.virtualService()
                + " --type=json -p='" + ops + "'";
    }

    @Override
    public io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> watchedRoute() {
        return istio.virtualServices().withName(spec.virtualService());
    }

    /**
     * Compares the managed route's weights with {@code canaryWeight}, and the managed (header, mirror) routes with what
     * this router last wrote or, when it has not written yet (a router made after a restart), with what
     * {@code routeSteps} decide in them ({@link IstioManagedRoutes#stepParts}): a managed route edited, removed, moved
     * after the weighted route (which then takes its requests) or taken out of the annotation is drift. Once they
     * agree, what the VirtualService has is what later reads are compared with. Other routes, and the weighted route's
     * other fields, are not the engine's: a change there is not drift (every write carries it through). One read.
     */
    @Override
    public List<String> drift(int canaryWeight, List<PlanStep> routeSteps) {
        GenericKubernetesResource current = istio.rmw().read(istio.virtualServices(), virtualServiceRef);
        lastRead = current;
        String expected = "stable " + (100 - canaryWeight) + ", canary " + canaryWeight;
        if (current == null) {
            return List.of(virtualServiceRef + " is gone, the engine set " + expected + "; deleted by someone else"
                    + " (the API server keeps no record of who)");
        }
        String who = "; changed " + FieldManagers.lastWriter(current);
        ManagedRoute route;
        try {
            route = VirtualServiceRoutes.locate(current, spec.route(), split);
        } catch (RouteProblem e) {
            String found;
            try {
                found = VirtualServiceRoutes.locateForRollback(current, spec.route(), split).weights();
            } catch (RouteProblem gone) {
                found = gone.error().message();
            }
            return List.of(weightsLine(found, expected) + who);
        }
        List<String> changes = new ArrayList<>();
        // With the plan's baseline destination, the engine gave it the canary's weight out of the stable's.
        int baselineWeight = route.baselineIndex() < 0 ? 0 : BaselineDestination.weight(canaryWeight);
        if (route.baselineIndex() >= 0) {
            expected = "stable " + (100 - canaryWeight - baselineWeight) + ", canary " + canaryWeight
                    + ", baseline " + baselineWeight;
        }
        if (route.stableWeight() != 100 - canaryWeight - baselineWeight || route.canaryWeight() != canaryWeight
                || route.baselineWeight() != baselineWeight) {
            changes.add(weightsLine(route.weights(), expected) + who);
        }
        IstioManagedRoutes.Seen known = written;
        List<String> managed;
        if (known != null) {
            managed = IstioManagedRoutes.asWritten(current, route, known).changesSince(known);
        } else {
            managed = IstioManagedRoutes.asPlanned(current, route, routeSteps, split)
                    .changesSince(IstioManagedRoutes.planned(current, route, routeSteps, canaryWeight, split));
            if (managed.isEmpty()) {
                written = IstioManagedRoutes.written(current, route);
            }
        }
        managed.forEach(change -> changes.add(virtualServiceRef + " " + change + who));
        return changes;
    }

    private String weightsLine(String found, String expected) {
        return virtualServiceRef + " route " + (spec.route() == null ? "" : spec.route()) + " is now " + found
                + ", the engine set " + expected;
    }

    /** After a write: its managed routes are what later drift checks compare with. */
    private void remember(GenericKubernetesResource after) {
        lastRead = after;
        try {
            written = IstioManagedRoutes.written(after, VirtualServiceRoutes.locate(after, spec.route(), split));
        } catch (RouteProblem e) {
            written = null; // no longer the plan's shape: the next check says so, and compares with the plan's steps
        }
    }

    @Override
    public List<ClusterChange> pointAtWorkloads() {
        if (!spec.isSubsetSplit()) {
            return List.of();
        }
        Deployment stable = workloads.stable();
        Map<String, String> canaryLabels = workloads.findCanary()
                .map(canary -> canary.getSpec().getSelector().getMatchLabels())
                .orElseGet(() -> CanaryDeployments.canarySelector(stable, workloads.target()).getMatchLabels());
        Map<String, Map<String, String>> labelsBySubset = new LinkedHashMap<>();
        labelsBySubset.put(spec.stableSubset(), orEmpty(stable.getSpec().getSelector().getMatchLabels()));
        labelsBySubset.put(spec.canarySubset(), orEmpty(canaryLabels));
        ReadModifyWrite.Result<GenericKubernetesResource> result;
        try {
            result = istio.rmw().update(istio.destinationRules(), destinationRuleRef,
                    current -> DestinationRuleSubsets.withLabels(current, labelsBySubset));
        } catch (RouteProblem e) {
            throw e.toClusterException("update " + destinationRuleRef);
        }
        return List.of(new ClusterChange(AuditAction.ROUTE, destinationRuleRef + " subsets " + spec.stableSubset()
                + ", " + spec.canarySubset(),
                DestinationRuleSubsets.describe(result.before(), spec.stableSubset(), spec.canarySubset()),
                DestinationRuleSubsets.describe(result.after(), spec.stableSubset(), spec.canarySubset()),
                result.conflicts(), result.written() ? null : NOTHING_WRITTEN));
    }

    @Override
    public List<ValidationError> verifySteps(List<PlanStep> steps) {
        List<ValidationError> problems = new ArrayList<>();
        boolean routeSteps = steps.stream().anyMatch(s -> s instanceof PlanStep.SetHeaderRoute
                || s instanceof PlanStep.SetMirrorRoute);
        if (!routeSteps) {
            return problems;
        }
        if (spec.route() == null || spec.route().isBlank()) {
            problems.add(new ValidationError(ISTIO + ".route", "is required with setHeaderRoute or setMirrorRoute:"
                    + " they add HTTP routes to virtualservice " + spec.virtualService() + ", so it will not keep a"
                    + " single one; give the weighted route a name (spec.http[].name) and set it here"));
        }
        List<ValidationError> unreadable = new ArrayList<>();
        GenericKubernetesResource virtualService = istio.discover(unreadable, "") == null ? null
                : istio.virtualService(virtualServiceRef, unreadable, "");
        List<String> foreign = virtualService == null ? List.of() : IstioManagedRoutes.foreignNames(virtualService);
        for (int i = 0; i < steps.size(); i++) {
            String name = steps.get(i) instanceof PlanStep.SetHeaderRoute h ? h.name()
                    : steps.get(i) instanceof PlanStep.SetMirrorRoute m ? m.name() : null;
            if (name != null && foreign.contains(name)) {
                String kind = steps.get(i) instanceof PlanStep.SetHeaderRoute ? "setHeaderRoute" : "setMirrorRoute";
                problems.add(new ValidationError("steps[" + i + "]." + kind + ".name", virtualServiceRef
                        + " already has an HTTP route named '" + name + "' that the engine does not manage; give"
                        + " the step another name"));
            }
        }
        return problems;
    }

    @Override
    public ClusterChange setHeaderRoute(PlanStep.SetHeaderRoute step) {
        String after = step.removes() ? "absent" : step.match().stream()
                .map(m -> m.headerName() + " " + m.headerValue()).collect(Collectors.joining(" and "))
                + " -> canary 100%";
        return managedRoute(step.name(), after, (current, weighted) ->
                IstioManagedRoutes.withHeaderRoute(current, weighted, step));
    }

    @Override
    public ClusterChange setMirrorRoute(PlanStep.SetMirrorRoute step) {
        String after = step.removes() ? "absent" : "mirror " + step.effectivePercentage() + "% of "
                + (step.match().isEmpty() ? "the route's requests" : step.match().size() + " match(es)")
                + " to canary";
        return managedRoute(step.name(), after, (current, weighted) ->
                IstioManagedRoutes.withMirrorRoute(current, weighted, step));
    }

    private ClusterChange managedRoute(String name, String after,
            java.util.function.BiFunction<GenericKubernetesResource, ManagedRoute, GenericKubernetesResource> change) {
        ReadModifyWrite.Result<GenericKubernetesResource> result = istio.rmw().update(istio.virtualServices(),
                virtualServiceRef, current -> change.apply(current, locate(current)), lastRead);
        remember(result.after());
        boolean existed = IstioManagedRoutes.names(result.before()).contains(name);
        return new ClusterChange(AuditAction.ROUTE, virtualServiceRef + " route " + name,
                existed ? "present" : "absent", after, result.conflicts(), result.written() ? null : NOTHING_WRITTEN);
    }

    private ManagedRoute locate(GenericKubernetesResource virtualService) {
        return IstioObjects.locate(virtualService, spec.route(), split, virtualServiceRef);
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
