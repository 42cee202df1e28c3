package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link RouteRules} written once for HTTPRoute and GRPCRoute. fabric8 generates a class per route kind for the rule,
 * the backendRef, the match, the header match and the filter; each pair has the same fields but no common supertype,
 * so a subclass only says where its types keep those fields, and every decision is made here.
 *
 * @param <RULE>   {@code HTTPRouteRule} or {@code GRPCRouteRule}
 * @param <REF>    the rule's backendRef type
 * @param <MATCH>  the rule's match type
 * @param <HEADER> the match's header match type
 * @param <FILTER> the rule's filter type
 */
abstract class AbstractRouteRules<RULE, REF, MATCH, HEADER, FILTER> implements RouteRules<RULE> {

    abstract void setName(RULE rule, String name);

    abstract List<REF> backendRefs(RULE rule);

    abstract void setBackendRefs(RULE rule, List<REF> refs);

    abstract Backend backend(REF ref);

    abstract void setBackendWeight(REF ref, int weight);

    abstract List<MATCH> matches(RULE rule);

    abstract void setMatches(RULE rule, List<MATCH> matches);

    abstract MATCH newMatch();

    abstract List<HEADER> headers(MATCH match);

    abstract void setHeaders(MATCH match, List<HEADER> headers);

    /** A header match with Gateway API's {@code type} ({@code Exact} or {@code RegularExpression}). */
    abstract HEADER newHeader(String name, String type, String value);

    abstract List<FILTER> filters(RULE rule);

    abstract void setFilters(RULE rule, List<FILTER> filters);

    abstract String type(FILTER filter);

    abstract FILTER newMirrorFilter(HTTPRequestMirrorFilter mirror);

    /**
     * Sets what a match of this route kind takes besides headers; nothing by default (a GRPCRoute's path and method
     * are refused by {@link #unsupported} before a rule is made).
     */
    void setRequest(MATCH converted, PlanStep.RouteMatch match) {
    }

    @Override
    public String unsupported(PlanStep.RouteMatch match) {
        return null;
    }

    @Override
    public final List<Backend> backends(RULE rule) {
        List<Backend> backends = new ArrayList<>();
        for (REF ref : orEmpty(backendRefs(rule))) {
            backends.add(backend(ref));
        }
        return backends;
    }

    @Override
    public final void setWeight(RULE rule, int backendIndex, int weight) {
        setBackendWeight(backendRefs(rule).get(backendIndex), weight);
    }

    @Override
    public final RULE headerRule(RULE weighted, String name, int canaryIndex, List<PlanStep.HeaderMatch> headers) {
        RULE rule = Serialization.clone(weighted);
        setName(rule, name);
        REF canary = backendRefs(rule).get(canaryIndex);
        setBackendWeight(canary, 100);
        setBackendRefs(rule, new ArrayList<>(List.of(canary)));
        List<MATCH> matches = orEmpty(matches(rule)).isEmpty() ? new ArrayList<>(List.of(newMatch())) : matches(rule);
        for (MATCH match : matches) {
            List<HEADER> conditions = new ArrayList<>(orEmpty(headers(match)));
            for (PlanStep.HeaderMatch header : headers) {
                conditions.add(headerMatch(header.headerName(), header.headerValue()));
            }
            setHeaders(match, conditions);
        }
        setMatches(rule, matches);
        return rule;
    }

    @Override
    public final RULE mirrorRule(RULE weighted, String name, int canaryIndex, int percent,
                                 List<PlanStep.RouteMatch> matches) {
        RULE rule = Serialization.clone(weighted);
        setName(rule, name);
        if (!matches.isEmpty()) {
            List<MATCH> converted = new ArrayList<>();
            for (PlanStep.RouteMatch match : matches) {
                converted.add(routeMatch(match));
            }
            setMatches(rule, converted);
        }
        List<FILTER> filters = new ArrayList<>(orEmpty(filters(rule)));
        filters.add(newMirrorFilter(mirrorFilter(backend(backendRefs(rule).get(canaryIndex)), percent)));
        setFilters(rule, filters);
        return rule;
    }

    @Override
    public final boolean mirrors(RULE rule) {
        return orEmpty(filters(rule)).stream().anyMatch(f -> "RequestMirror".equals(type(f)));
    }

    private static HTTPRequestMirrorFilter mirrorFilter(Backend canary, int percent) {
        BackendObjectReference target = new BackendObjectReference();
        target.setName(canary.name());
        target.setNamespace(canary.namespace());
        target.setKind(canary.kind());
        target.setGroup(canary.group());
        target.setPort(canary.port());
        HTTPRequestMirrorFilter filter = new HTTPRequestMirrorFilter();
        filter.setBackendRef(target);
        // Without percent every request is mirrored; the field is only understood by Gateway API 1.2 and later.
        filter.setPercent(percent == 100 ? null : percent);
        return filter;
    }

    private MATCH routeMatch(PlanStep.RouteMatch match) {
        MATCH converted = newMatch();
        setRequest(converted, match);
        List<HEADER> headers = new ArrayList<>();
        for (Map.Entry<String, PlanStep.StringMatch> header : match.headers().entrySet()) {
            headers.add(headerMatch(header.getKey(), header.getValue()));
        }
        setHeaders(converted, headers);
        return converted;
    }

    /** Gateway API header matches are Exact or RegularExpression; a prefix becomes an anchored expression. */
    private HEADER headerMatch(String name, PlanStep.StringMatch value) {
        if (value.exact() != null) {
            return newHeader(name, "Exact", value.exact());
        }
        return newHeader(name, "RegularExpression",
                value.regex() != null ? value.regex() : RouteRules.prefixRegex(value.prefix()));
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
