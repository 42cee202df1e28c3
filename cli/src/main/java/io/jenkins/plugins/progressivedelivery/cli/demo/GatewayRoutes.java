package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Gateway would do with the shop app's requests, worked out from its HTTPRoute as the Gateway API says: the
 * users' requests match rule {@code primary} and are split by its backendRefs' weights; testers' requests (header
 * {@code X-Canary: always}) go to the first rule that matches that header, else to {@code primary} as everyone's.
 * The simulator reads it on every tick, so it follows whatever the engine writes.
 */
final class GatewayRoutes {
    static final String TESTER_HEADER = "X-Canary";
    static final String TESTER_VALUE = "always";

    private GatewayRoutes() {
    }

    /** The streams of {@code usersPerSecond} users and {@code testersPerSecond} testers, labelled {@code app}. */
    static List<TrafficSimulator.Stream> streams(KubernetesClient client, String namespace, String route,
                                                 String rule, double usersPerSecond, double testersPerSecond) {
        HTTPRoute httpRoute = client.resources(HTTPRoute.class).inNamespace(namespace).withName(route).get();
        if (httpRoute == null || httpRoute.getSpec() == null || httpRoute.getSpec().getRules() == null) {
            return List.of();
        }
        List<Service> services = client.services().inNamespace(namespace).list().getItems();
        List<Deployment> deployments = client.apps().deployments().inNamespace(namespace).list().getItems();
        List<TrafficSimulator.Stream> streams = new ArrayList<>();
        HTTPRouteRule weighted = null;
        HTTPRouteRule testers = null;
        for (HTTPRouteRule candidate : httpRoute.getSpec().getRules()) {
            if (rule.equals(candidate.getName())) {
                weighted = candidate;
            } else if (testers == null && matchesTesters(candidate)) {
                testers = candidate;
            }
        }
        if (weighted == null) {
            return List.of();
        }
        double primary = usersPerSecond + (testers == null ? testersPerSecond : 0);
        streams.addAll(split(route, weighted, primary, services, deployments));
        if (testers != null) {
            streams.addAll(split(route, testers, testersPerSecond, services, deployments));
        }
        return streams;
    }

    private static boolean matchesTesters(HTTPRouteRule rule) {
        return rule.getMatches() != null && rule.getMatches().stream().anyMatch(m -> m.getHeaders() != null
                && m.getHeaders().stream().anyMatch(h -> TESTER_HEADER.equalsIgnoreCase(h.getName())
                && TESTER_VALUE.equals(h.getValue())));
    }

    private static List<TrafficSimulator.Stream> split(String app, HTTPRouteRule rule, double requestsPerSecond,
                                                       List<Service> services, List<Deployment> deployments) {
        List<HTTPBackendRef> backends = rule.getBackendRefs() == null ? List.of() : rule.getBackendRefs();
        int total = backends.stream().mapToInt(b -> b.getWeight() == null ? 1 : b.getWeight()).sum();
        List<TrafficSimulator.Stream> streams = new ArrayList<>();
        for (HTTPBackendRef backend : backends) {
            int weight = backend.getWeight() == null ? 1 : backend.getWeight();
            Service service = services.stream().filter(s -> s.getMetadata().getName().equals(backend.getName()))
                    .findFirst().orElse(null);
            Map<String, String> selector = service == null || service.getSpec().getSelector() == null ? Map.of()
                    : service.getSpec().getSelector();
            Deployment selected = service == null ? null : deployments.stream()
                    .filter(d -> MeshRoutes.selects(selector, d)).findFirst().orElse(null);
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("app", app);
            labels.put("version", selector.getOrDefault("track", backend.getName()));
            streams.add(new TrafficSimulator.Stream(labels, total == 0 ? 0 : requestsPerSecond * weight / total,
                    selected == null ? null : selected.getMetadata().getName(),
                    selected == null ? null : MeshRoutes.image(selected),
                    selected == null ? 0 : MeshRoutes.readyReplicas(selected)));
        }
        return streams;
    }
}
