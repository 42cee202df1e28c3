package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeErrors;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeRef;
import io.jenkins.plugins.progressivedelivery.engine.kube.ReadModifyWrite;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.ManagedRoute;
import java.util.List;

/**
 * The Istio objects and Services of one namespace, as the routers use them: the {@code networking.istio.io} version
 * the cluster serves (discovered once), reads for a preflight that turn a missing or forbidden object into a
 * problem of the plan, and the one write that sets a route's two weights.
 */
final class IstioObjects {
    static final String ISTIO = "traffic.istio";

    private final KubernetesClient client;
    private final ReadModifyWrite rmw;
    private final String namespace;
    private volatile String version;

    IstioObjects(KubernetesClient client, String namespace) {
        this.client = client;
        this.rmw = new ReadModifyWrite(client);
        this.namespace = namespace;
    }

    String namespace() {
        return namespace;
    }

    /**
     * For the log: {@code istio host split virtualservice/ns/web route primary (web-stable/web-canary),
     * networking.istio.io/v1}, or the DestinationRule and its subsets for a subset split. {@code first} and
     * {@code second} are the route's two destinations (stable and canary, or blue and green).
     */
    String describe(IstioSpec spec, KubeRef virtualService, KubeRef destinationRule) {
        StringBuilder out = new StringBuilder(spec.isSubsetSplit() ? "istio subset split" : "istio host split")
                .append(' ').append(virtualService);
        if (spec.route() != null) {
            out.append(" route ").append(spec.route());
        }
        if (spec.isSubsetSplit()) {
            out.append(", ").append(destinationRule).append(" subsets ").append(spec.stableSubset())
                    .append('/').append(spec.canarySubset());
        } else {
            out.append(" (").append(spec.stableService()).append('/').append(spec.canaryService()).append(')');
        }
        return out.append(versionSuffix()).toString();
    }

    /** The served version once a preflight or a call discovered it, else null. */
    String knownVersion() {
        return version;
    }

    /** {@code , networking.istio.io/v1} once the version is known, for a description; else empty. */
    String versionSuffix() {
        String known = version;
        return known == null ? "" : ", " + IstioApi.GROUP + "/" + known;
    }

    /**
     * The served version, for a preflight; null when there is none, with the problem added.
     *
     * @param withoutIstio what the plan can do instead, for the message ({@code leave out traffic.istio to ...})
     */
    String discover(List<ValidationError> problems, String withoutIstio) {
        int known = problems.size();
        String served = KubeErrors.orProblem(() -> IstioApi.servedVersion(client), ISTIO, problems);
        if (served == null) {
            if (problems.size() == known) {
                problems.add(new ValidationError(ISTIO, "the cluster does not serve the Istio API "
                        + IstioApi.GROUP + " (" + String.join(", ", IstioApi.VERSIONS) + "); install Istio, or "
                        + withoutIstio));
            }
            return null;
        }
        version = served;
        return served;
    }

    /** The VirtualService, for a preflight; null when it cannot be read, with the problem added. */
    GenericKubernetesResource virtualService(KubeRef ref, List<ValidationError> problems, String create) {
        int known = problems.size();
        GenericKubernetesResource virtualService = KubeErrors.orProblem(() -> rmw.read(virtualServices(), ref),
                ISTIO + ".virtualService", problems);
        if (virtualService == null && problems.size() == known) {
            problems.add(new ValidationError(ISTIO + ".virtualService", "virtualservice " + ref.name()
                    + " not found in namespace " + namespace + " (" + IstioApi.GROUP + "/" + version() + "); check"
                    + " the name, or create it with " + create));
        }
        return virtualService;
    }

    /** The DestinationRule, for a preflight; null when it cannot be read, with the problem added. */
    GenericKubernetesResource destinationRule(KubeRef ref, List<ValidationError> problems, String create) {
        int known = problems.size();
        GenericKubernetesResource rule = KubeErrors.orProblem(() -> rmw.read(destinationRules(), ref),
                ISTIO + ".destinationRule", problems);
        if (rule == null && problems.size() == known) {
            problems.add(new ValidationError(ISTIO + ".destinationRule", "destinationrule " + ref.name()
                    + " not found in namespace " + namespace + "; create it " + create));
        }
        return rule;
    }

