package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeErrors;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeRef;
import io.jenkins.plugins.progressivedelivery.engine.kube.ReadModifyWrite;
import io.jenkins.plugins.progressivedelivery.engine.plan.GatewayApiSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi.RouteRulesEditor.WeightedRule;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One Gateway API route of a namespace as the routers use it: the version discovery found (once), a read for a
 * preflight that turns a missing CRD, route or rule into a problem of the plan, and read-modify-writes of the whole
 * object with the resourceVersion read, re-read and recomputed on a 409.
 */
final class GatewayRoute<RULE> {
    private final KubernetesClient client;
    private final ReadModifyWrite rmw;
    private final String namespace;
    private final GatewayApiSpec spec;
    final RouteKind<RULE> kind;
    final RouteRulesEditor<RULE> editor;
    final KubeRef ref;
    private volatile String version;

    GatewayRoute(KubernetesClient client, String namespace, GatewayApiSpec spec, RouteKind<RULE> kind) {
        this.client = client;
        this.rmw = new ReadModifyWrite(client);
        this.namespace = namespace;
        this.spec = spec;
        this.kind = kind;
        this.editor = new RouteRulesEditor<>(kind, spec, namespace);
        this.ref = kind == RouteKind.GRPC ? KubeRef.grpcRoute(namespace, spec.routeName())
                : KubeRef.httpRoute(namespace, spec.routeName());
    }

    /** {@code httproute/demo/web rule primary (web-stable/web-canary), gateway.networking.k8s.io/v1}. */
    String describe() {
        String known = version;
        return ref + (spec.rule() == null ? "" : " rule " + spec.rule()) + " (" + spec.stableService() + "/"
                + spec.canaryService() + ")" + (known == null ? "" : ", " + GatewayApi.GROUP + "/" + known);
    }

    /** The route, for a preflight; null when the CRD is missing or the route cannot be read, with the problem. */
    HasMetadata read(List<ValidationError> problems) {
        int known = problems.size();
        GatewayApi.Served served = KubeErrors.orProblem(() -> GatewayApi.servedVersion(client, kind.plural,
                kind.kind, kind.versions), RouteRulesEditor.PATH, problems);
        if (served == null) {
            return null;
        }
        if (served.version() == null) {
            problems.add(new ValidationError(RouteRulesEditor.PATH, served.missing()));
            return null;
        }
        version = served.version();
        HasMetadata route = KubeErrors.orProblem(() -> rmw.read(operations(), ref), spec.routeField(), problems);
        if (route == null && problems.size() == known) {
            problems.add(new ValidationError(spec.routeField(), kind.kind.toLowerCase() + " " + spec.routeName()
                    + " not found in namespace " + namespace + " (" + GatewayApi.GROUP + "/" + version + "); check"
                    + " the name, or create it with a rule whose backendRefs are " + editor.example()));
        }
        return route;
    }

    /** The route as it is now, or null when it is gone. */
    HasMetadata current() {
        return rmw.read(operations(), ref);
    }

    /** The route by name, for a watch (naming it may need a discovery request). */
    Resource<HasMetadata> resource() {
        return operations().withName(spec.routeName());
    }

    /** The weighted rule as it is now. */
    WeightedRule weighted() {
        return locate(rmw.require(operations(), ref));
    }

    /** One read-modify-write; nothing is written when {@code change} leaves the route as it was. */
    ReadModifyWrite.Result<HasMetadata> update(UnaryOperator<HasMetadata> change) {
        try {
            return rmw.update(operations(), ref, change);
        } catch (RuleProblem e) {
            throw e.toClusterException("update " + ref);
        }
    }

    WeightedRule locate(HasMetadata route) {
        try {
            return editor.locate(route);
        } catch (RuleProblem e) {
            throw e.toClusterException("shift traffic with " + ref);
        }
    }

    private NonNamespaceOperation<HasMetadata, ?, Resource<HasMetadata>> operations() {
        return kind.operations(client, namespace, version());
    }

    private String version() {
        String known = version;
        if (known == null) {
            GatewayApi.Served served = GatewayApi.servedVersion(client, kind.plural, kind.kind, kind.versions);
            if (served.version() == null) {
                throw new ClusterException(served.missing(), false, null);
            }
            known = served.version();
            version = known;
        }
        return known;
    }
}
