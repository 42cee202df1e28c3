package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeErrors;
import io.jenkins.plugins.progressivedelivery.engine.kube.ReadModifyWrite;
import io.jenkins.plugins.progressivedelivery.engine.kube.SplitServices;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import io.jenkins.plugins.progressivedelivery.engine.plan.GatewayApiSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.traffic.ManagedRouteDrift;
import io.jenkins.plugins.progressivedelivery.engine.traffic.TrafficRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi.RouteRulesEditor.WeightedRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Splits traffic with the weights of the two backendRefs (stable and canary Service) of one rule of a Gateway API
 * HTTPRoute or GRPCRoute, as Argo Rollouts' Gateway API plugin does. Each change reads the route, computes the new
 * object and PUTs it whole with the resourceVersion it read: one write, re-read and recomputed on a 409. Header and
 * mirror routes are managed rules added before the weighted one and removed, with the weights set to 0, in the one
 * write of a rollback or of the end of a promotion.
 */
public final class GatewayApiRouter implements TrafficRouter {
    private static final String NOTHING_WRITTEN = "already so; nothing written";

    private final KubernetesClient client;
    private final String namespace;
    private final GatewayApiSpec spec;
    private final Workloads workloads;
    private final Typed<?> route;

    public GatewayApiRouter(KubernetesClient client, String namespace, GatewayApiSpec spec, Workloads workloads) {
        this.client = client;
        this.namespace = namespace;
        this.spec = spec;
        this.workloads = workloads;
        this.route = spec.grpcRoute() != null
                ? new Typed<>(new GatewayRoute<>(client, namespace, spec, RouteKind.GRPC))
                : new Typed<>(new GatewayRoute<>(client, namespace, spec, RouteKind.HTTP));
    }

    @Override
    public String type() {
        return "gateway api " + (spec.grpcRoute() != null ? "grpcroute" : "httproute");
    }

    @Override
    public String description() {
        return type() + " " + route.route.describe();
    }

    @Override
    public List<ValidationError> verify() {
        List<ValidationError> problems = new ArrayList<>();
        HasMetadata object = route.route.read(problems);
        if (object != null) {
            try {
                route.route.editor.locate(object);
            } catch (RuleProblem e) {
                problems.add(e.error());
            }
        }
        problems.addAll(SplitServices.verify(client, namespace, workloads, spec.stableService(),
                spec.canaryService(), RouteRulesEditor.PATH));
        return problems;
    }

    @Override
    public List<ValidationError> verifySteps(List<PlanStep> steps) {
        List<ValidationError> problems = new ArrayList<>();
        List<ValidationError> unreadable = new ArrayList<>();
        HasMetadata object = KubeErrors.orProblem(() -> route.route.read(unreadable), RouteRulesEditor.PATH,
                unreadable);
        List<String> foreign = object == null ? List.of() : route.route.editor.foreignRuleNames(object);
        for (int i = 0; i < steps.size(); i++) {
            String name = null;
            String path = "steps[" + i + "]";
            if (steps.get(i) instanceof PlanStep.SetHeaderRoute h) {
                name = h.name();
                path += ".setHeaderRoute";
            } else if (steps.get(i) instanceof PlanStep.SetMirrorRoute m) {
                name = m.name();
                path += ".setMirrorRoute";
                for (int j = 0; j < m.match().size(); j++) {
                    String unsupported = route.route.kind.model.unsupported(m.match().get(j));
                    if (unsupported != null) {
                        problems.add(new ValidationError(path + ".match[" + j + "]", unsupported));
                    }
                }
            }
            if (name != null && foreign.contains(name)) {
                problems.add(new ValidationError(path + ".name", route.route.ref + " already has a rule named '"
                        + name + "' that the engine does not manage; give the step another name"));
            }
        }
        return problems;
    }

    @Override
    public int currentWeight() {
        return route.route.weighted().canaryPercent();
    }

