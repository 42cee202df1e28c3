package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline's destination in the managed route: added next to the canary's (a copy of it with the baseline Service
 * as host in a host split, with subset {@value #SUBSET} of the same host in a subset split, so port and other settings
 * match) when the baseline starts, given the canary's weight, and removed again at weight 0 when the canary goes.
 * Pure functions over the VirtualService.
 */
final class BaselineDestination {
    /** The DestinationRule subset a subset split sends the baseline's share to: the user declares it. */
    static final String SUBSET = "baseline";

    private BaselineDestination() {
    }

    /** The baseline's weight for a canary weight: the same, as long as the stable keeps a share; never above it. */
    static int weight(int canaryWeight) {
        return Math.min(canaryWeight, 100 - canaryWeight);
    }

    /** Where the baseline destination is in a route's destinations, or -1. */
    static int index(List<Object> destinations, VirtualServiceRoutes.Split split) {
        for (int i = 0; i < destinations.size(); i++) {
            if (split.isBaseline(VirtualServiceRoutes.asMap(VirtualServiceRoutes.asMap(destinations.get(i))
                    .get("destination")))) {
                return i;
            }
        }
        return -1;
    }

    /** A copy with the baseline destination after the canary's, at weight 0; the object itself when it has one. */
    static GenericKubernetesResource withBaseline(GenericKubernetesResource virtualService,
                                                  VirtualServiceRoutes.ManagedRoute route, String baselineHost) {
        return withBaseline(virtualService, route, "host", baselineHost);
    }

    /** As {@link #withBaseline(GenericKubernetesResource, VirtualServiceRoutes.ManagedRoute, String)}, by subset. */
    static GenericKubernetesResource withBaselineSubset(GenericKubernetesResource virtualService,
                                                        VirtualServiceRoutes.ManagedRoute route) {
        return withBaseline(virtualService, route, "subset", SUBSET);
    }

    private static GenericKubernetesResource withBaseline(GenericKubernetesResource virtualService,
                                                          VirtualServiceRoutes.ManagedRoute route, String field,
                                                          String value) {
        if (route.baselineIndex() >= 0) {
            return virtualService;
        }
        GenericKubernetesResource copy = Serialization.clone(virtualService);
        List<Object> destinations = VirtualServiceRoutes.destinations(VirtualServiceRoutes.asMap(
                VirtualServiceRoutes.httpRoutes(copy).get(route.index())));
        Map<String, Object> baseline = new LinkedHashMap<>(
                VirtualServiceRoutes.asMap(destinations.get(route.canaryIndex())));
        Map<String, Object> destination = new LinkedHashMap<>(VirtualServiceRoutes.asMap(baseline.get("destination")));
        destination.put(field, value);
        baseline.put("destination", destination);
        baseline.put("weight", 0);
        destinations.add(route.canaryIndex() + 1, baseline);
        return copy;
    }

    /** A copy without the baseline destination, its weight given back to the stable. */
    static GenericKubernetesResource withoutBaseline(GenericKubernetesResource virtualService,
                                                     VirtualServiceRoutes.ManagedRoute route) {
        if (route.baselineIndex() < 0) {
            return virtualService;
        }
        GenericKubernetesResource copy = Serialization.clone(virtualService);
        List<Object> destinations = VirtualServiceRoutes.destinations(VirtualServiceRoutes.asMap(
                VirtualServiceRoutes.httpRoutes(copy).get(route.index())));
        Map<String, Object> stable = VirtualServiceRoutes.asMap(destinations.get(route.stableIndex()));
        stable.put("weight", route.stableWeight() + route.baselineWeight());
        destinations.remove(route.baselineIndex());
        return copy;
    }
}
