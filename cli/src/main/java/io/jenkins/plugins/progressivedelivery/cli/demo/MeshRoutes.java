package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the mesh would do with a request for the demo app, worked out from the cluster as Istio would: the
 * VirtualService route's destinations and weights, each destination's Service (and DestinationRule subset), the
 * pods those select, and the image those pods run. The traffic simulator reads it on every tick, so it follows
 * whatever the engine writes.
 */
public final class MeshRoutes {
    private MeshRoutes() {
    }

    /**
     * One weighted destination of the route.
     *
     * @param version       the name requests are counted under: the {@code track} label the destination selects
     *                      ({@code stable}, {@code canary}), else the subset or host
     * @param weight        percentage of requests
     * @param image         what the selected pods run (null when no Deployment matches)
     * @param readyReplicas how many selected pods are ready (0: requests there fail with 503)
     * @param deployment    the Deployment whose pods are selected (null when none is)
     */
    public record Destination(String version, int weight, String image, int readyReplicas, String deployment) { }

    /**
     * The requests of {@code requestsPerSecond} split by the destinations' weights, counted under
     * {@code version} ({@code http_requests_total{version="canary",code="200"}}).
     */
    public static List<TrafficSimulator.Stream> streams(List<Destination> destinations, double requestsPerSecond) {
        return destinations.stream().map(d -> new TrafficSimulator.Stream(Map.of("version", d.version()),
                requestsPerSecond * d.weight() / 100.0, d.deployment(), d.image(), d.readyReplicas())).toList();
    }

    /** Reads the route {@code route} of VirtualService {@code virtualService} in {@code namespace}. */
    public static List<Destination> read(KubernetesClient client, String namespace, String virtualService,
                                         String route) {
        GenericKubernetesResource vs = client.genericKubernetesResources(EmbeddedCluster.VIRTUAL_SERVICE)
                .inNamespace(namespace).withName(virtualService).get();
        if (vs == null) {
            return List.of();
        }
        List<Service> services = client.services().inNamespace(namespace).list().getItems();
        List<Deployment> deployments = client.apps().deployments().inNamespace(namespace).list().getItems();
        List<GenericKubernetesResource> rules = hasSubsets(vs, route)
                ? client.genericKubernetesResources(EmbeddedCluster.DESTINATION_RULE).inNamespace(namespace).list()
                .getItems()
                : List.of();
        return resolve(vs, route, services, deployments, rules);
    }

    /** The pure part of {@link #read}: no I/O. */
    static List<Destination> resolve(GenericKubernetesResource vs, String route, List<Service> services,
                                     List<Deployment> deployments, List<GenericKubernetesResource> rules) {
        List<Map<String, Object>> destinations = list(findRoute(vs, route).get("route"));
        List<Destination> out = new ArrayList<>();
        for (Map<String, Object> weighted : destinations) {
            Map<String, Object> destination = map(weighted.get("destination"));
            String host = Objects.toString(destination.get("host"), "");
            String subset = (String) destination.get("subset");
            Object weightValue = weighted.get("weight");
            // Istio: a lone destination without a weight takes all traffic.
            int weight = weightValue instanceof Number n ? n.intValue() : destinations.size() == 1 ? 100 : 0;
            String serviceName = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
            Service service = services.stream().filter(s -> s.getMetadata().getName().equals(serviceName))
                    .findFirst().orElse(null);
            Map<String, String> selector = new LinkedHashMap<>();
            if (service != null && service.getSpec().getSelector() != null) {
                selector.putAll(service.getSpec().getSelector());
            }
            if (subset != null) {
                selector.putAll(subsetLabels(rules, serviceName, subset));
            }
            Deployment selected = service == null ? null : deployments.stream()
                    .filter(d -> selects(selector, d)).findFirst().orElse(null);
            String version = selector.getOrDefault("track", subset != null ? subset : serviceName);
            out.add(new Destination(version, weight, selected == null ? null : image(selected),
                    selected == null ? 0 : readyReplicas(selected),
                    selected == null ? null : selected.getMetadata().getName()));
        }
        return out;
    }

    private static boolean hasSubsets(GenericKubernetesResource vs, String route) {
        return list(findRoute(vs, route).get("route")).stream()
                .anyMatch(d -> map(d.get("destination")).get("subset") != null);
    }

    private static Map<String, Object> findRoute(GenericKubernetesResource vs, String route) {
        Map<String, Object> spec = map(vs.getAdditionalProperties().get("spec"));
        return list(spec.get("http")).stream().filter(r -> route.equals(r.get("name"))).findFirst()
                .orElse(Map.of());
    }

    private static Map<String, String> subsetLabels(List<GenericKubernetesResource> rules, String host,
                                                    String subset) {
        for (GenericKubernetesResource rule : rules) {
            Map<String, Object> spec = map(rule.getAdditionalProperties().get("spec"));
            String ruleHost = Objects.toString(spec.get("host"), "");
            if (!ruleHost.equals(host) && !ruleHost.startsWith(host + ".")) {
                continue;
            }
            for (Map<String, Object> s : list(spec.get("subsets"))) {
                if (subset.equals(s.get("name"))) {
                    Map<String, String> labels = new LinkedHashMap<>();
                    map(s.get("labels")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
                    return labels;
                }
            }
        }
        return Map.of("subset-not-found", subset); // selects nothing, as Istio would route to no endpoint
    }

    /** Whether a Service with {@code selector} selects the pods of {@code deployment}. */
    static boolean selects(Map<String, String> selector, Deployment deployment) {
        if (selector.isEmpty() || deployment.getSpec().getTemplate().getMetadata() == null) {
            return false;
        }
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    static String image(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    static int readyReplicas(Deployment deployment) {
        Integer ready = deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
        Integer desired = deployment.getSpec().getReplicas();
        // Scaled to zero, a Deployment's stale status must not count as ready pods.
        return ready == null ? 0 : Math.min(ready, desired == null ? 1 : desired);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        if (!(value instanceof List<?> l)) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : l) {
            if (item instanceof Map<?, ?> m) {
                out.add((Map<String, Object>) m);
            }
        }
        return out;
    }
}
