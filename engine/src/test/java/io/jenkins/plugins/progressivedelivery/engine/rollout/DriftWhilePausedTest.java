package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioApi;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift while paused: a watch on the route and the Deployments (fabric8 informers against the mock API server) makes
 * the runner read them as soon as someone else changes them, and {@code onDrift} applies at once, with the manual
 * clock standing still, so no step and no pause end can have found it. The watch lives exactly as long as the pause.
 */
class DriftWhilePausedTest {
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
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 30s
                readinessTimeout: 2m
                """ + extra + """
                steps:
                  - setWeight: 20
                  - pause: PAUSE
                  - setWeight: 60
                """.replace("PAUSE", pause), "canary.yaml");
    }

    private void runToThePause() {
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 80, canary 20");
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1); // the watch listed the objects and read once
        // the route and both Deployments are listed on the watch's own thread, each waking the runner once: let all
        // three arrive and run the reads they schedule, so that what is left on the scheduler is the pause's own
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

    @Test
    void anOperatorDrainingTheCanaryDuringAnIndefinitePausePausesForThemAtOnceAndHoldsNoTimer() {
        harness.start(plan("", "{}"));
        runToThePause();
        assertThat(harness.scheduler.nextDueIn()).as("an indefinite pause holds no timer, watch or not").isEmpty();
        assertThat(watched.openWatches.get()).isEqualTo(1);
        Instant frozen = harness.scheduler.now();

        long edited = System.nanoTime();
        editRoute("kubectl-patch", 100, 0);
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "kubectl-patch"));
        // measured, never asserted (the test's 10 ms loop is part of it)
        System.out.printf("drift while paused: edit to [drift] %.1f ms (watch event, read, onDrift)%n",
                (System.nanoTime() - edited) / 1e6);

        assertThat(harness.scheduler.now()).as("seen by the watch, not by a step").isEqualTo(frozen);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[drift] virtualservice/demo/web"
                + " route primary: paused: promote to carry on").contains("route primary is now stable 100, canary 0,"
                + " the engine set stable 80, canary 20; changed by kubectl-patch (Update"));
        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        assertThat(watched.openWatches.get()).as("a drift pause waits for a person, without a watch").isZero();
        assertThat(harness.runner.abort("oscar", "drained it on purpose")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void aCanaryScaledByHandDuringATimedPauseWithOnDriftAbortRollsBackBeforeThePauseEnds() {
        harness.start(plan("onDrift: abort\n", "10m"));
        runToThePause();
        Instant frozen = harness.scheduler.now();

        Deployment canary = cluster.deployment("web-canary");
        canary.getSpec().setReplicas(3);
        cluster.client.apps().deployments().inNamespace("demo").resource(canary).update();
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "rolling back (onDrift: abort)"));
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("deployment/demo/web-canary has 3 replicas, the engine left 1");
        assertThat(harness.first(AuditAction.ROLLBACK, "stable 80, canary 20 -> stable 100, canary 0").time())
                .as("at once, not when the 10m pause ends").isEqualTo(frozen);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(watched.openWatches.get()).isZero();
    }

    @Test
    void onDriftOverwriteDuringAPauseLogsTheChangeOnceAndTheNextStepWritesOverIt() {
        harness.start(plan("onDrift: overwrite\n", "1m"));
        runToThePause();

        editRoute("kubectl-edit", 90, 10);
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "the next step writes over it"));
        // a second event about the same object (a label someone adds) reads again, and says nothing new
        var ops = cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo");
        GenericKubernetesResource vs = ops.withName("web").get();
        vs.getMetadata().setLabels(Map.of("team", "payments"));
        ops.resource(vs).update();
        long reads = watched.count("drift ok");
        awaitOnTheFrozenClock(() -> watched.count("drift ok") > reads);
        assertThat(harness.runner.snapshot().stage()).as("still in the timed pause").isEqualTo(Stage.PAUSE);

        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.observedWeights).contains("stable 40, canary 60");
        assertThat(harness.trail.events().stream().filter(e -> e.action() == AuditAction.DRIFT)
                .filter(e -> e.time().isBefore(harness.first(AuditAction.RESUME, "pause of step 2/3").time())))
                .as("logged once while paused").hasSize(1);
    }

    @Test
    void aPromoteAcceptsWhatThePersonChangedAndTheNextStepsDoNotPauseForItAgain() {
        harness.start(plan("", "{}"));
        runToThePause();
        Deployment stable = cluster.deployment("web");
        stable.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("web:1.1-hotfix");
        cluster.client.apps().deployments().inNamespace("demo").resource(stable).update();
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "runs web:1.1-hotfix"));

        assertThat(harness.runner.promote("alice")).isTrue();
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.trail.events().stream().filter(e -> e.action() == AuditAction.DRIFT)).hasSize(1);
        assertThat(harness.image("web")).isEqualTo("web:2.0");
    }

    @Test
    void theWatchIsClosedWhenThePauseEnds() {
        harness.start(plan("", "1m"));
        runToThePause();
        assertThat(watched.openWatches.get()).isEqualTo(1);

        harness.scheduler.advance(Duration.ofMinutes(1));
        harness.scheduler.runDue();

        assertThat(harness.logged(AuditAction.RESUME, "pause of step 2/3 ended")).isTrue();
        assertThat(watched.openWatches.get()).isZero();
        assertThat(watched.watchesStarted.get()).isEqualTo(1);
    }

    @Test
    void theWatchIsClosedByAnAbortAndByAPromote() {
        harness.start(plan("", "{}"));
        runToThePause();
        assertThat(harness.runner.promote("alice")).isTrue();
        assertThat(watched.openWatches.get()).as("closed by promote").isZero();
        harness.runToEnd();

        harness = new RolloutHarness(cluster.reset()).withHostSplit();
        harness.wrap = real -> watched = new FaultyCanaryCluster(((KubernetesCanaryCluster) real).watchingDrift(),
                harness.scheduler::now);
        harness.start(plan("", "10m"));
        runToThePause();
        assertThat(harness.runner.abort("alice", "bad canary")).isTrue();
        assertThat(watched.openWatches.get()).as("closed by abort").isZero();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(watched.watchesStarted.get()).isEqualTo(1);
    }

    @Test
    void aSuspendedRunnerLetsGoOfItsWatchAndAResumedPauseReadsOnceWhatChangedThenWatchesAgain() {
        harness.start(plan("", "{}"));
        runToThePause();

        // The process goes away: its watch is closed and it does nothing more.
        RolloutState state = RolloutState.fromJson(harness.runner.suspend().toJson());
        assertThat(watched.openWatches.get()).isZero();
        assertThat(harness.runner.abort("alice", "too late")).as("a suspended runner does nothing more").isFalse();
        editRoute("kubectl-patch", 100, 0);
        assertThat(harness.logged(AuditAction.DRIFT, "kubectl-patch")).isFalse();

        RolloutHarness restarted = harness.restarted();
        FaultyCanaryCluster[] again = new FaultyCanaryCluster[1];
        restarted.wrap = real -> again[0] = new FaultyCanaryCluster(((KubernetesCanaryCluster) real).watchingDrift(),
                restarted.scheduler::now);
        restarted.resume(state);
        restarted.scheduler.runDue();

        assertThat(restarted.logged(AuditAction.DRIFT, "kubectl-patch")).as("read once on resume").isTrue();
        assertThat(restarted.runner.status().waitingFor()).contains("someone else changed");
        assertThat(again[0].count("drift ok")).isEqualTo(1);
        assertThat(restarted.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(restarted.runner.abort("oscar", "on purpose")).isTrue();
        assertThat(restarted.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
    }

    @Test
    void aResumedPauseWithNothingChangedWatchesAgain() {
        harness.start(plan("", "{}"));
        runToThePause();
        RolloutState state = harness.runner.suspend();
        RolloutHarness restarted = harness.restarted();
        FaultyCanaryCluster[] again = new FaultyCanaryCluster[1];
        restarted.wrap = real -> again[0] = new FaultyCanaryCluster(((KubernetesCanaryCluster) real).watchingDrift(),
                restarted.scheduler::now);
        restarted.resume(state);
        restarted.scheduler.runDue();
        assertThat(again[0].openWatches.get()).isEqualTo(1);
        assertThat(restarted.runner.status().awaitingPromotion()).isTrue();

        Deployment stable = cluster.deployment("web");
        stable.getSpec().setReplicas(6);
        cluster.client.apps().deployments().inNamespace("demo").resource(stable).update();
        harness = restarted;
        awaitOnTheFrozenClock(() -> restarted.logged(AuditAction.DRIFT, "deployment/demo/web has 6 replicas"));
        assertThat(restarted.runner.abort("oscar", "on purpose")).isTrue();
        assertThat(restarted.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
    }

    @Test
    void withoutAWatchAPauseReadsNothingAndTheChangeIsFoundBeforeTheNextWeight() {
        harness.wrap = real -> watched = new FaultyCanaryCluster(real, harness.scheduler::now);
        harness.start(plan("", "1m"));
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        editRoute("kubectl-patch", 100, 0);
        harness.scheduler.runDue();
        assertThat(watched.count("drift ok")).isZero();
        assertThat(harness.logged(AuditAction.DRIFT, "kubectl-patch")).isFalse();

        harness.runUntil(() -> harness.logged(AuditAction.DRIFT, "kubectl-patch"));

        assertThat(harness.logged(AuditAction.RESUME, "pause of step 2/3 ended")).isTrue();
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    /** A person's edit of route primary's weights, recorded in managedFields as the API server would. */
    private void editRoute(String manager, int stable, int canary) {
        var ops = cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo");
        GenericKubernetesResource current = ops.withName("web").get();
        List<Map<String, Object>> http = current.get("spec", "http");
        List<Map<String, Object>> route = (List<Map<String, Object>>) http.get(1).get("route");
        route.get(0).put("weight", stable);
        route.get(1).put("weight", canary);
        current.getMetadata().setManagedFields(List.of(
                new ManagedFieldsEntryBuilder().withManager("progressive-delivery").withOperation("Update")
                        .withTime("2026-01-01T00:00:00Z").build(),
                new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Update")
                        .withTime(harness.scheduler.now().toString()).build()));
        ops.resource(current).update();
    }
}
