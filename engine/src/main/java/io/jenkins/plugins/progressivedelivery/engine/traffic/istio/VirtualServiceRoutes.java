package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Finding the managed HTTP route of a VirtualService and its stable and canary destinations, and setting their
 * weights: pure functions over the object as the API server returned it, so that every field the engine does not
 * manage (other routes, matches, retries, timeouts, mirrors, headers, ports, TLS and TCP routes, fields newer than
 * this code) is carried through unchanged.
 */
public final class VirtualServiceRoutes {
    static final String ROUTE_PATH = "traffic.istio.route";

    private VirtualServiceRoutes() {
    }

    /** Which of the plan's two destinations a route destination is. */
    enum Side { STABLE, CANARY, OTHER }

    /**
     * The managed route and where its two destinations are.
     *
     * @param index        position in {@code spec.http}
     * @param label        its name, or {@code #index} when it has none
     * @param stableIndex  position of the stable destination in the route's {@code route} list
     * @param canaryIndex  position of the canary destination
     * @param stableHost   the stable destination's host, as written
     */
    public record ManagedRoute(int index, String label, int stableIndex, int canaryIndex, int stableWeight,
                               int canaryWeight, String stableHost, int baselineIndex, int baselineWeight) {

        /** A route without a baseline destination. */
        public ManagedRoute(int index, String label, int stableIndex, int canaryIndex, int stableWeight,
                            int canaryWeight, String stableHost) {
            this(index, label, stableIndex, canaryIndex, stableWeight, canaryWeight, stableHost, -1, 0);
        }

        /** {@code stable 95, canary 5}, or {@code stable 90, canary 5, baseline 5} with a baseline destination. */
        public String weights() {
            return weights("stable", "canary") + (baselineIndex < 0 ? "" : ", baseline " + baselineWeight);
        }

        /** {@code blue 100, green 0}: the weights, with the two destinations named as given. */
        public String weights(String stableName, String canaryName) {
            return stableName + " " + stableWeight + ", " + canaryName + " " + canaryWeight;
        }
    }

    /**
     * How the plan's two destinations are recognised: by Service host (host split) or by subset of one host
     * (subset split).
     */
    static final class Split {
        private final IstioSpec spec;
        private final String namespace;
        private final String baselineService;

        Split(IstioSpec spec, String namespace) {
            this(spec, namespace, null);
        }

        /**
         * @param baselineService the baseline's Service, a third destination of a host split; with a subset split
         *                        (where the third destination is subset {@value BaselineDestination#SUBSET}) any
         *                        non-null value says that the plan runs a baseline; null for none
         */
        Split(IstioSpec spec, String namespace, String baselineService) {
            this.spec = spec;
            this.namespace = namespace;
            this.baselineService = baselineService;
        }

        boolean hasBaseline() {
            return baselineService != null;
        }

        boolean isBaseline(Map<String, Object> destination) {
            if (baselineService != null && spec.isSubsetSplit()) {
                return BaselineDestination.SUBSET.equals(string(destination.get("subset")));
            }
            return baselineService != null
                    && ServiceHost.parse(string(destination.get("host")), namespace)
                    .map(service -> service.is(baselineService, namespace)).orElse(false);
        }

        Side sideOf(Map<String, Object> destination) {
            String host = string(destination.get("host"));
            if (spec.isSubsetSplit()) {
                String subset = string(destination.get("subset"));
                if (subset != null && subset.equals(spec.stableSubset())) {
                    return Side.STABLE;
                }
                if (subset != null && subset.equals(spec.canarySubset())) {
                    return Side.CANARY;
                }
                return Side.OTHER;
            }
            return ServiceHost.parse(host, namespace).map(service -> {
                if (service.is(spec.stableService(), namespace)) {
                    return Side.STABLE;
                }
                return service.is(spec.canaryService(), namespace) ? Side.CANARY : Side.OTHER;
            }).orElse(Side.OTHER);
        }

        String expected() {
            if (spec.isSubsetSplit()) {
                return "one destination with subset " + spec.stableSubset() + " and one with subset "
                        + spec.canarySubset() + " of the same host";
            }
            return "one destination with host " + spec.stableService() + " and one with host "
                    + spec.canaryService() + " (Services in namespace " + namespace + ")";
        }

        String example() {
            if (spec.isSubsetSplit()) {
                return "route: [{destination: {host: HOST, subset: " + spec.stableSubset() + "}, weight: 100},"
                        + " {destination: {host: HOST, subset: " + spec.canarySubset() + "}, weight: 0}]";
            }
            return "route: [{destination: {host: " + spec.stableService() + "}, weight: 100},"
                    + " {destination: {host: " + spec.canaryService() + "}, weight: 0}]";
        }
    }

