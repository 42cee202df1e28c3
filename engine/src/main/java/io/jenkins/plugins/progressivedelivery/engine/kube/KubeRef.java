package io.jenkins.plugins.progressivedelivery.engine.kube;

import java.util.Locale;

/**
 * One Kubernetes object the engine reads or writes, named the way the audit trail ({@code deployment/demo/web}) and
 * an RBAC Role ({@code deployments} in API group {@code apps}) name it.
 *
 * @param group  the API group; empty for the core group
 * @param plural the resource name used in RBAC rules and URLs ({@code virtualservices})
 * @param kind   the object kind ({@code VirtualService})
 */
public record KubeRef(String group, String plural, String kind, String namespace, String name) {

    public static KubeRef deployment(String namespace, String name) {
        return new KubeRef("apps", "deployments", "Deployment", namespace, name);
    }

    public static KubeRef service(String namespace, String name) {
        return new KubeRef("", "services", "Service", namespace, name);
    }

    public static KubeRef virtualService(String namespace, String name) {
        return new KubeRef("networking.istio.io", "virtualservices", "VirtualService", namespace, name);
    }

    public static KubeRef destinationRule(String namespace, String name) {
        return new KubeRef("networking.istio.io", "destinationrules", "DestinationRule", namespace, name);
    }

    public static KubeRef httpRoute(String namespace, String name) {
        return new KubeRef("gateway.networking.k8s.io", "httproutes", "HTTPRoute", namespace, name);
    }

    public static KubeRef grpcRoute(String namespace, String name) {
        return new KubeRef("gateway.networking.k8s.io", "grpcroutes", "GRPCRoute", namespace, name);
    }

    public static KubeRef ingress(String namespace, String name) {
        return new KubeRef("networking.k8s.io", "ingresses", "Ingress", namespace, name);
    }

    /** {@code deployments.apps}, {@code services}: how {@code kubectl auth can-i} names the resource. */
    public String qualifiedResource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /** What a Role rule needs for {@code verb} on this object, as a sentence fragment. */
    public String rbacHint(String verb) {
        return "verb \"" + verb + "\" on resource \"" + plural + "\" in apiGroup \""
                + group + "\" (namespace " + namespace + ")";
    }

    /** {@code deployment/demo/web}. */
    @Override
    public String toString() {
        return kind.toLowerCase(Locale.ROOT) + "/" + namespace + "/" + name;
    }
}
