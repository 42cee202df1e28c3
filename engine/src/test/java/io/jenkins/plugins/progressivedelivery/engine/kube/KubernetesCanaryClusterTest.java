package io.jenkins.plugins.progressivedelivery.engine.kube;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.plan.TrafficSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterSnapshot;
import io.jenkins.plugins.progressivedelivery.engine.rollout.PreflightException;
import io.jenkins.plugins.progressivedelivery.engine.traffic.replica.ReplicaRatioRouter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesCanaryClusterTest {
    private static final Target TARGET = new Target(NS, "web", "app", "web:2.0", null, null);
    private static final List<PlanStep> STEPS = List.of(new PlanStep.SetWeight(5),
            new PlanStep.Pause(Duration.ofMinutes(2)),
            new PlanStep.Analysis(new AnalysisSpec(null, List.of(new MetricSpec("error-rate", null, null, null,
                    "result < 0.01", null, null, null, null, null)))),
            new PlanStep.SetWeight(50), new PlanStep.Pause(null));
    private static final CanaryPlan ISTIO = new CanaryPlan(TARGET, new TrafficSpec(
            new IstioSpec("web", "primary", "web-stable", "web-canary", null, null, null)), STEPS, null, null, null);
    private static final CanaryPlan RATIO = new CanaryPlan(TARGET, TrafficSpec.REPLICA_RATIO, STEPS, null, null, null);
    private static final String VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web, namespace: demo}
            spec:
              hosts: [web]
              http:
              - name: primary
                route:
                - destination: {host: web-stable}
                  weight: 100
                - destination: {host: web-canary}
                  weight: 0
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
        cluster.reset().servingIstio("v1");
    }

    private void createIstioSetup() {
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.markRolledOut("web");
        cluster.createService("web-stable", "app", "web", "track", "stable");
        cluster.createService("web-canary", "app", "web", "track", "canary");
        cluster.createIstio("v1", VS);
    }

    private int[] weights() {
        GenericKubernetesResource vs = cluster.getIstio("v1", "VirtualService", "web");
        List<Map<String, Object>> http = vs.get("spec", "http");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> route = (List<Map<String, Object>>) http.get(0).get("route");
        return route.stream().mapToInt(d -> ((Number) d.get("weight")).intValue()).toArray();
    }

    @Test
    void preflightListsEveryProblemAtOnceAndWritesNothing() {
        Deployment stable = MockCluster.stableDeployment("web", 4);
        stable.getSpec().getSelector().getMatchLabels().remove("track");
        cluster.create(stable);
        cluster.createService("web-stable", "app", "web");
        cluster.createIstio("v1", VS.replace("name: primary", "name: main"));
        CanaryPlan plan = new CanaryPlan(new Target(NS, "web", "server", "web:2.0", null, null), ISTIO.traffic(),
                STEPS, null, null, null);
        cluster.takeRequests();

        try (KubernetesCanaryCluster canary = new KubernetesCanaryCluster(cluster.client, plan)) {
            assertThatThrownBy(canary::preflight)
                    .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.problems())
                            .extracting(ValidationError::path).containsExactly(
                                    "target.container",
                                    "target.canaryLabels",
                                    "traffic.istio.route",
                                    "traffic.istio.stableService",
                                    "traffic.istio.canaryService"))
                    .hasMessageStartingWith("the plan does not match the cluster (nothing was changed):")
                    .hasMessageContaining("target.container: deployment web has no container 'server'");
        }
        List<String> requests = cluster.takeRequests();
        assertThat(requests).isNotEmpty().allMatch(r -> r.startsWith("GET "));
    }

    @Test
    void aCanaryRolloutWithIstioFromPreflightToPromotion() {
        createIstioSetup();
        try (KubernetesCanaryCluster canary = new KubernetesCanaryCluster(cluster.client, ISTIO)) {
            ClusterSnapshot snapshot = canary.preflight();
            assertThat(new ClusterSnapshot(snapshot.stableReplicas(), snapshot.canaryWeight(), snapshot.router()))
                    .isEqualTo(new ClusterSnapshot(4, 0, "istio host split virtualservice/demo/web"
                    + " route primary (web-stable/web-canary), networking.istio.io/v1"));
            assertThat(snapshot.stableImage()).isEqualTo("web:1.0");
            assertThat(snapshot.stablePodTemplate()).contains("\"image\":\"web:1.0\"");
            assertThat(snapshot.rollbackCommand()).isEqualTo("kubectl -n demo patch virtualservices.networking.istio.io"
                    + " web --type=json -p='[{\"op\":\"test\",\"path\":\"/spec/http/0/route/0/destination/host\","
                    + "\"value\":\"web-stable\"},{\"op\":\"add\",\"path\":\"/spec/http/0/route/0/weight\",\"value\":100},"
                    + "{\"op\":\"add\",\"path\":\"/spec/http/0/route/1/weight\",\"value\":0}]'");

            List<ClusterChange> prepared = canary.prepareCanary(5);

            assertThat(prepared).singleElement().satisfies(c -> {
                assertThat(c.resource()).isEqualTo("deployment/demo/web-canary");
                assertThat(c.after()).isEqualTo("replicas 1, image web:2.0");
            });
            Deployment created = cluster.deployment("web-canary");
            assertThat(created.getMetadata().getAnnotations()).containsEntry(CanaryDeployments.PLAN_ANNOTATION,
                    "setWeight 5, pause 2m, analysis (error-rate), setWeight 50, pause");
            assertThat(canary.canaryReadiness().ready()).isFalse();
            cluster.markRolledOut("web-canary");
            assertThat(canary.canaryReadiness().ready()).isTrue();

            assertThat(canary.setWeight(5)).singleElement()
                    .satisfies(c -> assertThat(c.after()).isEqualTo("stable 95, canary 5"));
            assertThat(weights()).containsExactly(95, 5);

            canary.prepareCanary(50);
            assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isEqualTo(2);
            canary.setWeight(50);
            assertThat(weights()).containsExactly(50, 50);

            assertThat(canary.promoteStable()).singleElement()
                    .satisfies(c -> assertThat(c.after()).isEqualTo("replicas 4, image web:2.0"));
            assertThat(canary.stableReadiness().ready()).isFalse();
            cluster.markRolledOut("web");
            assertThat(canary.stableReadiness().ready()).isTrue();

            cluster.takeRequests();
            List<ClusterChange> back = canary.setWeight(0);
            assertThat(MockCluster.writes(cluster.takeRequests())).as("shifting all traffic back is one write")
                    .containsExactly("PUT /apis/networking.istio.io/v1/namespaces/demo/virtualservices/web");
            assertThat(back).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(AuditAction.WEIGHT);
                assertThat(c.after()).isEqualTo("stable 100, canary 0");
            });
            assertThat(weights()).containsExactly(100, 0);

            canary.scaleCanary(0);
            assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isZero();
            assertThat(CanaryDeployments.image(cluster.deployment("web"), "app")).isEqualTo("web:2.0");
        }
    }

    @Test
    void aPreviousRolloutLeftHalfWayShowsInTheSnapshot() {
        createIstioSetup();
        try (KubernetesCanaryCluster canary = new KubernetesCanaryCluster(cluster.client, ISTIO)) {
            canary.prepareCanary(20);
            canary.setWeight(20);
        }
        try (KubernetesCanaryCluster again = new KubernetesCanaryCluster(cluster.client, ISTIO)) {
            assertThat(again.preflight().canaryWeight()).isEqualTo(20);
        }
    }

    @Test
    void aFixedCanarySizeIsUsedWhateverTheWeight() {
        createIstioSetup();
        CanaryPlan fixed = new CanaryPlan(new Target(NS, "web", "app", "web:2.0", 3, null), ISTIO.traffic(), STEPS,
                null, null, null);
        try (KubernetesCanaryCluster canary = new KubernetesCanaryCluster(cluster.client, fixed)) {
            canary.prepareCanary(5);
        }
        assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void aCanaryRolloutWithoutAMeshSplitsByReplicas() {
        cluster.create(MockCluster.stableDeployment("web", 4));
        try (KubernetesCanaryCluster canary = new KubernetesCanaryCluster(cluster.client, RATIO)) {
            ClusterSnapshot snapshot = canary.preflight();
            assertThat(new ClusterSnapshot(snapshot.stableReplicas(), snapshot.canaryWeight(), snapshot.router()))
                    .isEqualTo(new ClusterSnapshot(4, 0, "replica ratio deployment/demo/web"
                    + " + deployment/demo/web-canary (weights approximated by pod counts)"));

            canary.prepareCanary(5);
            Deployment created = cluster.deployment("web-canary");
            assertThat(created.getSpec().getReplicas()).isEqualTo(1);
            assertThat(created.getMetadata().getAnnotations())
                    .containsEntry(ReplicaRatioRouter.TOTAL_REPLICAS_ANNOTATION, "4");

            assertThat(canary.setWeight(5)).singleElement().satisfies(c ->
                    assertThat(c.note()).isEqualTo("replica ratio: asked 5%, got 1 of 4 pods = 25%"));
            assertThat(cluster.deployment("web").getSpec().getReplicas()).isEqualTo(3);

            canary.promoteStable();
            assertThat(cluster.deployment("web").getSpec().getReplicas()).as("full capacity with the new image")
                    .isEqualTo(4);
            canary.setWeight(0);
            assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isZero();
        }
    }

    @Test
    void theNamespaceDefaultsToTheConnections() {
        cluster.create(MockCluster.stableDeployment("web", 2));
        CanaryPlan noNamespace = new CanaryPlan(new Target(null, "web", "app", "web:2.0", null, null),
                TrafficSpec.REPLICA_RATIO, STEPS, null, null, null);
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: mock, context: {cluster: mock, user: u, namespace: demo}}]
                current-context: mock
                """.formatted(cluster.server.url("/"));
        try (KubernetesCanaryCluster canary = KubernetesCanaryCluster.connect(
                KubernetesConnection.kubeconfig(kubeconfig, null), noNamespace)) {
            assertThat(canary.preflight().stableReplicas()).isEqualTo(2);
        }
    }

    @Test
    void thePreflightReadsEachObjectOnceAndTheDoctorAfterItReadsOnlyWhatItAloneNeeds() {
        createIstioSetup();
        cluster.takeRequests();
        try (KubernetesCanaryCluster canary = new KubernetesCanaryCluster(cluster.client, ISTIO)) {
            assertThat(canary.preflight().canaryWeight()).isZero();
            assertThat(cluster.takeRequests()).containsExactly(
                    "GET /apis/apps/v1/namespaces/demo/deployments/web",
                    "GET /apis/apps/v1/namespaces/demo/deployments/web-canary",
                    "GET /apis/networking.istio.io",
                    "GET /apis/networking.istio.io/v1/namespaces/demo/virtualservices/web",
                    "GET /api/v1/namespaces/demo/services/web-stable",
                    "GET /api/v1/namespaces/demo/services/web-canary");

            assertThat(canary.doctor().findings()).isNotEmpty();
            assertThat(cluster.takeRequests())
                    .noneMatch(r -> r.endsWith("/deployments/web") || r.equals("GET /apis/networking.istio.io"))
                    .contains("GET /apis/networking.istio.io/v1/namespaces/demo/virtualservices/web",
                            "GET /apis/policy/v1/namespaces/demo/poddisruptionbudgets");
        }
    }

    @Test
    void aChangeRightAfterTheLastReadOrWriteSendsOnlyItsWrite() {
        createIstioSetup();
        try (KubernetesCanaryCluster canary = new KubernetesCanaryCluster(cluster.client, ISTIO)) {
            canary.preflight();
            canary.prepareCanary(5);
            cluster.takeRequests();

            // the runner's drift check (or, as here, the previous change) has just read both Deployments
            canary.prepareCanary(50);

            assertThat(cluster.takeRequests()).containsExactly(
                    "PUT /apis/apps/v1/namespaces/demo/deployments/web-canary");
            assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isEqualTo(2);
            cluster.takeRequests(); // the test's own read

            canary.scaleCanary(0);

            assertThat(cluster.takeRequests()).containsExactly(
                    "PUT /apis/apps/v1/namespaces/demo/deployments/web-canary");
            assertThat(cluster.deployment("web-canary").getSpec().getReplicas()).isZero();
        }
    }
}
