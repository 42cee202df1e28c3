package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link RouteRules} of a GRPCRoute: matches are by gRPC method and headers, not by HTTP path or method. */
final class GrpcRouteRules implements RouteRules<GRPCRouteRule> {
    static final GrpcRouteRules INSTANCE = new GrpcRouteRules();

    private GrpcRouteRules() {
    }

    @Override
    public String name(GRPCRouteRule rule) {
        return rule.getName();
    }

    @Override
    public List<Backend> backends(GRPCRouteRule rule) {
        List<Backend> backends = new ArrayList<>();
        for (GRPCBackendRef ref : orEmpty(rule.getBackendRefs())) {
            backends.add(new Backend(ref.getName(), ref.getNamespace(), ref.getKind(), ref.getGroup(), ref.getPort(),
                    ref.getWeight()));
        }
        return backends;
    }

    @Override
    public void setWeight(GRPCRouteRule rule, int backendIndex, int weight) {
        rule.getBackendRefs().get(backendIndex).setWeight(weight);
    }

    @Override
    public GRPCRouteRule headerRule(GRPCRouteRule weighted, String name, int canaryIndex,
                                    List<PlanStep.HeaderMatch> headers) {
        GRPCRouteRule rule = Serialization.clone(weighted);
        rule.setName(name);
        GRPCBackendRef canary = rule.getBackendRefs().get(canaryIndex);
        canary.setWeight(100);
        rule.setBackendRefs(new ArrayList<>(List.of(canary)));
        List<GRPCRouteMatch> matches = orEmpty(rule.getMatches()).isEmpty()
                ? new ArrayList<>(List.of(new GRPCRouteMatch())) : rule.getMatches();
        for (GRPCRouteMatch match : matches) {
            List<GRPCHeaderMatch> conditions = new ArrayList<>(orEmpty(match.getHeaders()));
            for (PlanStep.HeaderMatch header : headers) {
                conditions.add(headerMatch(header.headerName(), header.headerValue()));
            }
            match.setHeaders(conditions);
        }
        rule.setMatches(matches);
        return rule;
    }

    @Override
    public GRPCRouteRule mirrorRule(GRPCRouteRule weighted, String name, int canaryIndex, int percent,
                                    List<PlanStep.RouteMatch> matches) {
        GRPCRouteRule rule = Serialization.clone(weighted);
        rule.setName(name);
        if (!matches.isEmpty()) {
            List<GRPCRouteMatch> converted = new ArrayList<>();
            for (PlanStep.RouteMatch match : matches) {
                GRPCRouteMatch grpc = new GRPCRouteMatch();
                List<GRPCHeaderMatch> headers = new ArrayList<>();
                for (Map.Entry<String, PlanStep.StringMatch> header : match.headers().entrySet()) {
                    headers.add(headerMatch(header.getKey(), header.getValue()));
                }
                grpc.setHeaders(headers);
                converted.add(grpc);
            }
            rule.setMatches(converted);
        }
        GRPCBackendRef canary = rule.getBackendRefs().get(canaryIndex);
        BackendObjectReference target = new BackendObjectReference();
        target.setName(canary.getName());
        target.setNamespace(canary.getNamespace());
        target.setKind(canary.getKind());
        target.setGroup(canary.getGroup());
        target.setPort(canary.getPort());
        HTTPRequestMirrorFilter mirror = new HTTPRequestMirrorFilter();
        mirror.setBackendRef(target);
        mirror.setPercent(percent == 100 ? null : percent);
        GRPCRouteFilter filter = new GRPCRouteFilter();
        filter.setType("RequestMirror");
        filter.setRequestMirror(mirror);
        List<GRPCRouteFilter> filters = new ArrayList<>(orEmpty(rule.getFilters()));
        filters.add(filter);
        rule.setFilters(filters);
        return rule;
    }

    @Override
    public boolean mirrors(GRPCRouteRule rule) {
        return orEmpty(rule.getFilters()).stream().anyMatch(f -> "RequestMirror".equals(f.getType()));
    }

    @Override
    public String unsupported(PlanStep.RouteMatch match) {
        if (match.path() != null || match.method() != null) {
            return "a GRPCRoute matches gRPC methods and headers, not HTTP paths or methods; match on headers only";
        }
        return null;
    }

    private static GRPCHeaderMatch headerMatch(String name, PlanStep.StringMatch value) {
        GRPCHeaderMatch match = new GRPCHeaderMatch();
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
