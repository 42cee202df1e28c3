package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.util.List;

/**
 * What the router needs of a rule of a Gateway API route, for HTTPRoute and GRPCRoute rules alike: their backendRefs,
 * matches and filters have the same shape but different Java types in the fabric8 model.
 */
interface RouteRules<RULE> {

    /** One backendRef as the router reads it. */
    record Backend(String name, String namespace, String kind, String group, Integer port, Integer weight) {

        /** Gateway API's default weight is 1. */
        int effectiveWeight() {
            return weight == null ? 1 : weight;
        }

        boolean isService(String service, String routeNamespace) {
            return service.equals(name) && (kind == null || "Service".equals(kind))
                    && (group == null || group.isEmpty())
                    && (namespace == null || namespace.equals(routeNamespace));
        }
    }

    String name(RULE rule);

    List<Backend> backends(RULE rule);

    void setWeight(RULE rule, int backendIndex, int weight);

    /**
     * A new rule that sends what {@code weighted} matches, further restricted by the header conditions, only to its
     * canary backendRef: the weighted rule's matches (or one match of everything) each with the headers added, its
     * filters, timeouts and retries kept.
     */
    RULE headerRule(RULE weighted, String name, int canaryIndex, List<PlanStep.HeaderMatch> headers);

    /**
     * A copy of {@code weighted} (the same backendRefs and weights) named {@code name} that also mirrors
     * {@code percent} of its requests to the canary backendRef; with {@code matches}, only what they match.
     */
    RULE mirrorRule(RULE weighted, String name, int canaryIndex, int percent, List<PlanStep.RouteMatch> matches);

    /** Whether the rule has a RequestMirror filter (a mirror rule, whose weights follow the weighted rule's). */
    boolean mirrors(RULE rule);

    /** What a match of this kind of route cannot express, or null: GRPCRoute matches have no path or method. */
    String unsupported(PlanStep.RouteMatch match);

    /** A regular expression (RE2, as Envoy and most Gateway implementations read it) matching {@code prefix}. */
    static String prefixRegex(String prefix) {
        StringBuilder out = new StringBuilder("^");
        for (char c : prefix.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append(".*").toString();
    }
}
