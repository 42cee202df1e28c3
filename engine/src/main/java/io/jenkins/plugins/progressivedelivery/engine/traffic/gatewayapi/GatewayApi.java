package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeErrors;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which version of the Kubernetes Gateway API ({@code gateway.networking.k8s.io}) serves a route kind: HTTPRoute is
 * v1 since Gateway API 1.0 and v1beta1 before (same schema), GRPCRoute v1 since 1.1. Discovery decides, per
 * resource, since a cluster may have the group with some of its CRDs missing.
 */
public final class GatewayApi {
    public static final String GROUP = "gateway.networking.k8s.io";

    private GatewayApi() {
    }

    /** What discovery found for a resource: the version to use, or what is missing. */
    record Served(String version, String missing) {
    }

    /**
     * @param plural   {@code httproutes}
     * @param versions the versions this code can use, in order of preference
     * @throws io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException when discovery fails
     */
    static Served servedVersion(KubernetesClient client, String plural, String kind, List<String> versions) {
        APIGroup group;
        try {
            group = client.getApiGroup(GROUP);
        } catch (KubernetesClientException e) {
            throw KubeErrors.toClusterException(e, "discover the Gateway API (GET /apis/" + GROUP + ")");
        }
        String crd = plural + "." + GROUP;
        if (group == null || group.getVersions() == null || group.getVersions().isEmpty()) {
            return new Served(null, "the cluster does not serve the Gateway API (" + GROUP + "): the CRD " + crd
                    + " is not installed; install the Gateway API CRDs (standard channel, v1.0 or later) and a"
                    + " controller that implements " + kind);
        }
        Set<String> served = group.getVersions().stream().map(GroupVersionForDiscovery::getVersion)
                .collect(Collectors.toSet());
        for (String version : versions) {
            if (!served.contains(version)) {
                continue;
            }
            APIResourceList resources;
            try {
                resources = client.getApiResources(GROUP + "/" + version);
            } catch (KubernetesClientException e) {
                throw KubeErrors.toClusterException(e, "discover the Gateway API (GET /apis/" + GROUP + "/"
                        + version + ")");
            }
            if (resources != null && resources.getResources() != null && resources.getResources().stream()
                    .map(APIResource::getName).anyMatch(plural::equals)) {
                return new Served(version, null);
            }
        }
        return new Served(null, "the cluster serves " + GROUP + " " + served.stream().sorted().toList()
                + " but not " + kind + " in " + String.join(" or ", versions) + ": the CRD " + crd + " is not"
                + " installed (or too old); install it from the Gateway API standard channel"
                + (kind.equals("GRPCRoute") ? " v1.1 or later" : " v1.0 or later"));
    }
}
