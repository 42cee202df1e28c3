package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeErrors;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which version of Istio's {@code networking.istio.io} API a cluster serves. Istio 1.22+ serves v1, older releases
 * v1beta1 and v1alpha3; VirtualService and DestinationRule have the same schema in all three, so the engine uses the
 * newest one served.
 */
public final class IstioApi {
    public static final String GROUP = "networking.istio.io";
    /** In order of preference. */
    public static final List<String> VERSIONS = List.of("v1", "v1beta1", "v1alpha3");

    private IstioApi() {
    }

    /**
     * The version to use, or null when the cluster does not serve the group (Istio is not installed).
     *
     * @throws io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException when discovery fails
     */
    public static String servedVersion(KubernetesClient client) {
        APIGroup group;
        try {
            group = client.getApiGroup(GROUP);
        } catch (KubernetesClientException e) {
            throw KubeErrors.toClusterException(e, "discover the Istio API (GET /apis/" + GROUP + ")");
        }
        if (group == null || group.getVersions() == null) {
            return null;
        }
        Set<String> served = group.getVersions().stream().map(GroupVersionForDiscovery::getVersion)
                .collect(Collectors.toSet());
        return VERSIONS.stream().filter(served::contains).findFirst().orElse(null);
    }

    public static ResourceDefinitionContext virtualServices(String version) {
        return context(version, "VirtualService", "virtualservices");
    }

    public static ResourceDefinitionContext destinationRules(String version) {
        return context(version, "DestinationRule", "destinationrules");
    }

    // Given explicitly, fabric8 needs no discovery call to find the plural and scope.
    private static ResourceDefinitionContext context(String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(GROUP)
                .withVersion(version)
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }
}
