package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import static io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.asList;
import static io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.asMap;
import static io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.string;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.traffic.ManagedRouteDrift;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.ManagedRoute;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The engine's own HTTP routes in a VirtualService, as Argo Rollouts' {@code managedRoutes}: header routes (requests
 * with matching headers go to the canary only) and mirror routes (a copy of the weighted route that also mirrors a
 * percentage to the canary). They are placed first in {@code spec.http}, so Istio, which takes the first route that
 * matches, applies them before the weighted route, and their names are listed in the VirtualService's
 * {@link #MANAGED_ROUTES} annotation, so a later process finds and removes exactly them. Pure functions.
 */
public final class IstioManagedRoutes {
    /** On the VirtualService: the names of the engine's routes, comma-separated. */
    public static final String MANAGED_ROUTES = "progressive-delivery.jenkins.io/managed-routes";

    private IstioManagedRoutes() {
    }

    static List<String> names(GenericKubernetesResource virtualService) {
        Map<String, String> annotations = virtualService.getMetadata().getAnnotations();
        String names = annotations == null ? null : annotations.get(MANAGED_ROUTES);
        return names == null || names.isBlank() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(names.split(",")));
    }

    /** Names of HTTP routes that are not the engine's, for a name collision check. */
    static List<String> foreignNames(GenericKubernetesResource virtualService) {
        List<String> managed = names(virtualService);
        List<String> foreign = new ArrayList<>();
        for (Object route : http(virtualService)) {
            String name = string(asMap(route).get("name"));
            if (name != null && !managed.contains(name)) {
                foreign.add(name);
            }
        }
        return foreign;
    }

    /**
     * In a copy of the VirtualService being written with new weights: the managed mirror routes, copies of the
     * weighted route, get the same weights, so that the requests they match are served as the weighted route serves.
     */
    static void syncMirrorWeights(GenericKubernetesResource copy, ManagedRoute weighted, int canaryWeight) {
        List<String> managed = names(copy);
        for (Object candidate : http(copy)) {
            Map<String, Object> route = asMap(candidate);
            if (managed.contains(string(route.get("name"))) && route.containsKey("mirror")) {
                splitLikeWeighted(route, weighted, canaryWeight);
            }
        }
    }

    /**
     * The weights of a mirror route, a copy of the weighted route's destinations: stable, canary and (when the copy has
     * it) the baseline as {@link VirtualServiceRoutes#withWeights} sets them, so that they add up to 100 as Istio
     * requires.
     */
    private static void splitLikeWeighted(Map<String, Object> route, ManagedRoute weighted, int canaryWeight) {
        List<Object> destinations = destinations(route);
        if (destinations.size() <= Math.max(weighted.stableIndex(), weighted.canaryIndex())) {
            return;
        }
        boolean baseline = weighted.baselineIndex() >= 0 && destinations.size() > weighted.baselineIndex();
        int baselineWeight = baseline ? BaselineDestination.weight(canaryWeight) : 0;
        asMap(destinations.get(weighted.stableIndex())).put("weight", 100 - canaryWeight - baselineWeight);
        asMap(destinations.get(weighted.canaryIndex())).put("weight", canaryWeight);
        if (baseline) {
            asMap(destinations.get(weighted.baselineIndex())).put("weight", baselineWeight);
        }
    }

    /** A copy with the header route of {@code step} first (replacing one of that name), or removed. */
    static GenericKubernetesResource withHeaderRoute(GenericKubernetesResource virtualService, ManagedRoute weighted,
                                                     PlanStep.SetHeaderRoute step) {
        if (step.removes()) {
            return without(virtualService, step.name());
        }
        return with(virtualService, step.name(), headerRoute(asMap(http(virtualService).get(weighted.index())),
                weighted, step));
    }

    /**
     * The header route of {@code step}, made from the weighted route {@code source}: its fields, the canary destination
     * alone at 100, and each of its matches (or one, when it has none) with the step's headers added.
     */
    private static Map<String, Object> headerRoute(Map<String, Object> source, ManagedRoute weighted,
                                                   PlanStep.SetHeaderRoute step) {
        Map<String, Object> route = Serialization.clone(new LinkedHashMap<>(source));
        route.put("name", step.name());
        Map<String, Object> canary = asMap(destinations(route).get(weighted.canaryIndex()));
        canary.put("weight", 100);
        route.put("route", new ArrayList<>(List.of(canary)));
        List<Object> matches = route.get("match") instanceof List<?> ? asList(route.get("match")) : List.of();
        List<Object> combined = new ArrayList<>();
        for (Object match : matches.isEmpty() ? List.of((Object) new LinkedHashMap<String, Object>()) : matches) {
            Map<String, Object> conditions = new LinkedHashMap<>(asMap(match));
            Map<String, Object> headers = new LinkedHashMap<>(asMap(conditions.get("headers")));
            for (PlanStep.HeaderMatch header : step.match()) {
                headers.put(header.headerName(), stringMatch(header.headerValue()));
            }
            conditions.put("headers", headers);
            combined.add(conditions);
        }
        route.put("match", combined);
        return route;
    }

    /**
     * A copy with the mirror route of {@code step} first: the weighted route (its destinations and weights), limited
     * to the step's matches when it has any, mirroring its percentage to the canary destination; or removed.
     */
    static GenericKubernetesResource withMirrorRoute(GenericKubernetesResource virtualService, ManagedRoute weighted,
                                                     PlanStep.SetMirrorRoute step) {
        if (step.removes()) {
            return without(virtualService, step.name());
        }
        return with(virtualService, step.name(), mirrorRoute(asMap(http(virtualService).get(weighted.index())),
                weighted, step));
    }

    private static Map<String, Object> mirrorRoute(Map<String, Object> source, ManagedRoute weighted,
                                                   PlanStep.SetMirrorRoute step) {
        Map<String, Object> route = Serialization.clone(new LinkedHashMap<>(source));
        route.put("name", step.name());
        if (!step.match().isEmpty()) {
            List<Object> matches = new ArrayList<>();
            for (PlanStep.RouteMatch match : step.match()) {
                Map<String, Object> conditions = new LinkedHashMap<>();
                if (match.path() != null) {
                    conditions.put("uri", stringMatch(match.path()));
                }
                if (match.method() != null) {
                    conditions.put("method", stringMatch(match.method()));
                }
                if (!match.headers().isEmpty()) {
                    Map<String, Object> headers = new LinkedHashMap<>();
                    match.headers().forEach((name, value) -> headers.put(name, stringMatch(value)));
                    conditions.put("headers", headers);
                }
                matches.add(conditions);
            }
            route.put("match", matches);
        }
        Map<String, Object> canary = asMap(asMap(destinations(route).get(weighted.canaryIndex())).get("destination"));
        route.put("mirror", new LinkedHashMap<>(canary));
        route.put("mirrorPercentage", new LinkedHashMap<>(Map.of("value", (double) step.effectivePercentage())));
        return route;
    }

    /** A copy without any managed route and without the annotation. */
    static GenericKubernetesResource withoutAll(GenericKubernetesResource virtualService) {
        GenericKubernetesResource copy = Serialization.clone(virtualService);
        List<String> managed = names(copy);
        http(copy).removeIf(route -> managed.contains(string(asMap(route).get("name"))));
        return annotated(copy, List.of());
    }

    // ---- drift: the managed routes as a check compares them -----------------------------------------------------

    /**
     * The managed routes of a VirtualService as a drift check compares them.
     *
     * @param routes   each route present, by name, in a comparable form (its JSON, or the parts its step decides)
     * @param after    by name, the weighted route that a managed route now comes after: Istio applies the first route
     *                 that matches, so the weighted route takes the requests both match (all, for a route made from it)
     * @param unlisted the routes the engine made that are no longer named in the {@link #MANAGED_ROUTES} annotation,
     *                 which a rollback would therefore leave in place
     */
    record Seen(Map<String, String> routes, Map<String, String> after, Set<String> unlisted) {

        /** What differs from {@code expected}, one line each, in the wording of {@link ManagedRouteDrift}. */
        List<String> changesSince(Seen expected) {
            List<String> changes = new ArrayList<>(ManagedRouteDrift.changes("managed route", expected.routes,
                    routes));
            after.forEach((name, weighted) -> {
                if (!weighted.equals(expected.after.get(name))) {
                    changes.add("managed route " + name + " was moved after route " + weighted + ", which Istio now"
                            + " matches first, not by the engine");
                }
            });
            for (String name : unlisted) {
                if (!expected.unlisted.contains(name)) {
                    changes.add("managed route " + name + " was taken out of annotation " + MANAGED_ROUTES
                            + " (a rollback would leave it), not by the engine");
                }
            }
            return changes;
        }
    }

    /** The managed routes as they are, each as its whole JSON: what a write of this router left, for the next check. */
    static Seen written(GenericKubernetesResource virtualService, ManagedRoute weighted) {
        return seen(virtualService, weighted, Set.of(), (name, route) -> Serialization.asJson(route));
    }

    /** The managed routes as they are, in the form of {@link #written}, looking for the routes of {@code expected}. */
    static Seen asWritten(GenericKubernetesResource virtualService, ManagedRoute weighted, Seen expected) {
        return seen(virtualService, weighted, expected.routes().keySet(),
                (name, route) -> Serialization.asJson(route));
    }

    /**
     * The managed routes {@code routeSteps} leave, each as the parts its step decides ({@link #stepParts}), made from
     * the weighted route of {@code virtualService} as it is now, a mirror route at {@code canaryWeight}: what the
     * engine must have written when it has no record of its writes (after a restart). Made first, in front of the
     * weighted route, and named in the annotation.
     */
    static Seen planned(GenericKubernetesResource virtualService, ManagedRoute weighted, List<PlanStep> routeSteps,
                        int canaryWeight, VirtualServiceRoutes.Split split) {
        Map<String, Object> source = asMap(http(virtualService).get(weighted.index()));
        Map<String, String> routes = new LinkedHashMap<>();
        ManagedRouteDrift.lastStepByName(routeSteps).forEach((name, step) -> {
            Map<String, Object> route;
            if (step instanceof PlanStep.SetHeaderRoute header) {
                route = headerRoute(source, weighted, header);
            } else {
                route = mirrorRoute(source, weighted, (PlanStep.SetMirrorRoute) step);
                splitLikeWeighted(route, weighted, canaryWeight);
            }
            routes.put(name, stepParts(route, step, split));
        });
        return new Seen(routes, Map.of(), Set.of());
    }

    /**
     * The managed routes as they are, those {@code routeSteps} made as the parts their step decides (as
     * {@link #planned} gives them), any other as its whole JSON.
     */
    static Seen asPlanned(GenericKubernetesResource virtualService, ManagedRoute weighted, List<PlanStep> routeSteps,
                          VirtualServiceRoutes.Split split) {
        Map<String, PlanStep> steps = ManagedRouteDrift.lastStepByName(routeSteps);
        return seen(virtualService, weighted, steps.keySet(), (name, route) -> steps.containsKey(name)
                ? stepParts(route, steps.get(name), split) : Serialization.asJson(route));
    }

    /** The routes named in the annotation or in {@code expected}, found by name, each in the form given. */
    private static Seen seen(GenericKubernetesResource virtualService, ManagedRoute weighted,
                             Collection<String> expected, BiFunction<String, Map<String, Object>, String> form) {
        List<String> listed = names(virtualService);
        Set<String> names = new LinkedHashSet<>(listed);
        names.addAll(expected);
        List<Object> http = http(virtualService);
        Map<String, String> routes = new LinkedHashMap<>();
        Map<String, String> after = new LinkedHashMap<>();
        Set<String> unlisted = new LinkedHashSet<>();
        for (String name : names) {
            int index = indexOf(http, name);
            if (index < 0) {
                continue;
            }
            routes.put(name, form.apply(name, asMap(http.get(index))));
            if (index > weighted.index()) {
                after.put(name, weighted.label());
            }
            if (!listed.contains(name)) {
                unlisted.add(name);
            }
        }
        return new Seen(routes, after, unlisted);
    }

    /**
     * What {@code step} decides in its managed route, as one line: the destinations and their weights (by side:
     * stable, canary, baseline), for a mirror step the mirror target and percentage, and in each match the headers the
     * step names (and, of a mirror step's own matches, the uri and method). What the route copies from the weighted
     * one (its other fields, a mirror step's matches when it has none of its own) and how a server or a tool may
     * spell the same thing (a lone destination's weight left out, {@code 50} for {@code 50.0}, header names in
     * another case) are left out, so that the line of a route as read and of the route as the engine would make it
     * now are equal unless someone changed what the step decides.
     */
    static String stepParts(Map<String, Object> route, PlanStep step, VirtualServiceRoutes.Split split) {
        List<Object> destinations = destinations(route);
        List<String> weights = new ArrayList<>();
        for (Object candidate : destinations) {
            Map<String, Object> destination = asMap(candidate);
            // Istio sends all traffic to a lone destination, whatever its weight says
            int weight = destinations.size() == 1 ? 100
                    : destination.get("weight") instanceof Number number ? number.intValue() : 0;
            weights.add(side(asMap(destination.get("destination")), split) + " " + weight);
        }
        Collections.sort(weights);
        List<String> parts = new ArrayList<>();
        parts.add("route " + weights);
        Set<String> headers = new HashSet<>();
        boolean uris = false;
        boolean methods = false;
        boolean matches = true;
        if (step instanceof PlanStep.SetHeaderRoute header) {
            header.match().forEach(m -> headers.add(m.headerName().toLowerCase(Locale.ROOT)));
        } else if (step instanceof PlanStep.SetMirrorRoute mirror) {
            parts.add("mirror " + (route.get("mirror") instanceof Map<?, ?> target
                    ? side(asMap(target), split) + " " + mirrorPercent(route) + "%" : "none"));
            matches = !mirror.match().isEmpty();
            for (PlanStep.RouteMatch match : mirror.match()) {
                match.headers().keySet().forEach(h -> headers.add(h.toLowerCase(Locale.ROOT)));
                uris |= match.path() != null;
                methods |= match.method() != null;
            }
        }
        if (matches) {
            Set<String> conditionSets = new TreeSet<>();
            for (Object candidate : route.get("match") instanceof List<?> ? asList(route.get("match")) : List.of()) {
                Map<String, Object> match = asMap(candidate);
                List<String> conditions = new ArrayList<>();
                asMap(match.get("headers")).forEach((name, value) -> {
                    if (headers.contains(name.toLowerCase(Locale.ROOT))) {
                        conditions.add("header " + name.toLowerCase(Locale.ROOT) + " " + describeMatch(value));
                    }
                });
                if (uris) {
                    conditions.add("uri " + describeMatch(match.get("uri")));
                }
                if (methods) {
                    conditions.add("method " + describeMatch(match.get("method")));
                }
                Collections.sort(conditions);
                conditionSets.add(String.join(" and ", conditions));
            }
            parts.add("matches " + conditionSets);
        }
        return String.join("; ", parts);
    }

    private static String side(Map<String, Object> destination, VirtualServiceRoutes.Split split) {
        return switch (split.sideOf(destination)) {
            case STABLE -> "stable";
            case CANARY -> "canary";
            case OTHER -> split.isBaseline(destination) ? "baseline" : string(destination.get("host"))
                    + (destination.get("subset") == null ? "" : "/" + destination.get("subset"));
        };
    }

    /** {@code mirrorPercentage.value}, else the older {@code mirrorPercent}, else Istio's default of 100. */
    private static String mirrorPercent(Map<String, Object> route) {
        Object percentage = asMap(route.get("mirrorPercentage")).get("value");
        Object legacy = route.get("mirrorPercent");
        double percent = percentage instanceof Number number ? number.doubleValue()
                : legacy instanceof Number number ? number.doubleValue() : 100;
        return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString();
    }

    /** A StringMatch as {@code exact v}, {@code prefix v} or {@code regex v}; {@code any} without one. */
    private static String describeMatch(Object match) {
        Map<String, Object> condition = asMap(match);
        for (String type : List.of("exact", "prefix", "regex")) {
            if (condition.get(type) != null) {
                return type + " " + condition.get(type);
            }
        }
        return "any";
    }

    private static GenericKubernetesResource with(GenericKubernetesResource virtualService, String name,
                                                  Map<String, Object> route) {
        GenericKubernetesResource copy = Serialization.clone(virtualService);
        List<Object> http = http(copy);
        List<String> managed = names(copy);
        int existing = indexOf(http, name);
        if (existing >= 0 && managed.contains(name)) {
            http.set(existing, route);
        } else {
            http.add(0, route);
            managed.add(0, name);
        }
        return annotated(copy, managed);
    }

    private static GenericKubernetesResource without(GenericKubernetesResource virtualService, String name) {
        GenericKubernetesResource copy = Serialization.clone(virtualService);
        List<String> managed = names(copy);
        if (!managed.contains(name)) {
            return copy;
        }
        int existing = indexOf(http(copy), name);
        if (existing >= 0) {
            http(copy).remove(existing);
        }
        managed.remove(name);
        return annotated(copy, managed);
    }

    private static GenericKubernetesResource annotated(GenericKubernetesResource copy, List<String> names) {
        Map<String, String> current = copy.getMetadata().getAnnotations();
        Map<String, String> annotations = current == null ? new LinkedHashMap<>() : new LinkedHashMap<>(current);
        if (names.isEmpty()) {
            annotations.remove(MANAGED_ROUTES);
        } else {
            annotations.put(MANAGED_ROUTES, String.join(",", names));
        }
        copy.getMetadata().setAnnotations(current == null && annotations.isEmpty() ? null : annotations);
        return copy;
    }

    private static int indexOf(List<Object> http, String name) {
        for (int i = 0; i < http.size(); i++) {
            if (name.equals(string(asMap(http.get(i)).get("name")))) {
                return i;
            }
        }
        return -1;
    }

    /** Istio's StringMatch: {@code {exact: v}}, {@code {prefix: v}} or {@code {regex: v}} (RE2). */
    private static Map<String, Object> stringMatch(PlanStep.StringMatch match) {
        return new LinkedHashMap<>(Map.of(match.type(), match.value()));
    }

    private static List<Object> http(GenericKubernetesResource virtualService) {
        Object spec = virtualService.getAdditionalProperties().get("spec");
        Object http = spec instanceof Map<?, ?> ? asMap(spec).get("http") : null;
        return http instanceof List<?> ? asList(http) : new ArrayList<>();
    }

    private static List<Object> destinations(Map<String, Object> route) {
        Object destinations = route.get("route");
        return destinations instanceof List<?> ? asList(destinations) : List.of();
    }
}
