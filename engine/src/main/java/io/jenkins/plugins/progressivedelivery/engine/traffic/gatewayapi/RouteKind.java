package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.List;

/** HTTPRoute or GRPCRoute: the fabric8 model class for each served version, and the route's rules. */
abstract class RouteKind<RULE> {
    static final RouteKind<HTTPRouteRule> HTTP = new RouteKind<>("HTTPRoute", "httproutes", List.of("v1", "v1beta1"),
            HttpRouteRules.INSTANCE) {
        @Override
        Class<? extends HasMetadata> type(String version) {
            return "v1".equals(version) ? HTTPRoute.class
                    : io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.HTTPRoute.class;
        }

        @Override
        List<HTTPRouteRule> rules(HasMetadata route) {
            HTTPRouteSpec spec = route instanceof HTTPRoute v1 ? v1.getSpec()
                    : ((io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.HTTPRoute) route).getSpec();
            if (spec == null) {
                return new ArrayList<>();
            }
            if (spec.getRules() == null) {
                spec.setRules(new ArrayList<>());
            }
            return spec.getRules();
        }
    };

    static final RouteKind<GRPCRouteRule> GRPC = new RouteKind<>("GRPCRoute", "grpcroutes", List.of("v1"),
            GrpcRouteRules.INSTANCE) {
        @Override
        Class<? extends HasMetadata> type(String version) {
            return GRPCRoute.class;
        }

        @Override
        List<GRPCRouteRule> rules(HasMetadata route) {
            GRPCRouteSpec spec = ((GRPCRoute) route).getSpec();
            if (spec == null) {
                return new ArrayList<>();
            }
            if (spec.getRules() == null) {
                spec.setRules(new ArrayList<>());
            }
            return spec.getRules();
        }
    };

    final String kind;
    final String plural;
    /** In order of preference. */
    final List<String> versions;
    final RouteRules<RULE> model;

    private RouteKind(String kind, String plural, List<String> versions, RouteRules<RULE> model) {
        this.kind = kind;
        this.plural = plural;
        this.versions = versions;
        this.model = model;
    }

    abstract Class<? extends HasMetadata> type(String version);

    /** The route's rules, a live (mutable) list of the object. */
    abstract List<RULE> rules(HasMetadata route);

    @SuppressWarnings({"unchecked", "rawtypes"})
    NonNamespaceOperation<HasMetadata, ?, Resource<HasMetadata>> operations(KubernetesClient client,
                                                                            String namespace, String version) {
        return (NonNamespaceOperation) client.resources(type(version)).inNamespace(namespace);
    }
}
