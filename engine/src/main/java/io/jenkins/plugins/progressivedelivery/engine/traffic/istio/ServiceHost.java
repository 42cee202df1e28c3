package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import java.util.Optional;

/**
 * A destination host that names a Kubernetes Service: {@code web}, {@code web.demo}, {@code web.demo.svc} or
 * {@code web.demo.svc.cluster.local} (any cluster domain). A short name is in the namespace of the Istio object.
 */
public record ServiceHost(String name, String namespace) {

    /** The Service a host names, or empty for hosts outside the cluster and wildcards. */
    public static Optional<ServiceHost> parse(String host, String defaultNamespace) {
        if (host == null || host.isBlank() || host.contains("*")) {
            return Optional.empty();
        }
        String[] parts = host.split("\\.");
        if (parts.length == 1) {
            return Optional.of(new ServiceHost(parts[0], defaultNamespace));
        }
        if (parts.length == 2 || "svc".equals(parts[2])) {
            return Optional.of(new ServiceHost(parts[0], parts[1]));
        }
        return Optional.empty();
    }

    public boolean is(String serviceName, String serviceNamespace) {
        return name.equals(serviceName) && namespace.equals(serviceNamespace);
    }
}
