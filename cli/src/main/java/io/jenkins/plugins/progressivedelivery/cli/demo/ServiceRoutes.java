package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where requests to a Kubernetes Service end up, worked out from the cluster as kube-proxy would with no mesh: the
 * Service's selector picks the pods of one or more Deployments, and requests spread over their ready pods. The
 * traffic simulator reads it on every tick for the blue-green app, so a flipped selector moves production traffic
 * on the next tick.
 */
public final class ServiceRoutes {
    private ServiceRoutes() {
    }

    /**
     * One set of pods a Service sends requests to.
     *
     * @param service       the Service
     * @param share         the part of the Service's requests these pods get, 0..1 (their share of its ready pods)
     * @param colour        the value of the colour label on these pods (or, when the Service selects nothing, in its
     *                      selector), null when there is none
     * @param deployment    the Deployment of these pods, null when the Service selects none
     * @param image         what they run, null when none
     * @param readyReplicas how many are ready (0: requests fail with 503)
     */
    public record Backend(String service, double share, String colour, String deployment, String image,
                          int readyReplicas) { }

    /** Reads {@code services} of {@code namespace} and the Deployments their selectors pick. */
    public static List<Backend> read(KubernetesClient client, String namespace, List<String> services,
                                     String colourLabel) {
        List<Service> all = client.services().inNamespace(namespace).list().getItems();
        List<Deployment> deployments = client.apps().deployments().inNamespace(namespace).list().getItems();
        return resolve(services, all, deployments, colourLabel);
    }

    /** The pure part of {@link #read}: no I/O. */
    static List<Backend> resolve(List<String> serviceNames, List<Service> services, List<Deployment> deployments,
                                 String colourLabel) {
        List<Backend> out = new ArrayList<>();
        for (String name : serviceNames) {
            Service service = services.stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                    .orElse(null);
            if (service == null) {
                continue; // no Service, no requests: the app's users cannot reach it
            }
            Map<String, String> selector = service.getSpec().getSelector() == null ? Map.of()
                    : new LinkedHashMap<>(service.getSpec().getSelector());
            List<Deployment> selected = deployments.stream().filter(d -> MeshRoutes.selects(selector, d)).toList();
            int ready = selected.stream().mapToInt(MeshRoutes::readyReplicas).sum();
            if (ready == 0) {
                Deployment any = selected.isEmpty() ? null : selected.get(0);
                out.add(new Backend(name, 1, any == null ? selector.get(colourLabel) : colour(any, colourLabel),
                        any == null ? null : any.getMetadata().getName(), any == null ? null : MeshRoutes.image(any),
                        0));
                continue;
            }
            for (Deployment deployment : selected) {
                int podsReady = MeshRoutes.readyReplicas(deployment);
                if (podsReady > 0) {
                    out.add(new Backend(name, (double) podsReady / ready, colour(deployment, colourLabel),
                            deployment.getMetadata().getName(), MeshRoutes.image(deployment), podsReady));
                }
            }
        }
        return out;
    }

    /**
     * The requests of each Service at its rate in {@code requestsPerSecond}, counted under {@code app}, the Service
     * and the colour of the pods answering ({@code http_requests_total{app="pay",service="pay",version="blue",...}}).
     */
    public static List<TrafficSimulator.Stream> streams(String app, List<Backend> backends,
                                                        Map<String, Double> requestsPerSecond) {
        List<TrafficSimulator.Stream> streams = new ArrayList<>();
        for (Backend backend : backends) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("app", app);
            labels.put("service", backend.service());
            labels.put("version", backend.colour() == null ? "none" : backend.colour());
            streams.add(new TrafficSimulator.Stream(labels,
                    requestsPerSecond.getOrDefault(backend.service(), 0.0) * backend.share(), backend.deployment(),
                    backend.image(), backend.readyReplicas()));
        }
        return streams;
    }

    private static String colour(Deployment deployment, String colourLabel) {
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        return labels == null ? null : labels.get(colourLabel);
    }
}
