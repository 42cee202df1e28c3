package io.jenkins.plugins.progressivedelivery.engine.traffic.nginx;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import io.jenkins.plugins.progressivedelivery.engine.plan.NginxSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NginxCanaryIngressRouterTest {
    static final Target TARGET = new Target(NS, "web", "app", "web:2.0", null, null);
    static final NginxSpec SPEC = new NginxSpec("web", "web-stable", "web-canary", null);
    private static final String CANARY_PATH = "/apis/networking.k8s.io/v1/namespaces/demo/ingresses/web-canary";

    static final String STABLE_INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: demo
              annotations:
                nginx.ingress.kubernetes.io/rewrite-target: /
                cert-manager.io/cluster-issuer: letsencrypt
            spec:
              ingressClassName: nginx
              tls: [{hosts: [web.example.com], secretName: web-tls}]
              rules:
              - host: web.example.com
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: web-stable, port: {number: 80}}}
                  - path: /docs
                    pathType: Prefix
                    backend: {service: {name: docs, port: {number: 80}}}
            """;

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
        cluster.reset();
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.createService("web-stable", "app", "web", "track", "stable");
        cluster.createService("web-canary", "app", "web", "track", "canary");
    }

    private static NginxCanaryIngressRouter router() {
        return new NginxCanaryIngressRouter(cluster.client, NS, SPEC, new Workloads(cluster.client, NS, TARGET));
    }

    private static Ingress createStable() {
        return cluster.client.network().v1().ingresses().inNamespace(NS)
                .resource(Serialization.unmarshal(STABLE_INGRESS, Ingress.class)).create();
    }

    private static Ingress ingress(String name) {
        return cluster.client.network().v1().ingresses().inNamespace(NS).withName(name).get();
    }

    @Test
    void theCanaryIngressIsMadeFromTheStableOneCarriesTheWeightAndIsDeletedAtTheEnd() {
        Ingress stableBefore = createStable();
        NginxCanaryIngressRouter router = router();
        assertThat(router.verify()).isEmpty();
        assertThat(router.currentWeight()).isZero();

        ClusterChange first = router.setWeight(10);
        router.setWeight(40);

        assertThat(first.before()).isEqualTo("absent");
        assertThat(first.after()).isEqualTo("canary-weight 10");
        Ingress canary = ingress("web-canary");
        assertThat(canary.getMetadata().getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/canary", "true")
                .containsEntry("nginx.ingress.kubernetes.io/canary-weight", "40")
                .doesNotContainKey("cert-manager.io/cluster-issuer");
        assertThat(canary.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(canary.getSpec().getTls()).isEmpty();
        assertThat(canary.getSpec().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getHost()).isEqualTo("web.example.com");
            assertThat(rule.getHttp().getPaths()).singleElement().satisfies(path -> {
                assertThat(path.getPath()).isEqualTo("/");
                assertThat(path.getBackend().getService().getName()).isEqualTo("web-canary");
            });
        });
        assertThat(router.currentWeight()).isEqualTo(40);

        ClusterChange header = router.setHeaderRoute(new PlanStep.SetHeaderRoute("testers", List.of(
                new PlanStep.HeaderMatch("X-Canary", new PlanStep.StringMatch("always", null, null)))));
        assertThat(header.after()).isEqualTo("canary-weight 40, canary-by-header X-Canary = always");
        assertThat(router.setWeight(50).after()).as("the header route survives weight changes")
                .isEqualTo("canary-weight 50, canary-by-header X-Canary = always");
        cluster.takeRequests();

        ClusterChange rollback = router.restoreStable();

        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("DELETE " + CANARY_PATH);
        assertThat(rollback.before()).isEqualTo("canary-weight 50, canary-by-header X-Canary = always");
        assertThat(ingress("web-canary")).isNull();
        ObjectMapper json = new ObjectMapper();
        assertThat((Object) json.valueToTree(ingress("web"))).as("the stable Ingress is never modified")
                .isEqualTo((Object) json.valueToTree(stableBefore));
    }

    @Test
    void aConflictOnTheCanaryIngressIsReReadAndRetried() {
        createStable();
        NginxCanaryIngressRouter router = router();
        router.setWeight(10);
        cluster.server.expect().put().withPath(CANARY_PATH).andReturn(409, new StatusBuilder().withCode(409)
                .withReason("Conflict").build()).once();
        cluster.takeRequests();

        ClusterChange change = router.setWeight(20);

        assertThat(change.conflicts()).isEqualTo(1);
        assertThat(MockCluster.writes(cluster.takeRequests())).containsExactly("PUT " + CANARY_PATH,
                "PUT " + CANARY_PATH);
        assertThat(router.currentWeight()).isEqualTo(20);
    }

    @Test
    void preflightNamesAMissingIngressServiceOrAForeignCanaryIngress() {
        assertThat(router().verify()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("traffic.nginx.stableIngress");
            assertThat(p.message()).contains("ingress web not found in namespace demo");
        });
        createStable();
        cluster.client.network().v1().ingresses().inNamespace(NS).resource(Serialization.unmarshal(
                STABLE_INGRESS.replace("name: web\n", "name: web-canary\n"), Ingress.class)).create();
        NginxCanaryIngressRouter other = new NginxCanaryIngressRouter(cluster.client, NS,
                new NginxSpec("web", "web-main", "web-canary", null), new Workloads(cluster.client, NS, TARGET));

        assertThat(other.verify()).extracting(p -> p.path()).containsExactly("traffic.nginx.stableService",
                "traffic.nginx.stableIngress", "traffic.nginx.stableService");
        assertThat(other.verify().get(1).message()).contains("ingress web-canary already exists and was not made by"
                + " this engine");
        assertThat(router().verifySteps(List.of(new PlanStep.SetHeaderRoute("a", List.of(
                new PlanStep.HeaderMatch("X-A", new PlanStep.StringMatch("1", null, null)),
                new PlanStep.HeaderMatch("X-B", new PlanStep.StringMatch("1", null, null)))))))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("by one header"));
        assertThat(MockCluster.writes(cluster.takeRequests())).doesNotContain("PUT " + CANARY_PATH);
    }

    @Test
    void additionalAnnotationsGoOnTheCanaryIngressAndAStaticHeaderRouteExcludesSetHeaderRoute() {
        createStable();
        NginxCanaryIngressRouter router = new NginxCanaryIngressRouter(cluster.client, NS,
                new NginxSpec("web", "web-stable", "web-canary", Map.of("canary-by-header", "X-Beta",
                        "nginx.ingress.kubernetes.io/canary-by-cookie", "beta")),
                new Workloads(cluster.client, NS, TARGET));

        router.setWeight(10);

        assertThat(ingress("web-canary").getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/canary-by-header", "X-Beta")
                .containsEntry("nginx.ingress.kubernetes.io/canary-by-cookie", "beta")
                .containsEntry("nginx.ingress.kubernetes.io/canary-weight", "10");
        assertThat(router.verifySteps(List.of(new PlanStep.SetHeaderRoute("testers", List.of(
                new PlanStep.HeaderMatch("X-Canary", new PlanStep.StringMatch("always", null, null)))))))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("already sets canary-by-header"));
    }
}
