package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A canary over a Gateway API HTTPRoute, with the step vocabulary that goes with it: the runner drives it through the
 * same {@code TrafficRouter} calls as an Istio rollout, and never knows which router it is.
 */
class TrafficRoutingRolloutTest {
    private static final String ROUTE_PATH = "/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/web";
    private static final String HTTP_ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: web, namespace: demo}
            spec:
              parentRefs: [{name: shop-gateway}]
              rules:
              - name: primary
                backendRefs:
                - {name: web-stable, port: 80, weight: 100}
                - {name: web-canary, port: 80, weight: 0}
            """;

    private static MockCluster cluster;
    private RolloutHarness harness;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void freshCluster() {
        harness = new RolloutHarness(cluster.reset());
        cluster.servingGatewayApi("v1", "httproutes");
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.markRolledOut("web");
        cluster.createService("web-stable", "app", "web", "track", "stable");
        cluster.createService("web-canary", "app", "web", "track", "canary");
        cluster.client.resources(HTTPRoute.class).inNamespace(NS)
                .resource(Serialization.unmarshal(HTTP_ROUTE, HTTPRoute.class)).create();
    }

    private static CanaryPlan plan(String steps) {
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  gatewayAPI: {httpRoute: web, rule: primary, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 0s
                steps:
                """ + steps, "canary.yaml");
    }

    private static HTTPRoute route() {
        return cluster.client.resources(HTTPRoute.class).inNamespace(NS).withName("web").get();
    }

    /** {@code testers[canary 100] | primary[stable 80, canary 20]}. */
    private static String rules() {
        return route().getSpec().getRules().stream().map(TrafficRoutingRolloutTest::rule)
                .collect(Collectors.joining(" | "));
    }

    private static String rule(HTTPRouteRule rule) {
        return rule.getName() + rule.getBackendRefs().stream()
                .map(b -> b.getName().replace("web-", "") + " " + b.getWeight())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    @Test
    void aScaledCanaryTakesHeaderTrafficFirstThenWeightsAndIsPromotedWithTheManagedRulesGone() {
        List<String> afterEachStep = new ArrayList<>();
        List<Integer> canaryReplicas = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.STEP) {
                afterEachStep.add(cluster.client.resources(HTTPRoute.class).inNamespace(NS).withName("web").get()
                        .getSpec().getRules().stream().map(TrafficRoutingRolloutTest::rule)
                        .collect(Collectors.joining(" | ")));
                canaryReplicas.add(harness.replicas("web-canary"));
            }
        });
        harness.start(plan("""
                  - setCanaryScale: {replicas: 2}
                  - setHeaderRoute:
                      name: testers
                      match: [{headerName: X-Canary, headerValue: {exact: always}}]
                  - setWeight: 20
                  - setCanaryScale: {matchTrafficWeight: true}
                  - setWeight: 50
                """));

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(afterEachStep).containsExactly(
                "primary[stable 100, canary 0]",
                "primary[stable 100, canary 0]",
                "testers[canary 100] | primary[stable 100, canary 0]",
                "testers[canary 100] | primary[stable 80, canary 20]",
                "testers[canary 100] | primary[stable 80, canary 20]");
        assertThat(canaryReplicas).as("at the start of each step: 2 pods from setCanaryScale on, whatever the"
                + " weight, until matchTrafficWeight sizes the canary by its 20% of 4 pods")
                .containsExactly(-1, 2, 2, 2, 1);
        assertThat(rules()).isEqualTo("primary[stable 100, canary 0]");
        assertThat(route().getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(harness.replicas("web-canary")).isZero();
        assertThat(harness.image("web")).isEqualTo("web:2.0");
        assertThat(harness.logged(AuditAction.ROUTE, "httproute/demo/web rule testers")).isTrue();
    }

    @Test
    void anAbortPutsAllTrafficOnStableAndRemovesTheHeaderRouteInOneWrite() {
        List<String> rollbackWrites = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.ROLLBACK && event.after().startsWith("moving all traffic")) {
                cluster.takeRequests();
            } else if (event.action() == AuditAction.ROLLBACK && event.resource().startsWith("httproute/")) {
                rollbackWrites.addAll(MockCluster.writes(cluster.takeRequests()));
            }
        });
        harness.start(plan("""
                  - setCanaryScale: {replicas: 1}
                  - setHeaderRoute:
                      name: testers
                      match: [{headerName: X-Canary, headerValue: {prefix: qa}}]
                  - setWeight: 30
                  - pause: {}
                  - setWeight: 100
                """));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        assertThat(rules()).isEqualTo("testers[canary 100] | primary[stable 70, canary 30]");

        assertThat(harness.runner.abort("alice", "testers found a bug")).isTrue();
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rollbackWrites).containsExactly("PUT " + ROUTE_PATH);
        assertThat(rules()).isEqualTo("primary[stable 100, canary 0]");
        assertThat(harness.logged(AuditAction.ROLLBACK, "managed rules removed: testers")).isTrue();
    }

    @Test
    void aRouteStepTheRouterCannotCarryOutFailsThePreflightBeforeAnyWrite() {
        cluster.takeRequests();
        RolloutResult result = harness.start(plan("""
                  - setCanaryScale: {replicas: 1}
                  - setHeaderRoute:
                      name: primary
                      match: [{headerName: X-Canary, headerValue: {exact: always}}]
                  - setWeight: 30
                """)).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(result.message()).contains("steps[1].setHeaderRoute.name")
                .contains("already has a rule named 'primary'");
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
    }

    @Test
    void aRestartRightAfterTheHeaderRouteWasWrittenIssuesTheStepAgainAndEndsWithTheRouteRemoved() {
        AtomicReference<RolloutState> crashed = new AtomicReference<>();
        Queue<Runnable> calls = new ArrayDeque<>();
        harness.io = calls::add;
        harness.taps.add(event -> {
            if (event.action() == AuditAction.ROUTE && crashed.get() == null) {
                // The write landed and was logged; the process goes away before the runner moves on.
                crashed.set(RolloutState.fromJson(harness.runner.snapshot().toJson()));
            }
        });
        harness.start(plan("""
                  - setCanaryScale: {replicas: 1}
                  - setHeaderRoute:
                      name: testers
                      match: [{headerName: X-Canary, headerValue: {exact: always}}]
                  - setWeight: 40
                """));
        for (int i = 0; i < 500 && crashed.get() == null; i++) { // the old process, one call at a time
            harness.rollOutDeployments();
            harness.scheduler.runDue();
            if (!calls.isEmpty()) {
                calls.poll().run();
            } else {
                harness.scheduler.advanceToNext();
            }
        }
        assertThat(crashed.get().stage()).isEqualTo(Stage.SET_ROUTE);

        RolloutHarness restarted = harness.restarted();
        restarted.resume(crashed.get());
        restarted.runUntil(() -> restarted.logged(AuditAction.WEIGHT, "stable 60, canary 40"));

        assertThat(restarted.logged(AuditAction.ROUTE, "already so; nothing written"))
                .as("the step is issued again and finds its route in place").isTrue();
        assertThat(rules()).isEqualTo("testers[canary 100] | primary[stable 60, canary 40]");
        assertThat(restarted.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(rules()).isEqualTo("primary[stable 100, canary 0]");
    }
}
