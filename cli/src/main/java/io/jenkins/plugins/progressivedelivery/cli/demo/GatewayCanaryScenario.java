package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A canary of the shop app over its Gateway API HTTPRoute, with no mesh: scaled to two pods and reached by testers
 * through a header route before it takes a weighted share of the users' requests, gated on its error ratio. The same
 * runner as the Istio canaries, another {@code TrafficRouter}.
 */
final class GatewayCanaryScenario implements DemoScenario {
    private final String image;

    private GatewayCanaryScenario(String image) {
        this.image = image;
    }

    /** A good version: testers first, then 25 % and 100 % of the users. */
    static GatewayCanaryScenario good() {
        return new GatewayCanaryScenario("shop:2.0");
    }

    @Override
    public String title() {
        return "Canary of " + image + " over a Gateway API HTTPRoute (header route for testers first)";
    }

    @Override
    public String fileName() {
        return "03-canary-gateway-api";
    }

    @Override
    public String expectedOutcome() {
        return "PROMOTED";
    }

    @Override
    public List<String> trafficFacts(List<AuditEvent> events, List<EmbeddedCluster.ApiWrite> writes) {
        long routeWrites = writes.stream().filter(w -> w.path().contains("/httproutes/")).count();
        boolean header = events.stream().anyMatch(e -> e.action() == AuditAction.ROUTE
                && e.resource().contains("rule testers"));
        return List.of("HTTPRoute shop: " + routeWrites + " writes"
                + (header ? ", header route testers added before any weight and removed at promotion" : ""));
    }

    @Override
    public Running start(DemoEnvironment env, AuditListener audit) {
        return CanaryScenario.start(env, audit, fileName(),
                DemoPlans.gatewayCanary(image, env.prometheus().toString(), env.timing()),
                Map.of("window", Durations.format(env.timing().window())),
                new ProviderMeasurementSource(PrometheusAuth.none()), this::problems);
    }

    /** Afterwards: rule primary all on shop-stable, no managed rule left, the canary at zero. */
    private List<String> problems(KubernetesClient client, RolloutResult result) {
        List<String> problems = new ArrayList<>();
        HTTPRoute route = client.resources(HTTPRoute.class).inNamespace(EmbeddedCluster.NAMESPACE)
                .withName(EmbeddedCluster.SHOP_APP).get();
        for (HTTPRouteRule rule : route.getSpec().getRules()) {
            if (!List.of("admin", EmbeddedCluster.SHOP_RULE).contains(rule.getName())) {
                problems.add("the HTTPRoute still has rule " + rule.getName());
            } else if (rule.getName().equals(EmbeddedCluster.SHOP_RULE)) {
                rule.getBackendRefs().forEach(b -> {
                    int expected = b.getName().equals(EmbeddedCluster.SHOP_STABLE_SERVICE) ? 100 : 0;
                    if (b.getWeight() == null || b.getWeight() != expected) {
                        problems.add("rule primary sends weight " + b.getWeight() + " to " + b.getName()
                                + ", not " + expected);
                    }
                });
            }
        }
        problems.addAll(CanaryScenario.workloadProblems(client, EmbeddedCluster.SHOP_APP, image, result.promoted()));
        return problems;
    }
}
