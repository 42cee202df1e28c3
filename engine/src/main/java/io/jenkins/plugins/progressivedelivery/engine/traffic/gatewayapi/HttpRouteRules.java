package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link RouteRules} of an HTTPRoute (v1 and v1beta1 share the v1 spec types). */
final class HttpRouteRules implements RouteRules<HTTPRouteRule> {
    static final HttpRouteRules INSTANCE = new HttpRouteRules();

    private HttpRouteRules() {
    }

    @Override
    public String name(HTTPRouteRule rule) {
        return rule.getName();
    }

    @Override
    public List<Backend> backends(HTTPRouteRule rule) {
        List<Backend> backends = new ArrayList<>();
        for (HTTPBackendRef ref : orEmpty(rule.getBackendRefs())) {
            backends.add(new Backend(ref.getName(), ref.getNamespace(), ref.getKind(), ref.getGroup(), ref.getPort(),
                    ref.getWeight()));
        }
        return backends;
    }

    @Override
    public void setWeight(HTTPRouteRule rule, int backendIndex, int weight) {
        rule.getBackendRefs().get(backendIndex).setWeight(weight);
    }

    @Override
    public HTTPRouteRule headerRule(HTTPRouteRule weighted, String name, int canaryIndex,
                                    List<PlanStep.HeaderMatch> headers) {
        HTTPRouteRule rule = Serialization.clone(weighted);
        rule.setName(name);
        HTTPBackendRef canary = rule.getBackendRefs().get(canaryIndex);
        canary.setWeight(100);
        rule.setBackendRefs(new ArrayList<>(List.of(canary)));
        List<HTTPRouteMatch> matches = orEmpty(rule.getMatches()).isEmpty()
                ? new ArrayList<>(List.of(new HTTPRouteMatch())) : rule.getMatches();
        for (HTTPRouteMatch match : matches) {
            List<HTTPHeaderMatch> conditions = new ArrayList<>(orEmpty(match.getHeaders()));
            for (PlanStep.HeaderMatch header : headers) {
                conditions.add(headerMatch(header.headerName(), header.headerValue()));
            }
            match.setHeaders(conditions);
        }
        rule.setMatches(matches);
        return rule;
    }

    @Override
    public HTTPRouteRule mirrorRule(HTTPRouteRule weighted, String name, int canaryIndex, int percent,
                                    List<PlanStep.RouteMatch> matches) {
        HTTPRouteRule rule = Serialization.clone(weighted);
        rule.setName(name);
        if (!matches.isEmpty()) {
            List<HTTPRouteMatch> converted = new ArrayList<>();
            for (PlanStep.RouteMatch match : matches) {
                converted.add(routeMatch(match));
            }
            rule.setMatches(converted);
        }
        List<HTTPRouteFilter> filters = new ArrayList<>(orEmpty(rule.getFilters()));
        HTTPRouteFilter mirror = new HTTPRouteFilter();
        mirror.setType("RequestMirror");
        mirror.setRequestMirror(mirrorFilter(rule.getBackendRefs().get(canaryIndex), percent));
        filters.add(mirror);
        rule.setFilters(filters);
        return rule;
    }

    @Override
    public boolean mirrors(HTTPRouteRule rule) {
        return orEmpty(rule.getFilters()).stream().anyMatch(f -> "RequestMirror".equals(f.getType()));
    }

    @Override
    public String unsupported(PlanStep.RouteMatch match) {
        return null;
    }

    static HTTPRequestMirrorFilter mirrorFilter(HTTPBackendRef canary, int percent) {
        BackendObjectReference target = new BackendObjectReference();
        target.setName(canary.getName());
        target.setNamespace(canary.getNamespace());
        target.setKind(canary.getKind());
        target.setGroup(canary.getGroup());
        target.setPort(canary.getPort());
        HTTPRequestMirrorFilter filter = new HTTPRequestMirrorFilter();
        filter.setBackendRef(target);
        // Without percent every request is mirrored; the field is only understood by Gateway API 1.2 and later.
        filter.setPercent(percent == 100 ? null : percent);
        return filter;
    }

    private static HTTPRouteMatch routeMatch(PlanStep.RouteMatch match) {
        HTTPRouteMatch converted = new HTTPRouteMatch();
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
        List<HTTPHeaderMatch> headers = new ArrayList<>();
        for (Map.Entry<String, PlanStep.StringMatch> header : match.headers().entrySet()) {
            headers.add(headerMatch(header.getKey(), header.getValue()));
        }
        converted.setHeaders(headers);
        return converted;
    }

    /** Gateway API header matches are Exact or RegularExpression; a prefix becomes an anchored expression. */
    private static HTTPHeaderMatch headerMatch(String name, PlanStep.StringMatch value) {
        HTTPHeaderMatch match = new HTTPHeaderMatch();
        match.setName(name);
        if (value.exact() != null) {
            match.setType("Exact");
            match.setValue(value.exact());
        } else {
            match.setType("RegularExpression");
            match.setValue(value.regex() != null ? value.regex() : RouteRules.prefixRegex(value.prefix()));
        }
        return match;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
