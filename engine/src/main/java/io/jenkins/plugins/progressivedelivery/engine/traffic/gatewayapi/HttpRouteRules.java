package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.util.List;

/** {@link RouteRules} of an HTTPRoute (v1 and v1beta1 share the v1 spec types): where its types keep each field. */
final class HttpRouteRules
        extends AbstractRouteRules<HTTPRouteRule, HTTPBackendRef, HTTPRouteMatch, HTTPHeaderMatch, HTTPRouteFilter> {
    static final HttpRouteRules INSTANCE = new HttpRouteRules();

    private HttpRouteRules() {
    }

    @Override
    public String name(HTTPRouteRule rule) {
        return rule.getName();
    }

    @Override
    void setName(HTTPRouteRule rule, String name) {
        rule.setName(name);
    }

    @Override
    List<HTTPBackendRef> backendRefs(HTTPRouteRule rule) {
        return rule.getBackendRefs();
    }

    @Override
    void setBackendRefs(HTTPRouteRule rule, List<HTTPBackendRef> refs) {
        rule.setBackendRefs(refs);
    }

    @Override
    Backend backend(HTTPBackendRef ref) {
        return new Backend(ref.getName(), ref.getNamespace(), ref.getKind(), ref.getGroup(), ref.getPort(),
                ref.getWeight());
    }

    @Override
    void setBackendWeight(HTTPBackendRef ref, int weight) {
        ref.setWeight(weight);
    }

    @Override
    List<HTTPRouteMatch> matches(HTTPRouteRule rule) {
        return rule.getMatches();
    }

    @Override
    void setMatches(HTTPRouteRule rule, List<HTTPRouteMatch> matches) {
        rule.setMatches(matches);
    }

    @Override
    HTTPRouteMatch newMatch() {
        return new HTTPRouteMatch();
    }

    @Override
    List<HTTPHeaderMatch> headers(HTTPRouteMatch match) {
        return match.getHeaders();
    }

    @Override
    void setHeaders(HTTPRouteMatch match, List<HTTPHeaderMatch> headers) {
        match.setHeaders(headers);
    }

    @Override
    HTTPHeaderMatch newHeader(String name, String type, String value) {
        return new HTTPHeaderMatch(name, type, value);
    }

    @Override
    List<HTTPRouteFilter> filters(HTTPRouteRule rule) {
        return rule.getFilters();
    }

    @Override
    void setFilters(HTTPRouteRule rule, List<HTTPRouteFilter> filters) {
        rule.setFilters(filters);
    }

    @Override
    String type(HTTPRouteFilter filter) {
        return filter.getType();
    }

    @Override
    HTTPRouteFilter newMirrorFilter(HTTPRequestMirrorFilter mirror) {
        HTTPRouteFilter filter = new HTTPRouteFilter();
        filter.setType("RequestMirror");
        filter.setRequestMirror(mirror);
        return filter;
    }

    @Override
    void setRequest(HTTPRouteMatch converted, PlanStep.RouteMatch match) {
        if (match.method() != null) {
            converted.setMethod(match.method().exact());
        }
        if (match.path() != null) {
            HTTPPathMatch path = new HTTPPathMatch();
            path.setType(switch (match.path().type()) {
                case "exact" -> "Exact";
                case "prefix" -> "PathPrefix";
                default -> "RegularExpression";
            });
            path.setValue(match.path().value());
            converted.setPath(path);
        }
    }
}