    /**
     * Finds the route named {@code routeName} (or the only HTTP route when it is null) and checks that its
     * destinations are exactly the stable and the canary one.
     *
     * @throws RouteProblem naming the plan field and the fix
     */
    static ManagedRoute locate(GenericKubernetesResource virtualService, String routeName, Split split) {
        List<Object> http = httpRoutes(virtualService);
        String vsName = virtualService.getMetadata().getName();
        if (http.isEmpty()) {
            throw new RouteProblem(ROUTE_PATH, "virtualservice " + vsName + " has no HTTP routes (spec.http);"
                    + " the engine shifts the weights of an HTTP route: add one with " + split.example());
        }
        int index = -1;
        if (routeName == null || routeName.isBlank()) {
            if (http.size() != 1) {
                throw new RouteProblem(ROUTE_PATH, "virtualservice " + vsName + " has " + http.size() + " HTTP"
                        + " routes (" + String.join(", ", routeLabels(http)) + "); set traffic.istio.route to"
                        + " the name of the one to manage");
            }
            index = 0;
        } else {
            for (int i = 0; i < http.size(); i++) {
                if (routeName.equals(string(asMap(http.get(i)).get("name")))) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                throw new RouteProblem(ROUTE_PATH, "virtualservice " + vsName + " has no HTTP route named '"
                        + routeName + "'; its routes are " + String.join(", ", routeLabels(http)));
            }
        }
        Map<String, Object> route = asMap(http.get(index));
        String label = label(route, index);
        List<Object> destinations = destinations(route);
        int stable = -1;
        int canary = -1;
        int baseline = BaselineDestination.index(destinations, split);
        boolean exact = destinations.size() == (baseline < 0 ? 2 : 3);
        for (int i = 0; i < destinations.size(); i++) {
            Side side = split.sideOf(asMap(asMap(destinations.get(i)).get("destination")));
            if (i == baseline) {
                continue;
            }
            if (side == Side.STABLE && stable < 0) {
                stable = i;
            } else if (side == Side.CANARY && canary < 0) {
                canary = i;
            } else {
                exact = false;
            }
        }
        if (!exact || stable < 0 || canary < 0) {
            throw new RouteProblem(ROUTE_PATH, "route " + label + " of virtualservice " + vsName + " has "
                    + describe(destinations) + "; it needs exactly two destinations, " + split.expected()
                    + ", e.g. " + split.example());
        }
        Map<String, Object> stableDestination = asMap(destinations.get(stable));
        String stableHost = string(asMap(stableDestination.get("destination")).get("host"));
        if (split.spec.isSubsetSplit()) {
            String canaryHost = string(asMap(asMap(destinations.get(canary)).get("destination")).get("host"));
            if (stableHost == null || !stableHost.equals(canaryHost)) {
                throw new RouteProblem(ROUTE_PATH, "route " + label + " of virtualservice " + vsName
                        + " sends subset " + split.spec.stableSubset() + " to host " + stableHost + " but subset "
                        + split.spec.canarySubset() + " to host " + canaryHost + "; a subset split uses one host");
            }
        }
        return new ManagedRoute(index, label, stable, canary, weight(stableDestination),
                weight(asMap(destinations.get(canary))), stableHost, baseline,
                baseline < 0 ? 0 : weight(asMap(destinations.get(baseline))));
    }

    /**
     * The managed route as a rollback sees it: whatever else a person added to it, all that matters is that it still
     * names the stable destination.
     *
     * @param index       position in {@code spec.http}
     * @param stableIndex position of the (first) stable destination in the route's {@code route} list
     * @param weights     every destination and its weight, {@code stable 60, canary 20, web-mirror 20}
     * @param foreign     the destinations that are neither stable nor canary, for the log; empty when the route has
     *                    exactly the plan's two
     */
    public record RollbackRoute(int index, String label, int stableIndex, String stableHost, int destinations,
                                String weights, List<String> foreign) {
    }

