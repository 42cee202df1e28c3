package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.ManagedRoute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The baseline as the managed route's third destination: added, weighted with the canary, removed. */
class BaselineDestinationTest {
    private static final IstioSpec HOST_SPLIT = new IstioSpec("web", "primary", "web-stable", "web-canary", null,
            null, null);
    private static final VirtualServiceRoutes.Split SPLIT = new VirtualServiceRoutes.Split(HOST_SPLIT, "demo",
            "web-baseline");

    private static GenericKubernetesResource vs(String destinations) {
        return VirtualServiceRoutesTest.vs("""
                - name: admin
                  route:
                  - destination: {host: web-stable}
                - name: primary
                  retries: {attempts: 3}
                  route:
                """ + destinations.indent(2));
    }

    private static String yaml(GenericKubernetesResource resource) {
        return Serialization.asYaml(resource.getAdditionalProperties().get("spec"));
    }

    @Test
    void theBaselineIsACopyOfTheCanaryDestinationAndTakesTheCanarysWeight() {
        GenericKubernetesResource original = vs("""
                - destination: {host: web-stable, port: {number: 80}}
                  weight: 100
                - destination: {host: web-canary, port: {number: 80}}
                  weight: 0
                  headers: {response: {set: {x-canary: "1"}}}
                """);
        ManagedRoute route = VirtualServiceRoutes.locate(original, "primary", SPLIT);
        assertThat(route.baselineIndex()).isEqualTo(-1);

        GenericKubernetesResource withBaseline = BaselineDestination.withBaseline(original, route, "web-baseline");
        ManagedRoute three = VirtualServiceRoutes.locate(withBaseline, "primary", SPLIT);
        assertThat(three.weights()).isEqualTo("stable 100, canary 0, baseline 0");
        GenericKubernetesResource at10 = VirtualServiceRoutes.withWeights(withBaseline, three, 10);
        assertThat(VirtualServiceRoutes.locate(at10, "primary", SPLIT).weights())
                .isEqualTo("stable 80, canary 10, baseline 10");
        assertThat(VirtualServiceRoutes.locate(VirtualServiceRoutes.withWeights(withBaseline, three, 70), "primary",
                SPLIT).weights()).isEqualTo("stable 0, canary 70, baseline 30");
        assertThat(yaml(at10)).contains("host: \"web-baseline\"").contains("retries:").contains("name: \"admin\"");
        // The copy keeps the canary destination's port and headers.
        assertThat(yaml(at10).split("web-baseline")[1]).contains("x-canary");

        GenericKubernetesResource rolledBack = VirtualServiceRoutes.withWeights(at10,
                VirtualServiceRoutes.locate(at10, "primary", SPLIT), 0);
        GenericKubernetesResource removed = BaselineDestination.withoutBaseline(rolledBack,
                VirtualServiceRoutes.locate(rolledBack, "primary", SPLIT));
        assertThat(VirtualServiceRoutes.locate(removed, "primary", SPLIT).weights()).isEqualTo("stable 100, canary 0");
        assertThat(yaml(removed)).isEqualTo(yaml(original));
        assertThat(BaselineDestination.withBaseline(withBaseline, three, "web-baseline")).isSameAs(withBaseline);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMirrorRouteMadeWithTheBaselineOnTheRouteFollowsAllThreeWeightsSoTheyStillAddUpTo100() {
        GenericKubernetesResource withBaseline = vs("""
                - destination: {host: web-stable}
                  weight: 90
                - destination: {host: web-canary}
                  weight: 5
                - destination: {host: web-baseline}
                  weight: 5
                """);
        ManagedRoute route = VirtualServiceRoutes.locate(withBaseline, "primary", SPLIT);
        GenericKubernetesResource mirrored = IstioManagedRoutes.withMirrorRoute(withBaseline, route,
                new PlanStep.SetMirrorRoute("shadow", 50, List.of()));

        GenericKubernetesResource at20 = VirtualServiceRoutes.withWeights(mirrored,
                VirtualServiceRoutes.locate(mirrored, "primary", SPLIT), 20);

        List<Map<String, Object>> http = at20.get("spec", "http");
        assertThat(http.get(0)).containsEntry("name", "shadow");
        assertThat(((List<Map<String, Object>>) http.get(0).get("route")).stream().map(d -> d.get("weight")))
                .as("as the weighted route: stable 60, canary 20, baseline 20").containsExactly(60, 20, 20);
    }

    @Test
    void aRouteWithTheBaselineIsStillOnlyThePlansDestinations() {
        GenericKubernetesResource four = vs("""
                - destination: {host: web-stable}
                  weight: 80
                - destination: {host: web-canary}
                  weight: 10
                - destination: {host: web-baseline}
                  weight: 5
                - destination: {host: other}
                  weight: 5
                """);
        assertThatThrownBy(() -> VirtualServiceRoutes.locate(four, "primary", SPLIT)).isInstanceOf(RouteProblem.class);
        // Without a baseline in the plan, a baseline destination is a stranger.
        GenericKubernetesResource three = vs("""
                - destination: {host: web-stable}
                  weight: 80
                - destination: {host: web-canary}
                  weight: 10
                - destination: {host: web-baseline}
                  weight: 10
                """);
        assertThatThrownBy(() -> VirtualServiceRoutes.locate(three, "primary",
                new VirtualServiceRoutes.Split(HOST_SPLIT, "demo"))).isInstanceOf(RouteProblem.class);
        assertThat(VirtualServiceRoutes.locate(three, "primary", SPLIT).baselineWeight()).isEqualTo(10);
    }
}
