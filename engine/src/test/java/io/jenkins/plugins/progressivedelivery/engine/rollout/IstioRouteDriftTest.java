package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioApi;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioManagedRoutes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Drift of the engine's managed HTTP routes (setHeaderRoute, setMirrorRoute) in an Istio VirtualService, as for a
 * Gateway API route's managed rules: compared with what the engine last wrote while it runs, and with what the plan's
 * steps made them after a restart; watched while paused (an informer on the VirtualService against the mock API
 * server), with the manual clock standing still. The other routes and the weighted route's other fields are not the
 * engine's: a change there is not drift.
 */
class IstioRouteDriftTest {
    private static final String VS_PATH = "/apis/networking.istio.io/v1/namespaces/demo/virtualservices/web";

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
        harness = new RolloutHarness(cluster.reset()).withHostSplit();
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

    private static CanaryPlan withSteps(String extra, String steps) {
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 0s
                readinessTimeout: 2m
                """ + extra + steps, "canary.yaml");
    }

    private static GenericKubernetesResource virtualService() {
        return cluster.getIstio("v1", "VirtualService", "web");
    }

    private static List<Map<String, Object>> http(GenericKubernetesResource virtualService) {
        return virtualService.get("spec", "http");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> route(List<Map<String, Object>> http, String name) {
        return http.stream().filter(r -> name.equals(r.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + name));
    }

    /** {@code shadow[stable 80, canary 20 mirror canary] | testers[canary 100] | admin[stable] | primary[...]}. */
    @SuppressWarnings("unchecked")
    private static String routes() {
        return http(virtualService()).stream().map(route -> route.get("name")
                        + ((List<Map<String, Object>>) route.get("route")).stream().map(IstioRouteDriftTest::destination)
                        .collect(Collectors.joining(", ", "[", route.containsKey("mirror") ? " mirror canary]" : "]")))
                .collect(Collectors.joining(" | "));
    }

    /** {@code canary 20}, or {@code stable} without a weight. */
    @SuppressWarnings("unchecked")
    private static String destination(Map<String, Object> weighted) {
        String host = (String) ((Map<String, Object>) weighted.get("destination")).get("host");
        return host.replace("web-", "") + (weighted.get("weight") == null ? "" : " " + weighted.get("weight"));
    }

    private void runToThePause() {
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        awaitTheWatch();
    }

    /** The watch listed the objects and read once, and what it woke is done: what is left is the pause's own. */
    private void awaitTheWatch() {
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);
        awaitOnTheFrozenClock(() -> watched.watchWakes.get() >= 3);
        awaitOnTheFrozenClock(() -> harness.scheduler.nextDueIn().map(due -> !due.isZero()).orElse(true));
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

    /** A person's edit of the VirtualService's HTTP routes, recorded in managedFields as the API server would. */
    private void editRoutes(String manager, Consumer<List<Map<String, Object>>> edit) {
        var ops = cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo");
        GenericKubernetesResource current = ops.withName("web").get();
        edit.accept(http(current));
        current.getMetadata().setManagedFields(List.of(
                new ManagedFieldsEntryBuilder().withManager("progressive-delivery").withOperation("Update")
                        .withTime("2026-01-01T00:00:00Z").build(),
                new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Update")
                        .withTime(harness.scheduler.now().toString()).build()));
        ops.resource(current).update();
    }

    /** The testers route's header condition now matches another value. */
    @SuppressWarnings("unchecked")
    private static Consumer<List<Map<String, Object>>> testersHeader(String value) {
        return http -> {
            Map<String, Object> match = ((List<Map<String, Object>>) route(http, "testers").get("match")).get(0);
            ((Map<String, Object>) match.get("headers")).put("X-Canary", new LinkedHashMap<>(Map.of("exact", value)));
        };
    }

    private long driftEvents() {
        return harness.trail.events().stream().filter(e -> e.action() == AuditAction.DRIFT).count();
    }

    /** A person aborts the drift pause: every managed route is gone, traffic on stable. */
    private void abortAndExpectStable(RolloutHarness running) {
        assertThat(running.runner.abort("oscar", "on purpose")).isTrue();
        assertThat(running.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(routes()).isEqualTo("admin[stable] | primary[stable 100, canary 0]");
        assertThat(virtualService().getMetadata().getAnnotations())
                .doesNotContainKey(IstioManagedRoutes.MANAGED_ROUTES);
    }

    // ---- while the engine runs: compared with what it last wrote ---------------------------------------------

    @Test
    void aHeaderRouteEditedDuringThePausePausesTheRolloutAndSaysWhoAtOnce() {
        harness.start(plan("", "10m"));
        runToThePause();
        assertThat(routes()).isEqualTo("testers[canary 100] | admin[stable] | primary[stable 80, canary 20]");
        Instant frozen = harness.scheduler.now();

        editRoutes("kubectl-edit", testersHeader("sometimes"));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "managed route testers"));

        assertThat(harness.scheduler.now()).as("seen by the watch, not by a step").isEqualTo(frozen);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[drift] virtualservice/demo/web")
                .contains("paused: promote to carry on")
                .contains("virtualservice/demo/web managed route testers was edited, not by the engine; changed by"
                        + " kubectl-edit (Update"));
        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        harness.scheduler.advance(Duration.ofHours(1));
        harness.scheduler.runDue();
        assertThat(routes()).as("the timed pause no longer ends by itself: no shift to 60")
                .isEqualTo("testers[canary 100] | admin[stable] | primary[stable 80, canary 20]");
        abortAndExpectStable(harness);
    }

    @Test
    void aMirrorRouteRemovedDuringThePauseIsDrift() {
        harness.start(mirrorPlan());
        runToThePause();
        assertThat(routes()).isEqualTo("shadow[stable 80, canary 20 mirror canary] | testers[canary 100]"
                + " | admin[stable] | primary[stable 80, canary 20]");

        editRoutes("kubectl-edit", http -> http.remove(route(http, "shadow")));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "managed route shadow was removed"));

        assertThat(harness.logged(AuditAction.DRIFT, "managed route shadow was removed, not by the engine; changed"
                + " by kubectl-edit (Update")).isTrue();
        assertThat(harness.logged(AuditAction.DRIFT, "managed route testers")).isFalse();
        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        abortAndExpectStable(harness);
    }

    @Test
    void aHeaderRouteMovedAfterTheWeightedRouteNoLongerTakesEffectAndIsDrift() {
        harness.start(plan("", "{}"));
        runToThePause();

        editRoutes("kubectl-edit", http -> http.add(http.remove(0)));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "managed route testers was moved"));

        assertThat(harness.logged(AuditAction.DRIFT, "managed route testers was moved after route primary, which"
                + " Istio now matches first, not by the engine; changed by kubectl-edit (Update")).isTrue();
        assertThat(harness.logged(AuditAction.DRIFT, "testers was edited")).as("its content is as written").isFalse();
        abortAndExpectStable(harness);
    }

    @Test
    void aHeaderRouteTakenOutOfTheAnnotationIsDriftForARollbackWouldLeaveIt() {
        harness.start(plan("", "{}"));
        runToThePause();

        var ops = cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo");
        GenericKubernetesResource current = ops.withName("web").get();
        current.getMetadata().getAnnotations().remove(IstioManagedRoutes.MANAGED_ROUTES);
        ops.resource(current).update();
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "managed route testers was taken out of"
                + " annotation " + IstioManagedRoutes.MANAGED_ROUTES));

        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        assertThat(harness.runner.abort("oscar", "on purpose")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void theVirtualServiceDeletedDuringThePauseIsDriftNotAFailedCall() {
        harness.start(plan("", "{}"));
        runToThePause();

        cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo").withName("web")
                .delete();
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "virtualservice/demo/web is gone"));

        assertThat(harness.logged(AuditAction.DRIFT, "virtualservice/demo/web is gone, the engine set stable 80,"
                + " canary 20; deleted by someone else")).isTrue();
        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        assertThat(harness.runner.abort("oscar", "on purpose")).isTrue();
        RolloutResult result = harness.runToEnd();
        assertThat(result.phase()).as("nothing to move back: said, not retried")
                .isEqualTo(RolloutPhase.ROLLBACK_FAILED);
        assertThat(result.message()).contains("virtualservice/demo/web does not exist (404)");
    }

    @Test
    void anEditElsewhereInTheVirtualServiceIsNotDriftAndIsKept() {
        harness.start(plan("", "1m"));
        runToThePause();

        long reads = watched.count("drift ok");
        editRoutes("kubectl-edit", http -> {
            route(http, "admin").put("timeout", "5s");
            route(http, "primary").put("retries", new LinkedHashMap<>(Map.of("attempts", 5)));
            Map<String, Object> beta = new LinkedHashMap<>(route(http, "admin"));
            beta.put("name", "beta");
            http.add(beta);
        });
        awaitOnTheFrozenClock(() -> watched.count("drift ok") > reads); // the watch woke and read: nothing to say

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(driftEvents()).isZero();
        assertThat(routes()).isEqualTo("admin[stable] | primary[stable 100, canary 0] | beta[stable]");
        assertThat(route(http(virtualService()), "admin")).containsEntry("timeout", "5s");
    }

    @Test
    void withoutAWatchTheCheckBeforeTheNextWeightReadsTheVirtualServiceOnceAndTheWeightIsWrittenFromThatRead() {
        harness.wrap = real -> real;
        List<String> readsBeforeSixty = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.WEIGHT && event.after().contains("canary 60")) {
                // up to the engine's PUT: what follows it is the harness reading the weights back for this event
                List<String> requests = cluster.takeRequests();
                requests.subList(0, requests.indexOf("PUT " + VS_PATH)).stream()
                        .filter(r -> r.equals("GET " + VS_PATH)).forEach(readsBeforeSixty::add);
            }
        });
        harness.start(mirrorPlan());
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        cluster.takeRequests();

        assertThat(harness.runner.promote("oscar")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);

        assertThat(readsBeforeSixty).as("the drift check's read, the managed routes compared from it").hasSize(1);
        assertThat(driftEvents()).isZero();
    }

    // ---- after a restart: the managed routes as the plan's steps made them, compared at once ------------------

    /** A restart while paused: the new process's router has no memory of the engine's writes; its watch is on. */
    private RolloutHarness restartedAfter(Runnable whileDown) {
        harness = harness.resumedWatchingDrift(whileDown, cluster -> watched = cluster);
        return harness;
    }

    @Test
    void aHeaderRouteEditedWhileNoProcessWatchedIsDriftAsSoonAsTheRolloutResumesBeforeAnythingIsWritten() {
        harness.start(plan("", "{}"));
        runToThePause();

        RolloutHarness restarted = restartedAfter(() -> editRoutes("kubectl-edit", testersHeader("sometimes")));
        awaitOnTheFrozenClock(() -> restarted.logged(AuditAction.DRIFT, "managed route testers was edited"));

        assertThat(restarted.log).anySatisfy(line -> assertThat(line).startsWith("[drift] virtualservice/demo/web")
                .contains("paused: promote to carry on")
                .contains("virtualservice/demo/web managed route testers was edited, not by the engine; changed by"
                        + " kubectl-edit (Update"));
        assertThat(restarted.trafficWrites()).as("found by reading, not by a write").isZero();
        assertThat(restarted.runner.status().waitingFor()).contains("someone else changed");
        abortAndExpectStable(restarted);
    }

    @Test
    void afterACleanRestartTheManagedRoutesAsTheStepsMadeThemAreNotDriftAndTheRolloutPromotes() {
        harness.start(mirrorPlan());
        runToThePause();

        // While no process watches, someone edits what is not the engine's: the weighted route's other fields.
        RolloutHarness restarted = restartedAfter(() -> editRoutes("kubectl-edit", http -> {
            route(http, "primary").put("timeout", "3s");
            route(http, "primary").put("match", List.of(Map.of("uri", Map.of("prefix", "/shop"))));
        }));
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);
        assertThat(driftEvents()).as("the header and mirror routes are as the steps made them").isZero();
        assertThat(restarted.runner.status().awaitingPromotion()).isTrue();

        assertThat(restarted.runner.promote("oscar")).isTrue();
        assertThat(restarted.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(driftEvents()).isZero();
        assertThat(routes()).isEqualTo("admin[stable] | primary[stable 100, canary 0]");
    }

    @Test
    void afterARestartAnEditOfTheMirrorPercentageIsDriftAndTheHeaderRouteIsNotNamed() {
        harness.start(mirrorPlan());
        runToThePause();

        RolloutHarness restarted = restartedAfter(() -> { });
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);
        assertThat(driftEvents()).isZero();

        editRoutes("kubectl-patch", http -> route(http, "shadow").put("mirrorPercentage",
                new LinkedHashMap<>(Map.of("value", 100.0))));
        awaitOnTheFrozenClock(() -> restarted.logged(AuditAction.DRIFT, "managed route shadow was edited"));

        assertThat(restarted.logged(AuditAction.DRIFT, "managed route shadow was edited, not by the engine; changed"
                + " by kubectl-patch (Update")).isTrue();
        assertThat(restarted.logged(AuditAction.DRIFT, "managed route testers")).isFalse();
        assertThat(restarted.trafficWrites()).isZero();
        abortAndExpectStable(restarted);
    }

    @Test
    void aMirrorRouteRemovedWhileNoProcessWatchedIsDriftOnResume() {
        harness.start(mirrorPlan());
        runToThePause();

        // the route and its name in the annotation, as a person tidying up by hand would
        RolloutHarness restarted = restartedAfter(() -> {
            var ops = cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo");
            GenericKubernetesResource current = ops.withName("web").get();
            http(current).remove(route(http(current), "shadow"));
            current.getMetadata().getAnnotations().put(IstioManagedRoutes.MANAGED_ROUTES, "testers");
            ops.resource(current).update();
        });
        awaitOnTheFrozenClock(() -> restarted.logged(AuditAction.DRIFT, "managed route shadow was removed"));

        assertThat(restarted.logged(AuditAction.DRIFT, "managed route testers")).isFalse();
        assertThat(restarted.trafficWrites()).isZero();
        abortAndExpectStable(restarted);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWayAnApiServerOrAToolSpellsTheManagedRoutesIsNotDriftAfterARestart() {
        harness.start(mirrorPlan());
        runToThePause();

        // The API server writes a double without its fraction (50.0 comes back as 50, as Go's JSON encoder does), a
        // tool leaves out the weight of a lone destination (Istio sends it everything anyway) and fills in the port
        // of the mirror target; none changes what the steps decided.
        RolloutHarness restarted = restartedAfter(() -> editRoutes("kube-apiserver", http -> {
            Map<String, Object> shadow = route(http, "shadow");
            shadow.put("mirrorPercentage", new LinkedHashMap<>(Map.of("value", 50)));
            ((Map<String, Object>) shadow.get("mirror")).put("port", new LinkedHashMap<>(Map.of("number", 80)));
            ((List<Map<String, Object>>) route(http, "testers").get("route")).get(0).remove("weight");
        }));
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);

        assertThat(driftEvents()).isZero();
        assertThat(restarted.runner.promote("oscar")).isTrue();
        assertThat(restarted.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(driftEvents()).isZero();
    }
}
