package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.GatewayApiSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.traffic.ManagedRouteDrift;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finding the weighted rule of a Gateway API route and its stable and canary backendRefs, setting their weights, and
 * adding and removing the engine's managed rules (header and mirror routes): pure functions over the object as the
 * API server returned it, so that every field the engine does not manage (other rules, matches, filters, timeouts,
 * parentRefs, hostnames, fields newer than this code) is carried through unchanged.
 *
 * <p>Managed rules are kept at the start of {@code spec.rules}, in the order their names are listed in the route's
 * {@link #MANAGED_RULES} annotation: found by position, they are found even where the CRD does not keep rule names
 * (Gateway API before 1.2). Gateway API gives a rule with more header matches precedence, and among equally specific
 * rules the first one, so a managed rule placed first always wins over the weighted rule it was made from.
 */
final class RouteRulesEditor<RULE> {
    /** On the route: the names of the managed rules at the start of {@code spec.rules}, comma-separated. */
    static final String MANAGED_RULES = "progressive-delivery.jenkins.io/managed-rules";
    static final String PATH = "traffic.gatewayAPI";

    private final RouteKind<RULE> kind;
    private final GatewayApiSpec spec;
    private final String namespace;

    RouteRulesEditor(RouteKind<RULE> kind, GatewayApiSpec spec, String namespace) {
        this.kind = kind;
        this.spec = spec;
        this.namespace = namespace;
    }

    /**
     * The weighted rule and its two backendRefs.
     *
     * @param label {@code web-traffic} or {@code #1 (unnamed)}
     */
    record WeightedRule(int index, String label, int stableIndex, int canaryIndex, int stableWeight,
                        int canaryWeight) {

        /** The canary's share in percent of the two weights (Gateway API weights need not add up to 100). */
        int canaryPercent() {
            int total = stableWeight + canaryWeight;
            return total == 0 ? 0 : Math.round(100f * canaryWeight / total);
        }

        String weights() {
            return weights("stable", "canary");
        }

        String weights(String stableName, String canaryName) {
            return stableName + " " + stableWeight + ", " + canaryName + " " + canaryWeight;
        }
    }

    static List<String> managedNames(HasMetadata route) {
        Map<String, String> annotations = route.getMetadata().getAnnotations();
        String names = annotations == null ? null : annotations.get(MANAGED_RULES);
        if (names == null || names.isBlank()) {
            return new ArrayList<>();
        }
        return new ArrayList<>(Arrays.asList(names.split(",")));
    }

    /**
     * Finds the weighted rule named {@code spec.rule} (or the only rule besides the managed ones).
     *
     * @throws RuleProblem naming the plan field and the fix
     */
    WeightedRule locate(HasMetadata route) {
        List<RULE> rules = kind.rules(route);
        String what = kind.kind.toLowerCase() + " " + route.getMetadata().getName();
        int managed = checkManaged(route, rules, what);
        String rulePath = PATH + ".rule";
        if (rules.size() == managed) {
            throw new RuleProblem(rulePath, what + " has no rules (spec.rules); add one whose backendRefs are "
                    + example());
        }
        int index = -1;
        if (spec.rule() == null) {
            if (rules.size() - managed != 1) {
                throw new RuleProblem(rulePath, what + " has " + (rules.size() - managed) + " rules ("
                        + String.join(", ", labels(rules, managed)) + "); set traffic.gatewayAPI.rule to the name of"
                        + " the one to manage");
            }
            index = managed;
        } else {
            for (int i = managed; i < rules.size(); i++) {
                if (spec.rule().equals(kind.model.name(rules.get(i)))) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                throw new RuleProblem(rulePath, what + " has no rule named '" + spec.rule() + "'; its rules are "
                        + String.join(", ", labels(rules, managed)) + " (a rule's name is spec.rules[].name)");
            }
        }
        RULE rule = rules.get(index);
        String label = label(rule, index);
        List<RouteRules.Backend> backends = kind.model.backends(rule);
        int stable = -1;
        int canary = -1;
        for (int i = 0; i < backends.size(); i++) {
            if (backends.get(i).isService(spec.stableService(), namespace) && stable < 0) {
                stable = i;
            } else if (backends.get(i).isService(spec.canaryService(), namespace) && canary < 0) {
                canary = i;
            }
        }
        if (backends.size() != 2 || stable < 0 || canary < 0) {
            String field = stable < 0 ? ".stableService" : canary < 0 ? ".canaryService" : ".rule";
            throw new RuleProblem(PATH + field, "rule " + label + " of " + what + " has backendRefs "
                    + describe(backends) + "; it needs exactly two, " + example());
        }
        return new WeightedRule(index, label, stable, canary, backends.get(stable).effectiveWeight(),
                backends.get(canary).effectiveWeight());
    }

    /** How many managed rules lead {@code spec.rules}; they must be where the annotation says. */
    private int checkManaged(HasMetadata route, List<RULE> rules, String what) {
        List<String> names = managedNames(route);
        boolean intact = names.size() <= rules.size();
        for (int i = 0; intact && i < names.size(); i++) {
            String name = kind.model.name(rules.get(i));
            intact = name == null || name.equals(names.get(i));
        }
        if (!intact) {
            throw new RuleProblem(PATH, what + " lists managed rules " + names + " in its annotation "
                    + MANAGED_RULES + ", but its first rules are " + labels(rules, 0) + ": it was edited during a"
                    + " rollout; remove the engine's rules and the annotation by hand (kubectl edit)");
        }
        return names.size();
    }

    /** A copy with the weighted rule (and managed mirror rules, which copy it) at {@code 100 - w} and {@code w}. */
    HasMetadata withWeights(HasMetadata route, int canaryWeight) {
        HasMetadata copy = Serialization.clone(route);
        WeightedRule weighted = locate(copy);
        List<RULE> rules = kind.rules(copy);
        setWeights(rules.get(weighted.index()), weighted, canaryWeight);
        for (int i = 0; i < managedNames(copy).size(); i++) {
            RULE managed = rules.get(i);
            if (kind.model.mirrors(managed) && kind.model.backends(managed).size() == 2) {
                setWeights(managed, weighted, canaryWeight);
            }
        }
        return copy;
    }

    private void setWeights(RULE rule, WeightedRule weighted, int canaryWeight) {
        kind.model.setWeight(rule, weighted.stableIndex(), 100 - canaryWeight);
        kind.model.setWeight(rule, weighted.canaryIndex(), canaryWeight);
    }

    /**
     * A copy with the managed rule {@code name} replaced by what {@code make} builds from the weighted rule (and the
     * weighted rule's position of the canary backendRef), added first when absent, or removed when {@code make} is
     * null.
     */
    HasMetadata withManagedRule(HasMetadata route, String name, ManagedRuleFactory<RULE> make) {
        HasMetadata copy = Serialization.clone(route);
        WeightedRule weighted = locate(copy);
        List<RULE> rules = kind.rules(copy);
        List<String> names = managedNames(copy);
        int existing = names.indexOf(name);
        if (make == null) {
            if (existing >= 0) {
                rules.remove(existing);
                names.remove(existing);
            }
        } else {
            RULE rule = make.make(rules.get(weighted.index()), weighted.canaryIndex());
            if (existing >= 0) {
                rules.set(existing, rule);
            } else {
                rules.add(0, rule);
                names.add(0, name);
            }
        }
        return withAnnotation(copy, names);
    }

    /** A copy without any managed rule and with all traffic on stable: the rollback, as one object. */
    HasMetadata restored(HasMetadata route) {
        HasMetadata copy = withWeights(route, 0);
        List<RULE> rules = kind.rules(copy);
        List<String> names = managedNames(copy);
        rules.subList(0, names.size()).clear();
        return withAnnotation(copy, List.of());
    }

    /**
     * The managed rules as they are in {@code route}, each as JSON by its name in the annotation, for a comparison with
     * what the engine last wrote; a managed rule missing from {@code spec.rules} is {@code "absent"}.
     */
    Map<String, String> managedRules(HasMetadata route) {
        List<RULE> rules = kind.rules(route);
        List<String> names = managedNames(route);
        Map<String, String> managed = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            managed.put(names.get(i), i < rules.size() ? Serialization.asJson(rules.get(i)) : "absent");
        }
        return managed;
    }

    /**
     * The managed rules {@code routeSteps} leave (each step replaces the rule of its name, or removes it), as the parts
     * of each that its step decides ({@link #stepParts}): made from the weighted rule of {@code route} as it is now, a
     * mirror rule at {@code canaryWeight}. What the engine must have written when it has no record of its writes
     * (after a restart).
     */
    Map<String, String> plannedRules(HasMetadata route, List<PlanStep> routeSteps, int canaryWeight) {
        WeightedRule weighted = locate(route);
        RULE source = kind.rules(route).get(weighted.index());
        Map<String, String> planned = new LinkedHashMap<>();
        ManagedRouteDrift.lastStepByName(routeSteps).forEach((name, step) -> {
            RULE rule;
            if (step instanceof PlanStep.SetHeaderRoute header) {
                rule = kind.model.headerRule(source, name, weighted.canaryIndex(), header.match());
            } else {
                PlanStep.SetMirrorRoute mirror = (PlanStep.SetMirrorRoute) step;
                rule = kind.model.mirrorRule(source, name, weighted.canaryIndex(), mirror.effectivePercentage(),
                        mirror.match());
                if (kind.model.backends(rule).size() == 2) {
                    setWeights(rule, weighted, canaryWeight);
                }
            }
            planned.put(name, stepParts(rule, step));
        });
        return planned;
    }

    /**
     * The managed rules of {@code route} by name, those {@code routeSteps} made as the parts their step decides (as
     * {@link #plannedRules} gives them), any other as its whole JSON.
     */
    Map<String, String> managedRulesAsPlanned(HasMetadata route, List<PlanStep> routeSteps) {
        Map<String, PlanStep> steps = ManagedRouteDrift.lastStepByName(routeSteps);
        List<RULE> rules = kind.rules(route);
        List<String> names = managedNames(route);
        Map<String, String> managed = new LinkedHashMap<>();
        for (int i = 0; i < names.size() && i < rules.size(); i++) {
            PlanStep step = steps.get(names.get(i));
            managed.put(names.get(i), step == null ? Serialization.asJson(rules.get(i)) : stepParts(rules.get(i), step));
        }
        return managed;
    }

    /**
     * What {@code step} decides in its managed rule, as one line: the backendRefs and their weights, the RequestMirror
     * filters (target and percent), and in each match the headers the step names (and, of a mirror step's own
     * matches, the path and method). What the rule copies from the weighted one, and what the API server fills in by
     * default, is left out, so that the line of a rule as the server returns it and of the rule as the engine would
     * make it now are equal unless someone changed what the step decides.
     */
    static String stepParts(Object rule, PlanStep step) {
        Set<String> headers = new HashSet<>();
        boolean paths = false;
        boolean methods = false;
        if (step instanceof PlanStep.SetHeaderRoute header) {
            header.match().forEach(m -> headers.add(m.headerName().toLowerCase(Locale.ROOT)));
        } else if (step instanceof PlanStep.SetMirrorRoute mirror) {
            for (PlanStep.RouteMatch match : mirror.match()) {
                match.headers().keySet().forEach(h -> headers.add(h.toLowerCase(Locale.ROOT)));
                paths |= match.path() != null;
                methods |= match.method() != null;
            }
        }
        JsonNode json = Serialization.jsonMapper().valueToTree(rule);
        List<String> parts = new ArrayList<>();
        for (JsonNode ref : json.path("backendRefs")) {
            parts.add("backend " + ref.path("name").asText() + ":" + ref.path("port").asText() + " weight "
                    + ref.path("weight").asInt(1));
        }
        for (JsonNode filter : json.path("filters")) {
            if ("RequestMirror".equals(filter.path("type").asText())) {
                JsonNode mirror = filter.path("requestMirror");
                parts.add("mirror to " + mirror.path("backendRef").path("name").asText() + ":"
                        + mirror.path("backendRef").path("port").asText() + " " + mirror.path("percent").asInt(100)
                        + "%");
            }
        }
        Set<String> matches = new TreeSet<>();
        for (JsonNode match : json.path("matches")) {
            List<String> conditions = new ArrayList<>();
            for (JsonNode header : match.path("headers")) {
                if (headers.contains(header.path("name").asText().toLowerCase(Locale.ROOT))) {
                    conditions.add("header " + header.path("name").asText().toLowerCase(Locale.ROOT) + " "
                            + header.path("type").asText("Exact") + " " + header.path("value").asText());
                }
            }
            if (paths) {
                conditions.add("path " + match.path("path").path("type").asText() + " "
                        + match.path("path").path("value").asText());
            }
            if (methods) {
                conditions.add("method " + match.path("method").asText());
            }
            Collections.sort(conditions);
            matches.add(String.join(" and ", conditions));
        }
        parts.add("matches " + matches);
        return String.join("; ", parts);
    }

    /** Builds a managed rule from the weighted one. */
    interface ManagedRuleFactory<RULE> {
        RULE make(RULE weighted, int canaryIndex);
    }

    private static HasMetadata withAnnotation(HasMetadata route, List<String> names) {
        Map<String, String> annotations = route.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(route.getMetadata().getAnnotations());
        if (names.isEmpty()) {
            annotations.remove(MANAGED_RULES);
        } else {
            annotations.put(MANAGED_RULES, String.join(",", names));
        }
        route.getMetadata().setAnnotations(annotations.isEmpty() && route.getMetadata().getAnnotations() == null
                ? null : annotations);
        return route;
    }

    /** Names of rules that are not managed, for a name collision check. */
    List<String> foreignRuleNames(HasMetadata route) {
        List<RULE> rules = kind.rules(route);
        List<String> names = new ArrayList<>();
        for (int i = managedNames(route).size(); i < rules.size(); i++) {
            String name = kind.model.name(rules.get(i));
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    String example() {
        return "{name: " + spec.stableService() + ", port: PORT, weight: 100} and {name: " + spec.canaryService()
                + ", port: PORT, weight: 0} (Services in namespace " + namespace + ")";
    }

    private List<String> labels(List<RULE> rules, int from) {
        List<String> labels = new ArrayList<>();
        for (int i = from; i < rules.size(); i++) {
            labels.add(label(rules.get(i), i));
        }
        return labels;
    }

    private String label(RULE rule, int index) {
        String name = kind.model.name(rule);
        return name == null || name.isBlank() ? "#" + index + " (unnamed)" : name;
    }

    private static String describe(List<RouteRules.Backend> backends) {
        if (backends.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (RouteRules.Backend backend : backends) {
            parts.add((backend.kind() == null ? "" : backend.kind() + " ") + backend.name()
                    + (backend.namespace() == null ? "" : "." + backend.namespace()) + " (weight "
                    + backend.effectiveWeight() + ")");
        }
        return String.join(", ", parts);
    }
}