    /**
     * Finds the route to roll back: the named (or only) HTTP route, which must still name the stable destination;
     * any other shape is fine.
     *
     * @throws RouteProblem when there is no such route or it no longer names the stable destination
     */
    static RollbackRoute locateForRollback(GenericKubernetesResource virtualService, String routeName, Split split) {
        List<Object> http = httpRoutes(virtualService);
        String vsName = virtualService.getMetadata().getName();
        int index = -1;
        if (routeName == null || routeName.isBlank()) {
            index = http.size() == 1 ? 0 : -1;
        } else {
            for (int i = 0; i < http.size(); i++) {
                if (routeName.equals(string(asMap(http.get(i)).get("name")))) {
                    index = i;
                    break;
                }
            }
        }
        if (index < 0) {
            throw new RouteProblem(ROUTE_PATH, "virtualservice " + vsName + " no longer has the managed HTTP route"
                    + (routeName == null ? "" : " '" + routeName + "'") + " (its routes: "
                    + String.join(", ", routeLabels(http)) + "), so traffic cannot be moved back to stable by the"
                    + " engine");
        }
        Map<String, Object> route = asMap(http.get(index));
        String label = label(route, index);
        List<Object> destinations = destinations(route);
        int stable = -1;
        List<String> weights = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (int i = 0; i < destinations.size(); i++) {
            Map<String, Object> weighted = asMap(destinations.get(i));
            Side side = split.sideOf(asMap(weighted.get("destination")));
            if (side == Side.STABLE && stable < 0) {
                stable = i;
            }
            boolean baseline = side == Side.OTHER && split.isBaseline(asMap(weighted.get("destination")));
            String name = side == Side.STABLE ? "stable" : side == Side.CANARY ? "canary" : baseline ? "baseline"
                    : destinationName(asMap(weighted.get("destination")));
            if (side == Side.OTHER && !baseline) {
                foreign.add(name);
            }
            weights.add(name + " " + weight(weighted));
        }
        if (stable < 0) {
            throw new RouteProblem(ROUTE_PATH, "route " + label + " of virtualservice " + vsName + " no longer"
                    + " names the stable destination (it has " + describe(destinations) + "), so the engine cannot"
                    + " move traffic back to stable: " + split.expected().replaceFirst(" and one with.*", "")
                    + " must be in it");
        }
        String stableHost = string(asMap(asMap(destinations.get(stable)).get("destination")).get("host"));
        return new RollbackRoute(index, label, stable, stableHost, destinations.size(), String.join(", ", weights),
                List.copyOf(foreign));
    }

    /** A copy with the route's stable destination at 100 and every other destination at 0; nothing else changed. */
    static GenericKubernetesResource withRollbackWeights(GenericKubernetesResource virtualService,
                                                         RollbackRoute route) {
        GenericKubernetesResource copy = Serialization.clone(virtualService);
        List<Object> destinations = destinations(asMap(httpRoutes(copy).get(route.index())));
        for (int i = 0; i < destinations.size(); i++) {
            Map<String, Object> weighted = asMap(destinations.get(i));
            weighted.put("weight", i == route.stableIndex() ? 100 : 0);
        }
        return copy;
    }

    private static String destinationName(Map<String, Object> destination) {
        String subset = string(destination.get("subset"));
        return string(destination.get("host")) + (subset == null ? "" : "/" + subset);
    }

    /** A copy of the VirtualService with the route's weights at {@code 100 - canaryWeight} and {@code canaryWeight}. */
    static GenericKubernetesResource withWeights(GenericKubernetesResource virtualService, ManagedRoute route,
                                                 int canaryWeight) {
        GenericKubernetesResource copy = Serialization.clone(virtualService);
        List<Object> destinations = destinations(asMap(httpRoutes(copy).get(route.index())));
        int baselineWeight = route.baselineIndex() < 0 ? 0 : BaselineDestination.weight(canaryWeight);
        asMap(destinations.get(route.stableIndex())).put("weight", 100 - canaryWeight - baselineWeight);
        asMap(destinations.get(route.canaryIndex())).put("weight", canaryWeight);
        if (route.baselineIndex() >= 0) {
            asMap(destinations.get(route.baselineIndex())).put("weight", baselineWeight);
        }
        IstioManagedRoutes.syncMirrorWeights(copy, route, canaryWeight);
        return copy;
    }

    static List<Object> httpRoutes(GenericKubernetesResource virtualService) {
        Object spec = virtualService.getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?>)) {
            return List.of();
        }
        Object http = asMap(spec).get("http");
        return http instanceof List<?> ? asList(http) : List.of();
    }

    static List<Object> destinations(Map<String, Object> route) {
        Object destinations = route.get("route");
        return destinations instanceof List<?> ? asList(destinations) : List.of();
    }

    private static List<String> routeLabels(List<Object> http) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < http.size(); i++) {
            labels.add(label(asMap(http.get(i)), i));
        }
        return labels;
    }

    private static String label(Map<String, Object> route, int index) {
        String name = string(route.get("name"));
        return name == null || name.isBlank() ? "#" + index + " (unnamed)" : name;
    }

    private static String describe(List<Object> destinations) {
        if (destinations.isEmpty()) {
            return "no destinations";
        }
        return destinations.stream().map(d -> {
            Map<String, Object> weighted = asMap(d);
            Map<String, Object> destination = asMap(weighted.get("destination"));
            String subset = string(destination.get("subset"));
            return "host " + string(destination.get("host")) + (subset == null ? "" : " subset " + subset)
                    + " (weight " + weight(weighted) + ")";
        }).collect(Collectors.joining(", ", "destinations ", ""));
    }

    /** With two destinations Istio requires weights adding up to 100, so an absent one is 0. */
    private static int weight(Map<String, Object> weightedDestination) {
        Object weight = weightedDestination.get("weight");
        return weight instanceof Number number ? number.intValue() : 0;
    }

    static String string(Object value) {
        return value instanceof String s ? s : null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object value) {
        return (List<Object>) value;
    }
}
