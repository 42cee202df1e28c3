package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import static io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.asList;
import static io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.asMap;
import static io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.string;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.ManagedRoute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
                List<Object> destinations = destinations(route);
                if (destinations.size() > Math.max(weighted.stableIndex(), weighted.canaryIndex())) {
                    asMap(destinations.get(weighted.stableIndex())).put("weight", 100 - canaryWeight);
                    asMap(destinations.get(weighted.canaryIndex())).put("weight", canaryWeight);
                }
            }
        }
    }

    /** A copy with the header route of {@code step} first (replacing one of that name), or removed. */
    static GenericKubernetesResource withHeaderRoute(GenericKubernetesResource virtualService, ManagedRoute weighted,
                                                     PlanStep.SetHeaderRoute step) {
        if (step.removes()) {
            return without(virtualService, step.name());
        }
        Map<String, Object> source = asMap(http(virtualService).get(weighted.index()));
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
        return with(virtualService, step.name(), route);
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
        Map<String, Object> source = asMap(http(virtualService).get(weighted.index()));
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
        return with(virtualService, step.name(), route);
    }

    /** A copy without any managed route and without the annotation. */
    static GenericKubernetesResource withoutAll(GenericKubernetesResource virtualService) {
        GenericKubernetesResource copy = Serialization.clone(virtualService);
        List<String> managed = names(copy);
        http(copy).removeIf(route -> managed.contains(string(asMap(route).get("name"))));
        return annotated(copy, List.of());
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
