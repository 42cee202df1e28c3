package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Header and mirror routes of the Istio router: added first, kept in step with the weights, removed in one write. */
class IstioManagedRoutesTest {
    private static final String VS_PATH = "/apis/networking.istio.io/v1/namespaces/demo/virtualservices/web";
    private static final PlanStep.SetHeaderRoute TESTERS = new PlanStep.SetHeaderRoute("testers",
            List.of(new PlanStep.HeaderMatch("X-Canary", new PlanStep.StringMatch(null, null, "always|qa-.*"))));

    private static MockCluster cluster;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void start() {
        cluster.reset().servingIstio("v1");
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.createService("web-stable", "app", "web", "track", "stable");
        cluster.createService("web-canary", "app", "web", "track", "canary");
    }

    private static IstioVirtualServiceRouter router(IstioSpec spec) {
        return new IstioVirtualServiceRouter(cluster.client, NS, spec,
                new Workloads(cluster.client, NS, IstioVirtualServiceRouterTest.TARGET));
    }

    private static GenericKubernetesResource stored() {
        return cluster.getIstio("v1", "VirtualService", "web");
    }

    private static JsonNode json(GenericKubernetesResource resource) {
        ObjectNode json = new ObjectMapper().valueToTree(resource);
        ((ObjectNode) json.get("metadata")).remove(List.of("resourceVersion", "generation", "managedFields"));
        return json;
    }

    @Test
    void headerAndMirrorRoutesGoFirstFollowTheWeightsAndTheRollbackRemovesThemInOneWrite() {
        GenericKubernetesResource before = cluster.createIstio("v1", IstioVirtualServiceRouterTest.HOST_SPLIT_VS);
        IstioVirtualServiceRouter router = router(IstioVirtualServiceRouterTest.HOST_SPLIT);

        ClusterChange header = router.setHeaderRoute(TESTERS);
        router.setMirrorRoute(new PlanStep.SetMirrorRoute("shadow", 25, List.of(new PlanStep.RouteMatch(
                new PlanStep.StringMatch("GET", null, null), new PlanStep.StringMatch(null, "/api", null), null))));
        router.setWeight(30);

        assertThat(header).isEqualTo(new ClusterChange(AuditAction.ROUTE, "virtualservice/demo/web route testers",
                "absent", "X-Canary regex \"always|qa-.*\" -> canary 100%", 0, null));
        JsonNode vs = json(stored());
        assertThat(vs.at("/metadata/annotations").get(IstioManagedRoutes.MANAGED_ROUTES).asText())
                .isEqualTo("shadow,testers");
        assertThat(vs.at("/spec/http/0/name").asText()).isEqualTo("shadow");
        assertThat(vs.at("/spec/http/0/match/0/uri/prefix").asText()).isEqualTo("/api");
        assertThat(vs.at("/spec/http/0/match/0/method/exact").asText()).isEqualTo("GET");
        assertThat(vs.at("/spec/http/0/mirror/host").asText()).isEqualTo("web-canary");
        assertThat(vs.at("/spec/http/0/mirrorPercentage/value").asDouble()).isEqualTo(25.0);
        assertThat(vs.at("/spec/http/0/route/0/weight").asInt()).isEqualTo(70);
        assertThat(vs.at("/spec/http/0/route/1/weight").asInt()).isEqualTo(30);
        assertThat(vs.at("/spec/http/1/name").asText()).isEqualTo("testers");
        assertThat(vs.at("/spec/http/1/match/0/headers/X-Canary/regex").asText()).isEqualTo("always|qa-.*");
        assertThat(vs.at("/spec/http/1/route")).hasSize(1);
        assertThat(vs.at("/spec/http/1/route/0/destination/host").asText()).isEqualTo("web-canary");
        assertThat(vs.at("/spec/http/1/route/0/weight").asInt()).isEqualTo(100);
        assertThat(vs.at("/spec/http/2/name").asText()).isEqualTo("canary-header");
        assertThat(vs.at("/spec/http/3/route/1/weight").asInt()).isEqualTo(30);
        cluster.takeRequests();

        ClusterChange rollback = router.restoreStable();

        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + VS_PATH);
        assertThat(rollback.after()).isEqualTo("stable 100, canary 0");
        assertThat(rollback.note()).isEqualTo("managed routes removed: shadow, testers");
        assertThat(json(stored())).isEqualTo(json(before));
    }

    @Test
    void aHeaderRouteWithoutMatchIsRemovedAndAForeignRouteOfTheSameNameIsAPreflightProblem() {
        GenericKubernetesResource before = cluster.createIstio("v1", IstioVirtualServiceRouterTest.HOST_SPLIT_VS);
        IstioVirtualServiceRouter router = router(IstioVirtualServiceRouterTest.HOST_SPLIT);
        router.setHeaderRoute(TESTERS);

        ClusterChange removed = router.setHeaderRoute(new PlanStep.SetHeaderRoute("testers", List.of()));

        assertThat(removed.before()).isEqualTo("present");
        assertThat(json(stored())).isEqualTo(json(before));
        assertThat(router.verifySteps(List.of(new PlanStep.SetHeaderRoute("canary-header", TESTERS.match()))))
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("steps[0].setHeaderRoute.name");
                    assertThat(p.message()).contains("already has an HTTP route named 'canary-header'");
                });
        IstioSpec unnamed = new IstioSpec("web", null, "web-stable", "web-canary", null, null, null);
        assertThat(router(unnamed).verifySteps(List.of(TESTERS))).extracting(p -> p.path())
                .containsExactly("traffic.istio.route");
    }
}
