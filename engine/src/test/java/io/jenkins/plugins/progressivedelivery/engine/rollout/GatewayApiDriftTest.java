package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift of a Gateway API HTTPRoute, as for an Istio VirtualService: the weighted rule's two backendRef weights and the
 * engine's managed rules, watched while paused (an informer on the route against the mock API server), with the
 * manual clock standing still; what else the route has is not the engine's, and a change there is not drift.
 */
class GatewayApiDriftTest {
    private static final String HTTP_ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: web, namespace: demo}
            spec:
              parentRefs: [{name: shop-gateway}]
              rules:
              - name: admin
                matches: [{path: {type: PathPrefix, value: /admin}}]
                backendRefs: [{name: web-stable, port: 80}]
              - name: primary
                backendRefs:
                - {name: web-stable, port: 80, weight: 100}
                - {name: web-canary, port: 80, weight: 0}
            """;

    private static MockCluster cluster;
    private RolloutHarness harness;
    private FaultyCanaryCluster watched;

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
        harness.wrap = real -> watched = new FaultyCanaryCluster(((KubernetesCanaryCluster) real).watchingDrift(),
                harness.scheduler::now);
    }

    private static CanaryPlan plan(String extra, String pause) {
        return withSteps(extra, """
                steps:
                  - setWeight: 20
                  - setHeaderRoute:
                      name: testers
                      match: [{headerName: X-Canary, headerValue: {exact: always}}]
                  - pause: PAUSE
                  - setWeight: 60
                """.replace("PAUSE", pause));
    }

    private static CanaryPlan withSteps(String extra, String steps) {
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  gatewayAPI: {httpRoute: web, rule: primary, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 0s
                readinessTimeout: 2m
                """ + extra + steps, "canary.yaml");
    }

    private static HTTPRoute route() {
        return cluster.client.resources(HTTPRoute.class).inNamespace(NS).withName("web").get();
    }

    /** {@code testers[canary 100] | admin[stable 1] | primary[stable 80, canary 20]}. */
    private static String rules() {
        return route().getSpec().getRules().stream().map(rule -> rule.getName() + rule.getBackendRefs().stream()
                        .map(b -> b.getName().replace("web-", "") + " " + (b.getWeight() == null ? 1 : b.getWeight()))
                        .collect(Collectors.joining(", ", "[", "]")))
                .collect(Collectors.joining(" | "));
    }

    private void runToThePause() {
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        assertThat(rules()).isEqualTo("testers[canary 100] | admin[stable 1] | primary[stable 80, canary 20]");
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1); // the watch listed the route and read once
    }

    /** Runs what the watch's events schedule, without moving the clock, until {@code done} or 20 s of real time. */
    private void awaitOnTheFrozenClock(BooleanSupplier done) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!done.getAsBoolean() && Instant.now().isBefore(deadline)) {
            harness.scheduler.runDue();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertThat(done.getAsBoolean()).as("in time; log:\n" + String.join("\n", harness.log)).isTrue();
    }

    /** A person's edit of the route, recorded in managedFields as the API server would. */
    private void editRoute(String manager, Consumer<List<HTTPRouteRule>> edit) {
        HTTPRoute current = route();
        edit.accept(current.getSpec().getRules());
        current.getMetadata().setManagedFields(List.of(
                new ManagedFieldsEntryBuilder().withManager("progressive-delivery").withOperation("Update")
                        .withTime("2026-01-01T00:00:00Z").build(),
                new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Update")
                        .withTime(harness.scheduler.now().toString()).build()));
        cluster.client.resources(HTTPRoute.class).inNamespace(NS).resource(current).update();
    }

    private static Consumer<List<HTTPRouteRule>> weights(int stable, int canary) {
        return rules -> {
            HTTPRouteRule primary = rules.stream().filter(r -> "primary".equals(r.getName())).findFirst().get();
            primary.getBackendRefs().get(0).setWeight(stable);
            primary.getBackendRefs().get(1).setWeight(canary);
        };
    }

    /** A RequestHeaderModifier filter setting {@code name: value}. */
    private static HTTPRouteFilter settingHeader(String name, String value) {
        HTTPRouteFilter filter = new HTTPRouteFilter();
        filter.setType("RequestHeaderModifier");
        HTTPHeaderFilter modifier = new HTTPHeaderFilter();
        modifier.setSet(List.of(new HTTPHeader(name, value)));
        filter.setRequestHeaderModifier(modifier);
        return filter;
    }

    private long driftEvents() {
        return harness.trail.events().stream().filter(e -> e.action() == AuditAction.DRIFT).count();
    }

    @Test
    void anOperatorDrainingTheCanaryDuringThePausePausesForThemAtOnceAndNothingShiftsOn() {
        harness.start(plan("", "{}"));
        runToThePause();
        Instant frozen = harness.scheduler.now();

        editRoute("kubectl-patch", weights(100, 0));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "kubectl-patch"));

        assertThat(harness.scheduler.now()).as("seen by the watch, not by a step").isEqualTo(frozen);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[drift] httproute/demo/web")
                .contains("paused: promote to carry on")
                .contains("httproute/demo/web rule primary is now stable 100, canary 0, the engine set stable 80,"
                        + " canary 20; changed by kubectl-patch (Update"));
        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        harness.scheduler.advance(Duration.ofHours(1));
        harness.scheduler.runDue();
        assertThat(rules()).as("the person's decision stands: no shift to 60")
                .isEqualTo("testers[canary 100] | admin[stable 1] | primary[stable 100, canary 0]");

        assertThat(harness.runner.abort("oscar", "drained it on purpose")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rules()).isEqualTo("admin[stable 1] | primary[stable 100, canary 0]");
    }

    @Test
    void withOnDriftAbortADrainedCanaryRollsBackBeforeThePauseEnds() {
        harness.start(plan("onDrift: abort\n", "10m"));
        runToThePause();
        Instant frozen = harness.scheduler.now();

        editRoute("kubectl-edit", weights(100, 0));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "rolling back (onDrift: abort)"));
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("rule primary is now stable 100, canary 0");
        assertThat(harness.trail.events().stream().filter(e -> e.action() == AuditAction.ROLLBACK).findFirst()
                .orElseThrow().time()).as("at once, not when the 10m pause ends").isEqualTo(frozen);
        assertThat(rules()).isEqualTo("admin[stable 1] | primary[stable 100, canary 0]");
        assertThat(watched.openWatches.get()).isZero();
    }

    @Test
    void withOnDriftOverwriteTheChangeIsLoggedOnceAndTheNextStepWritesOverIt() {
        List<String> afterSixty = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.WEIGHT && event.after().contains("canary 60")) {
                afterSixty.add(rules());
            }
        });
        harness.start(plan("onDrift: overwrite\n", "1m"));
        runToThePause();

        editRoute("kubectl-edit", weights(90, 10));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "the next step writes over it"));
        // a second event about the route (a label someone adds) reads again, and says nothing new
        HTTPRoute labelled = route();
        labelled.getMetadata().setLabels(Map.of("team", "payments"));
        cluster.client.resources(HTTPRoute.class).inNamespace(NS).resource(labelled).update();
        long reads = watched.count("drift ok");
        awaitOnTheFrozenClock(() -> watched.count("drift ok") > reads);
        assertThat(harness.runner.snapshot().stage()).as("still in the timed pause").isEqualTo(Stage.PAUSE);

        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(afterSixty).containsExactly("testers[canary 100] | admin[stable 1] | primary[stable 40, canary 60]");
        assertThat(driftEvents()).as("logged once").isEqualTo(1);
        assertThat(route().getMetadata().getLabels()).containsEntry("team", "payments");
    }

    @Test
    void anEditElsewhereInTheRouteIsNotDriftAndIsKept() {
        harness.start(plan("", "1m"));
        runToThePause();

        long reads = watched.count("drift ok");
        editRoute("kubectl-edit", rules -> {
            HTTPRouteRule admin = rules.stream().filter(r -> "admin".equals(r.getName())).findFirst().get();
            admin.setFilters(List.of(settingHeader("X-Admin", "yes")));
            HTTPRouteRule beta = Serialization.clone(admin);
            beta.setName("beta");
            beta.setFilters(null);
            rules.add(beta);
        });
        awaitOnTheFrozenClock(() -> watched.count("drift ok") > reads); // the watch woke and read: nothing to say

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(driftEvents()).isZero();
        assertThat(rules()).isEqualTo("admin[stable 1] | primary[stable 100, canary 0] | beta[stable 1]");
        assertThat(route().getSpec().getRules().get(0).getFilters()).singleElement()
                .satisfies(f -> assertThat(f.getRequestHeaderModifier().getSet().get(0).getName())
                        .isEqualTo("X-Admin"));
    }

    @Test
    void aManagedHeaderRuleEditedByHandIsDriftToo() {
        harness.start(plan("", "{}"));
        runToThePause();

        editRoute("kubectl-edit", rules -> rules.get(0).getMatches().get(0).getHeaders().get(0).setValue("sometimes"));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "managed rule testers was edited"));

        assertThat(harness.logged(AuditAction.DRIFT, "not by the engine; changed by kubectl-edit (Update")).isTrue();
        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        abortAndExpectStable();
    }

    // ---- after a restart: the managed rules as the plan's steps made them, compared at once ----------------------

    /** A header and a mirror route, then an indefinite pause. */
    private static CanaryPlan mirrorPlan() {
        return withSteps("", """
                steps:
                  - setWeight: 20
                  - setHeaderRoute:
                      name: testers
                      match: [{headerName: X-Canary, headerValue: {exact: always}}]
                  - setMirrorRoute:
                      name: shadow
                      percentage: 50
                      match: [{path: {prefix: /api}, headers: {X-Shadow: {exact: "1"}}}]
                  - pause: {}
                  - setWeight: 60
                """);
    }

    /** A restart while paused: the new process's router has no memory of the engine's writes; its watch is on. */
    private RolloutHarness restartedAfter(Runnable whileDown) {
        harness = harness.resumedWatchingDrift(whileDown, cluster -> watched = cluster);
        return harness;
    }

    /** A person aborts the drift pause: everything the engine made is gone, traffic on stable. */
    private void abortAndExpectStable() {
        assertThat(harness.runner.abort("oscar", "on purpose")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rules()).isEqualTo("admin[stable 1] | primary[stable 100, canary 0]");
    }

    @Test
    void aManagedHeaderRuleEditedWhileNoProcessWatchedIsDriftAsSoonAsTheRolloutResumes() {
        harness.start(plan("", "{}"));
        runToThePause();

        RolloutHarness restarted = restartedAfter(() -> editRoute("kubectl-edit",
                rules -> rules.get(0).getMatches().get(0).getHeaders().get(0).setValue("sometimes")));
        awaitOnTheFrozenClock(() -> restarted.logged(AuditAction.DRIFT, "managed rule testers was edited"));

        assertThat(restarted.log).anySatisfy(line -> assertThat(line).startsWith("[drift] httproute/demo/web")
                .contains("paused: promote to carry on")
                .contains("httproute/demo/web managed rule testers was edited, not by the engine; changed by"
                        + " kubectl-edit (Update"));
        assertThat(restarted.trafficWrites()).as("found by reading, not by a write").isZero();
        assertThat(restarted.runner.status().waitingFor()).contains("someone else changed");
        abortAndExpectStable();
    }

    @Test
    void afterARestartTheManagedRulesAsTheStepsMadeThemAreNotDriftAndAnEditOfTheMirrorRuleThenIs() {
        harness.start(mirrorPlan());
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        assertThat(rules()).isEqualTo("shadow[stable 80, canary 20] | testers[canary 100] | admin[stable 1]"
                + " | primary[stable 80, canary 20]");
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);

        // While no process watches, someone edits the weighted rule's filters and matches: not the engine's.
        RolloutHarness restarted = restartedAfter(() -> editRoute("kubectl-edit", rules -> {
            HTTPRouteRule primary = rules.stream().filter(r -> "primary".equals(r.getName())).findFirst().get();
            primary.setFilters(List.of(settingHeader("X-Served-By", "primary")));
            primary.setMatches(List.of(new HTTPRouteMatchBuilder().withNewPath().withType("PathPrefix")
                    .withValue("/shop").endPath().build()));
        }));
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);
        assertThat(driftEvents()).as("the header and mirror rules are as the steps made them").isZero();
        assertThat(restarted.runner.status().awaitingPromotion()).isTrue();

        editRoute("kubectl-patch", rules -> rules.get(0).getFilters().stream()
                .filter(f -> "RequestMirror".equals(f.getType())).findFirst().get().getRequestMirror()
                .setPercent(100));
        awaitOnTheFrozenClock(() -> restarted.logged(AuditAction.DRIFT, "managed rule shadow was edited"));

        assertThat(restarted.logged(AuditAction.DRIFT, "managed rule shadow was edited, not by the engine; changed"
                + " by kubectl-patch (Update")).isTrue();
        assertThat(restarted.logged(AuditAction.DRIFT, "managed rule testers")).isFalse();
        assertThat(restarted.trafficWrites()).isZero();
        abortAndExpectStable();
    }

    @Test
    void aManagedRuleRemovedWhileNoProcessWatchedIsDriftOnResume() {
        harness.start(mirrorPlan());
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);

        // the rule and its name in the annotation, as a person tidying up by hand would
        RolloutHarness restarted = restartedAfter(() -> {
            HTTPRoute current = route();
            current.getSpec().getRules().remove(0);
            current.getMetadata().getAnnotations().put("progressive-delivery.jenkins.io/managed-rules", "testers");
            cluster.client.resources(HTTPRoute.class).inNamespace(NS).resource(current).update();
        });
        awaitOnTheFrozenClock(() -> restarted.logged(AuditAction.DRIFT, "managed rule shadow was removed"));

        assertThat(restarted.trafficWrites()).isZero();
        abortAndExpectStable();
    }

    @Test
    void theDefaultsAnApiServerFillsIntoTheManagedRulesAreNotDriftAfterARestart() {
        harness.start(mirrorPlan());
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);

        // What the Gateway API CRDs default (group, kind, a match's path), as a real API server returns the route.
        RolloutHarness restarted = restartedAfter(() -> editRoute("kube-apiserver", rules -> {
            for (HTTPRouteRule rule : rules) {
                rule.getBackendRefs().forEach(ref -> {
                    ref.setGroup("");
                    ref.setKind("Service");
                });
                if (rule.getFilters() != null) {
                    rule.getFilters().stream().filter(f -> f.getRequestMirror() != null).forEach(f -> {
                        f.getRequestMirror().getBackendRef().setGroup("");
                        f.getRequestMirror().getBackendRef().setKind("Service");
                    });
                }
                if (rule.getMatches() != null) {
                    rule.getMatches().stream().filter(m -> m.getPath() == null).forEach(m -> m.setPath(
                            new HTTPRouteMatchBuilder().withNewPath().withType("PathPrefix").withValue("/").endPath()
                                    .build().getPath()));
                }
            }
        }));
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);

        assertThat(driftEvents()).isZero();
        assertThat(restarted.runner.promote("oscar")).isTrue();
        assertThat(restarted.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(driftEvents()).isZero();
    }
}
