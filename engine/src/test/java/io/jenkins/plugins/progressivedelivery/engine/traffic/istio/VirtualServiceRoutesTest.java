package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.ManagedRoute;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualServiceRoutesTest {
    private static final IstioSpec HOST_SPLIT = new IstioSpec("web", null, "web-stable", "web-canary", null, null,
            null);
    private static final VirtualServiceRoutes.Split HOSTS = new VirtualServiceRoutes.Split(HOST_SPLIT, "demo");

    static GenericKubernetesResource vs(String httpYaml) {
        return Serialization.unmarshal("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: web, namespace: demo}
                spec:
                  hosts: [web]
                  http:
                """ + httpYaml.indent(2), GenericKubernetesResource.class);
    }

    private static final String ONLY_ROUTE = """
            - route:
              - destination: {host: web-stable}
                weight: 80
              - destination: {host: web-canary}
                weight: 20
            """;

    @ParameterizedTest
    @ValueSource(strings = {"web-stable", "web-stable.demo", "web-stable.demo.svc",
            "web-stable.demo.svc.cluster.local", "web-stable.demo.svc.corp.internal"})
    void aServiceIsRecognisedByEveryFormOfItsHost(String host) {
        assertThat(ServiceHost.parse(host, "demo")).contains(new ServiceHost("web-stable", "demo"));
    }

    @Test
    void hostsOutsideTheNamespaceOrClusterAreNotTheService() {
        assertThat(ServiceHost.parse("web-stable.other.svc.cluster.local", "demo"))
                .contains(new ServiceHost("web-stable", "other"));
        assertThat(ServiceHost.parse("api.example.com", "demo")).isEmpty();
        assertThat(ServiceHost.parse("*.example.com", "demo")).isEmpty();
        assertThat(ServiceHost.parse(null, "demo")).isEqualTo(Optional.empty());
    }

    @Test
    void theOnlyRouteIsManagedWhenNoneIsNamed() {
        ManagedRoute route = VirtualServiceRoutes.locate(vs(ONLY_ROUTE), null,
                HOSTS);

        assertThat(route).isEqualTo(new ManagedRoute(0, "#0 (unnamed)", 0, 1, 80, 20, "web-stable"));
        assertThat(route.weights()).isEqualTo("stable 80, canary 20");
    }

    @Test
    void aRouteIsChosenByName() {
        GenericKubernetesResource vs = vs("""
                - name: header
                  match: [{headers: {x-canary: {exact: "1"}}}]
                  route: [{destination: {host: web-canary}}]
                - name: primary
                  route:
                  - destination: {host: web-canary.demo.svc.cluster.local}
                    weight: 5
                  - destination: {host: web-stable.demo.svc.cluster.local}
                    weight: 95
                """);

        ManagedRoute route = VirtualServiceRoutes.locate(vs, "primary", HOSTS);

        assertThat(route.index()).isEqualTo(1);
        assertThat(route.stableIndex()).isEqualTo(1);
        assertThat(route.canaryIndex()).isZero();
        assertThat(route.weights()).isEqualTo("stable 95, canary 5");
    }

    @Test
    void withoutARouteNameSeveralRoutesAreAnErrorListingThem() {
        GenericKubernetesResource vs = vs("""
                - name: header
                  route: [{destination: {host: web-canary}}]
                - route: [{destination: {host: web-stable}}]
                - name: primary
                  route: [{destination: {host: web-stable}}]
                """);

        assertThatThrownBy(() -> VirtualServiceRoutes.locate(vs, null, HOSTS))
                .isInstanceOfSatisfying(RouteProblem.class, e -> assertThat(e.error().path())
                        .isEqualTo("traffic.istio.route"))
                .hasMessageContaining("has 3 HTTP routes (header, #1 (unnamed), primary); set traffic.istio.route");
        assertThatThrownBy(() -> VirtualServiceRoutes.locate(vs, "main", HOSTS))
                .hasMessageContaining("has no HTTP route named 'main'; its routes are header, #1 (unnamed), primary");
    }

    @Test
    void theRouteMustHaveExactlyTheStableAndCanaryDestinations() {
        assertThatThrownBy(() -> VirtualServiceRoutes.locate(vs("""
                - route:
                  - destination: {host: web-stable}
                    weight: 100
                """), null, HOSTS))
                .hasMessageContaining("has destinations host web-stable (weight 100); it needs exactly two"
                        + " destinations, one destination with host web-stable and one with host web-canary")
                .hasMessageContaining("e.g. route: [{destination: {host: web-stable}, weight: 100},"
                        + " {destination: {host: web-canary}, weight: 0}]");
        assertThatThrownBy(() -> VirtualServiceRoutes.locate(vs("""
                - route:
                  - destination: {host: web-stable}
                    weight: 80
                  - destination: {host: web-canary}
                    weight: 10
                  - destination: {host: web-legacy}
                    weight: 10
                """), null, HOSTS))
                .hasMessageContaining("host web-legacy (weight 10)");
        assertThatThrownBy(() -> VirtualServiceRoutes.locate(vs("""
                - route:
                  - destination: {host: web-stable.other.svc.cluster.local}
                  - destination: {host: web-canary}
                """), null, HOSTS))
                .hasMessageContaining("Services in namespace demo");
    }

    @Test
    void aSubsetSplitRecognisesDestinationsBySubsetOfOneHost() {
        IstioSpec subsets = new IstioSpec("web", null, null, null, "web", "v1", "v2");
        VirtualServiceRoutes.Split split = new VirtualServiceRoutes.Split(subsets, "demo");

        ManagedRoute route = VirtualServiceRoutes.locate(vs("""
                - route:
                  - destination: {host: web, subset: v1}
                    weight: 90
                  - destination: {host: web, subset: v2}
                    weight: 10
                """), null, split);
        assertThat(route.weights()).isEqualTo("stable 90, canary 10");

        assertThatThrownBy(() -> VirtualServiceRoutes.locate(vs("""
                - route:
                  - destination: {host: web, subset: v1}
                  - destination: {host: web-next, subset: v2}
                """), null, split))
                .hasMessageContaining("a subset split uses one host");
    }

    @Test
    void weightsAreWrittenOnACopyAndAlwaysAddUpTo100() {
        GenericKubernetesResource vs = vs(ONLY_ROUTE);
        String before = Serialization.asJson(vs);
        ManagedRoute route = VirtualServiceRoutes.locate(vs, null, HOSTS);

        for (int weight : List.of(0, 1, 33, 50, 99, 100)) {
            GenericKubernetesResource changed = VirtualServiceRoutes.withWeights(vs, route, weight);
            ManagedRoute after = VirtualServiceRoutes.locate(changed, null, HOSTS);
            assertThat(after.canaryWeight()).isEqualTo(weight);
            assertThat(after.stableWeight() + after.canaryWeight()).isEqualTo(100);
        }
        assertThat(Serialization.asJson(vs)).isEqualTo(before);
    }

    @Test
    void aVirtualServiceWithoutHttpRoutesSaysWhatToAdd() {
        GenericKubernetesResource tcpOnly = Serialization.unmarshal("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: web}
                spec:
                  tcp: [{route: [{destination: {host: web-stable}}]}]
                """, GenericKubernetesResource.class);

        assertThatThrownBy(() -> VirtualServiceRoutes.locate(tcpOnly, null, HOSTS))
                .hasMessageContaining("has no HTTP routes (spec.http)");
    }

    @Test
    void aRollbackWorksOnAnyShapeThatStillNamesStableAndKeepsEverythingElse() {
        GenericKubernetesResource reshaped = vs("""
                - route:
                  - destination: {host: web-canary}
                    weight: 50
                  - destination: {host: web-mirror}
                    weight: 10
                    headers: {request: {set: {x-mirror: "1"}}}
                  - destination: {host: web-stable.demo.svc.cluster.local}
                    weight: 40
                  timeout: 3s
                """);

        VirtualServiceRoutes.RollbackRoute route = VirtualServiceRoutes.locateForRollback(reshaped, null, HOSTS);
        GenericKubernetesResource rolledBack = VirtualServiceRoutes.withRollbackWeights(reshaped, route);

        assertThat(route.weights()).isEqualTo("canary 50, web-mirror 10, stable 40");
        assertThat(route.foreign()).containsExactly("web-mirror");
        assertThat(VirtualServiceRoutes.locateForRollback(rolledBack, null, HOSTS).weights())
                .isEqualTo("canary 0, web-mirror 0, stable 100");
        String yaml = Serialization.asYaml(rolledBack);
        assertThat(yaml).contains("x-mirror").contains("timeout: \"3s\"");
        assertThat(VirtualServiceRoutes.locateForRollback(vs("""
                - route:
                  - destination: {host: web-stable}
                """), null, HOSTS).weights()).isEqualTo("stable 0");
    }

    @Test
    void onlyAMissingStableDestinationOrRouteMakesARollbackImpossibleAndThatIsSaidPlainly() {
        assertThatThrownBy(() -> VirtualServiceRoutes.locateForRollback(vs("""
                - route:
                  - destination: {host: web-canary}
                    weight: 100
                """), null, HOSTS)).isInstanceOf(RouteProblem.class)
                .hasMessageContaining("no longer names the stable destination")
                .hasMessageContaining("one destination with host web-stable");
        assertThatThrownBy(() -> VirtualServiceRoutes.locateForRollback(vs(ONLY_ROUTE), "primary", HOSTS))
                .isInstanceOf(RouteProblem.class).hasMessageContaining("no longer has the managed HTTP route"
                        + " 'primary'");
    }
}
