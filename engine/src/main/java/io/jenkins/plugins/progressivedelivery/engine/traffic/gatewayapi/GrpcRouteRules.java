package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.util.List;

/**
 * {@link RouteRules} of a GRPCRoute: where its types keep each field. Its matches are by gRPC method and headers,
 * not by HTTP path or method.
 */
final class GrpcRouteRules
        extends AbstractRouteRules<GRPCRouteRule, GRPCBackendRef, GRPCRouteMatch, GRPCHeaderMatch, GRPCRouteFilter> {
    static final GrpcRouteRules INSTANCE = new GrpcRouteRules();

    private GrpcRouteRules() {
    }

    @Override
    public String unsupported(PlanStep.RouteMatch match) {
        if (match.path() != null || match.method() != null) {
            return "a GRPCRoute matches gRPC methods and headers, not HTTP paths or methods; match on headers only";
        }
        return null;
    }

    @Override
    public String name(GRPCRouteRule rule) {
        return rule.getName();
    }

    @Override
    void setName(GRPCRouteRule rule, String name) {
        rule.setName(name);
    }

    @Override
    List<GRPCBackendRef> backendRefs(GRPCRouteRule rule) {
        return rule.getBackendRefs();
    }

    @Override
    void setBackendRefs(GRPCRouteRule rule, List<GRPCBackendRef> refs) {
        rule.setBackendRefs(refs);
    }

    @Override
    Backend backend(GRPCBackendRef ref) {
        return new Backend(ref.getName(), ref.getNamespace(), ref.getKind(), ref.getGroup(), ref.getPort(),
                ref.getWeight());
    }

    @Override
    void setBackendWeight(GRPCBackendRef ref, int weight) {
        ref.setWeight(weight);
    }

    @Override
    List<GRPCRouteMatch> matches(GRPCRouteRule rule) {
        return rule.getMatches();
    }

    @Override
    void setMatches(GRPCRouteRule rule, List<GRPCRouteMatch> matches) {
        rule.setMatches(matches);
    }

    @Override
    GRPCRouteMatch newMatch() {
        return new GRPCRouteMatch();
    }

    @Override
    List<GRPCHeaderMatch> headers(GRPCRouteMatch match) {
        return match.getHeaders();
    }

    @Override
    void setHeaders(GRPCRouteMatch match, List<GRPCHeaderMatch> headers) {
        match.setHeaders(headers);
    }

    @Override
    GRPCHeaderMatch newHeader(String name, String type, String value) {
        return new GRPCHeaderMatch(name, type, value);
    }

    @Override
    List<GRPCRouteFilter> filters(GRPCRouteRule rule) {
        return rule.getFilters();
    }

    @Override
    void setFilters(GRPCRouteRule rule, List<GRPCRouteFilter> filters) {
        rule.setFilters(filters);
    }

    @Override
    String type(GRPCRouteFilter filter) {
        return filter.getType();
    }

    @Override
    GRPCRouteFilter newMirrorFilter(HTTPRequestMirrorFilter mirror) {
        GRPCRouteFilter filter = new GRPCRouteFilter();
        filter.setType("RequestMirror");
        filter.setRequestMirror(mirror);
        return filter;
    }
}