    @Override
    public ClusterChange setWeight(int canaryWeight) {
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("weight " + canaryWeight + " is not in 0..100");
        }
        GatewayRoute<?> r = route.route;
        ReadModifyWrite.Result<HasMetadata> result = r.update(current -> r.editor.withWeights(current, canaryWeight));
        return weightChange(result, null);
    }

    @Override
    public ClusterChange restoreStable() {
        GatewayRoute<?> r = route.route;
        ReadModifyWrite.Result<HasMetadata> result = r.update(r.editor::restored);
        List<String> removed = RouteRulesEditor.managedNames(result.before());
        return weightChange(result, removed.isEmpty() ? null : "managed rules removed: " + String.join(", ", removed));
    }

    @Override
    public ClusterChange setHeaderRoute(PlanStep.SetHeaderRoute step) {
        return route.header(step);
    }

    @Override
    public ClusterChange setMirrorRoute(PlanStep.SetMirrorRoute step) {
        return route.mirror(step);
    }

    private ClusterChange weightChange(ReadModifyWrite.Result<HasMetadata> result, String note) {
        route.remember(result.after());
        WeightedRule before = route.route.locate(result.before());
        WeightedRule after = route.route.locate(result.after());
        return new ClusterChange(AuditAction.WEIGHT, route.route.ref + " rule " + before.label(), before.weights(),
                after.weights(), result.conflicts(), result.written() ? note : NOTHING_WRITTEN);
    }

    @Override
    public io.fabric8.kubernetes.client.dsl.Resource<HasMetadata> watchedRoute() {
        return route.route.resource();
    }

    /**
     * Compares the weighted rule's stable and canary weights with {@code canaryWeight}, and the managed (header,
     * mirror) rules with what this router last wrote or, when it has not written yet (a router made after a restart),
     * with what {@code routeSteps} decide in them ({@link RouteRulesEditor#stepParts}); once those agree, what the
     * route has is what later reads are compared with. Other rules, and the weighted rule's matches and filters, are
     * not the engine's: a change there is not drift (every write carries it through).
     */
    @Override
    public List<String> drift(int canaryWeight, List<PlanStep> routeSteps) {
        GatewayRoute<?> r = route.route;
        HasMetadata current = r.current();
        String expected = "stable " + (100 - canaryWeight) + ", canary " + canaryWeight;
        if (current == null) {
            return List.of(r.ref + " is gone, the engine set " + expected + "; deleted by someone else (the API"
                    + " server keeps no record of who)");
        }
        String who = "; changed " + io.jenkins.plugins.progressivedelivery.engine.kube.FieldManagers.lastWriter(
                current);
        List<String> changes = new ArrayList<>();
        Map<String, String> planned;
        try {
            WeightedRule weighted = r.editor.locate(current);
            if (weighted.stableWeight() != 100 - canaryWeight || weighted.canaryWeight() != canaryWeight) {
                changes.add(r.ref + " rule " + weighted.label() + " is now " + weighted.weights()
                        + ", the engine set " + expected + who);
            }
            planned = route.written != null ? null : r.editor.plannedRules(current, routeSteps, canaryWeight);
        } catch (RuleProblem e) {
            return List.of(r.ref + " is no longer as the engine left it (" + expected + "): "
                    + e.error().message() + who);
        }
        List<String> managed = planned == null
                ? ManagedRouteDrift.changes("managed rule", route.written, r.editor.managedRules(current))
                : ManagedRouteDrift.changes("managed rule", planned, r.editor.managedRulesAsPlanned(current,
                        routeSteps));
        managed.forEach(change -> changes.add(r.ref + " " + change + who));
        if (planned != null && managed.isEmpty()) {
            route.remember(current);
        }
        return changes;
    }

    /** Keeps the rule type of the route together with the code that builds its managed rules. */
    private static final class Typed<RULE> {
        private final GatewayRoute<RULE> route;
        /**
         * The managed rules as this router last wrote them (JSON by name); null until it writes or, after a restart,
         * until a read finds them as the plan's steps made them.
         */
        private volatile Map<String, String> written;

        Typed(GatewayRoute<RULE> route) {
            this.route = route;
        }

        void remember(HasMetadata after) {
            written = after == null ? null : route.editor.managedRules(after);
        }

        ClusterChange header(PlanStep.SetHeaderRoute step) {
            RouteRulesEditor.ManagedRuleFactory<RULE> make = step.removes() ? null
                    : (weighted, canary) -> route.kind.model.headerRule(weighted, step.name(), canary, step.match());
            String after = step.removes() ? "absent" : step.match().stream()
                    .map(m -> m.headerName() + " " + m.headerValue()).collect(Collectors.joining(" and "))
                    + " -> canary 100%";
            return managed(step.name(), make, after);
        }

        ClusterChange mirror(PlanStep.SetMirrorRoute step) {
            RouteRulesEditor.ManagedRuleFactory<RULE> make = step.removes() ? null
                    : (weighted, canary) -> route.kind.model.mirrorRule(weighted, step.name(), canary,
                            step.effectivePercentage(), step.match());
            String after = step.removes() ? "absent" : "mirror " + step.effectivePercentage() + "% of "
                    + (step.match().isEmpty() ? "the rule's requests" : step.match().size() + " match(es)")
                    + " to canary";
            return managed(step.name(), make, after);
        }

        private ClusterChange managed(String name, RouteRulesEditor.ManagedRuleFactory<RULE> make, String after) {
            ReadModifyWrite.Result<HasMetadata> result = route.update(current ->
                    route.editor.withManagedRule(current, name, make));
            remember(result.after());
            boolean existed = RouteRulesEditor.managedNames(result.before()).contains(name);
            return new ClusterChange(AuditAction.ROUTE, route.ref + " rule " + name, existed ? "present" : "absent",
                    after, result.conflicts(), result.written() ? null : NOTHING_WRITTEN);
        }
    }
}