    /**
     * A Service of this namespace, for a preflight; null when it cannot be read, with the problem at {@code path}.
     *
     * @param create how to create it, for the message ({@code selecting the stable pods})
     */
    Service service(String name, String path, String create, List<ValidationError> problems) {
        int known = problems.size();
        Service service = KubeErrors.orProblem(() -> rmw.read(client.services().inNamespace(namespace),
                KubeRef.service(namespace, name)), path, problems);
        if (service == null && problems.size() == known) {
            problems.add(new ValidationError(path, "service " + name + " not found in namespace " + namespace
                    + "; create it, " + create));
        }
        return service;
    }

    /** The managed route of the VirtualService as it is now. */
    ManagedRoute route(KubeRef virtualServiceRef, String routeName, VirtualServiceRoutes.Split split) {
        return locate(rmw.require(virtualServices(), virtualServiceRef), routeName, split, virtualServiceRef);
    }

    /**
     * Sets the route's weights to {@code 100 - canaryWeight} and {@code canaryWeight} in one read-modify-write of the
     * whole VirtualService; nothing is written when they already are.
     */
    ReadModifyWrite.Result<GenericKubernetesResource> setWeights(KubeRef virtualServiceRef, String routeName,
                                                                 VirtualServiceRoutes.Split split, int canaryWeight) {
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("weight " + canaryWeight + " is not in 0..100");
        }
        return rmw.update(virtualServices(), virtualServiceRef, current -> VirtualServiceRoutes.withWeights(current,
                locate(current, routeName, split, virtualServiceRef), canaryWeight));
    }

    /**
     * As {@link #setWeights(KubeRef, String, VirtualServiceRoutes.Split, int)}, computed first from {@code lastRead}
     * (one PUT, no GET, when nothing changed since).
     */
    ReadModifyWrite.Result<GenericKubernetesResource> setWeights(KubeRef virtualServiceRef, String routeName,
                                                                 VirtualServiceRoutes.Split split, int canaryWeight,
                                                                 GenericKubernetesResource lastRead) {
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("weight " + canaryWeight + " is not in 0..100");
        }
        return rmw.update(virtualServices(), virtualServiceRef, current -> VirtualServiceRoutes.withWeights(current,
                locate(current, routeName, split, virtualServiceRef), canaryWeight), lastRead);
    }

    /**
     * The rollback's one write: the stable destination of the route at 100, every other at 0 and every managed route
     * (header, mirror) removed, whatever else the route now has; computed first from {@code lastRead}, so that it is one PUT unless the object changed since.
     */
    ReadModifyWrite.Result<GenericKubernetesResource> rollBack(KubeRef virtualServiceRef, String routeName,
                                                               VirtualServiceRoutes.Split split,
                                                               GenericKubernetesResource lastRead) {
        return rmw.update(virtualServices(), virtualServiceRef, current -> IstioManagedRoutes.withoutAll(
                VirtualServiceRoutes.withRollbackWeights(current, locateForRollback(current, routeName, split,
                        virtualServiceRef))), lastRead);
    }

    static VirtualServiceRoutes.RollbackRoute locateForRollback(GenericKubernetesResource virtualService,
                                                                String routeName, VirtualServiceRoutes.Split split,
                                                                KubeRef virtualServiceRef) {
        try {
            return VirtualServiceRoutes.locateForRollback(virtualService, routeName, split);
        } catch (RouteProblem e) {
            throw e.toClusterException("move traffic back to stable with " + virtualServiceRef);
        }
    }

    /** The VirtualService as it is now. */
    GenericKubernetesResource readVirtualService(KubeRef virtualServiceRef) {
        return rmw.require(virtualServices(), virtualServiceRef);
    }

    /** Finds the managed route of an object read after preflight; a route that no longer fits is not retried. */
    static ManagedRoute locate(GenericKubernetesResource virtualService, String routeName,
                               VirtualServiceRoutes.Split split, KubeRef virtualServiceRef) {
        try {
            return VirtualServiceRoutes.locate(virtualService, routeName, split);
        } catch (RouteProblem e) {
            throw e.toClusterException("shift traffic with " + virtualServiceRef);
        }
    }

    ReadModifyWrite rmw() {
        return rmw;
    }

    NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> virtualServices() {
        return client.genericKubernetesResources(IstioApi.virtualServices(version())).inNamespace(namespace);
    }

    NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> destinationRules() {
        return client.genericKubernetesResources(IstioApi.destinationRules(version())).inNamespace(namespace);
    }

    private String version() {
        String known = version;
        if (known == null) {
            known = IstioApi.servedVersion(client);
            if (known == null) {
                throw new ClusterException("the cluster does not serve the Istio API " + IstioApi.GROUP
                        + "; is Istio installed?", false, null);
            }
            version = known;
        }
        return known;
    }
}
