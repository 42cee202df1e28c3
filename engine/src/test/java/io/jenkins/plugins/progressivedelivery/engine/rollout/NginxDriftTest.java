package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift of ingress-nginx's canary Ingress, as for an Istio VirtualService: its {@code canary}, {@code canary-weight}
 * and header-route annotations, watched while paused (an informer on the canary Ingress against the mock API server),
 * with the manual clock standing still. The stable Ingress is not the engine's: a change there is not drift.
 */
class NginxDriftTest {
    private static final String WEIGHT = "nginx.ingress.kubernetes.io/canary-weight";
    private static final String STABLE_INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: demo
              annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}
            spec:
              ingressClassName: nginx
              rules:
              - host: web.example.com
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: web-stable, port: {number: 80}}}
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
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.markRolledOut("web");
        cluster.createService("web-stable", "app", "web", "track", "stable");
        cluster.createService("web-canary", "app", "web", "track", "canary");
        ingresses().resource(Serialization.unmarshal(STABLE_INGRESS, Ingress.class)).create();
        harness.wrap = real -> watched = new FaultyCanaryCluster(((KubernetesCanaryCluster) real).watchingDrift(),
                harness.scheduler::now);
    }

    private static CanaryPlan plan(String extra, String pause) {
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  nginx: {stableIngress: web, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 0s
                readinessTimeout: 2m
                """ + extra + """
                steps:
                  - setWeight: 20
                  - setHeaderRoute:
                      name: testers
                      match: [{headerName: X-Canary, headerValue: {exact: always}}]
                  - pause: PAUSE
                  - setWeight: 60
                """.replace("PAUSE", pause), "canary.yaml");
    }

    private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Ingress,
            io.fabric8.kubernetes.api.model.networking.v1.IngressList,
            io.fabric8.kubernetes.client.dsl.Resource<Ingress>> ingresses() {
        return cluster.client.network().v1().ingresses().inNamespace(NS);
    }

    private static Ingress canary() {
        return ingresses().withName("web-canary").get();
    }

    /** {@code canary-weight 20, header X-Canary=always}, or {@code absent}: what ingress-nginx would route by. */
    private static String split() {
        Ingress canary = canary();
        if (canary == null) {
            return "absent";
        }
        Map<String, String> annotations = canary.getMetadata().getAnnotations();
        return "canary-weight " + annotations.get(WEIGHT) + (annotations.containsKey(
                "nginx.ingress.kubernetes.io/canary-by-header") ? ", header "
                + annotations.get("nginx.ingress.kubernetes.io/canary-by-header") + "="
                + annotations.get("nginx.ingress.kubernetes.io/canary-by-header-value") : "");
    }

    private void runToThePause() {
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        assertThat(split()).isEqualTo("canary-weight 20, header X-Canary=always");
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1); // the watch listed the Ingress and read once
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

    /** A person's edit of an Ingress, recorded in managedFields as the API server would. */
    private void edit(String name, String manager, Consumer<Ingress> edit) {
        Ingress current = ingresses().withName(name).get();
        edit.accept(current);
        current.getMetadata().setManagedFields(List.of(
                new ManagedFieldsEntryBuilder().withManager("progressive-delivery").withOperation("Update")
                        .withTime("2026-01-01T00:00:00Z").build(),
                new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Update")
                        .withTime(harness.scheduler.now().toString()).build()));
        ingresses().resource(current).update();
    }

    private static Consumer<Ingress> annotation(String key, String value) {
        return ingress -> {
            Map<String, String> annotations = new LinkedHashMap<>(ingress.getMetadata().getAnnotations());
            annotations.put(key, value);
            ingress.getMetadata().setAnnotations(annotations);
        };
    }

    private long driftEvents() {
        return harness.trail.events().stream().filter(e -> e.action() == AuditAction.DRIFT).count();
    }

    @Test
    void anOperatorDrainingTheCanaryDuringThePausePausesForThemAtOnceAndNothingShiftsOn() {
        harness.start(plan("", "{}"));
        runToThePause();
        Instant frozen = harness.scheduler.now();

        edit("web-canary", "kubectl-annotate", annotation(WEIGHT, "0"));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "kubectl-annotate"));

        assertThat(harness.scheduler.now()).as("seen by the watch, not by a step").isEqualTo(frozen);
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[drift]")
                .contains("paused: promote to carry on")
                .contains("ingress/demo/web-canary: " + WEIGHT + " is now \"0\", the engine set \"20\"; changed by"
                        + " kubectl-annotate (Update"));
        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        harness.scheduler.advance(Duration.ofHours(1));
        harness.scheduler.runDue();
        assertThat(split()).as("the person's decision stands: no shift to 60")
                .isEqualTo("canary-weight 0, header X-Canary=always");

        assertThat(harness.runner.abort("oscar", "drained it on purpose")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(split()).as("all traffic on the stable Ingress").isEqualTo("absent");
    }

    @Test
    void withOnDriftAbortADrainedCanaryRollsBackBeforeThePauseEnds() {
        harness.start(plan("onDrift: abort\n", "10m"));
        runToThePause();
        Instant frozen = harness.scheduler.now();

        edit("web-canary", "kubectl-edit", annotation(WEIGHT, "0"));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "rolling back (onDrift: abort)"));
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains(WEIGHT + " is now \"0\"");
        assertThat(harness.trail.events().stream().filter(e -> e.action() == AuditAction.ROLLBACK).findFirst()
                .orElseThrow().time()).as("at once, not when the 10m pause ends").isEqualTo(frozen);
        assertThat(split()).isEqualTo("absent");
        assertThat(watched.openWatches.get()).isZero();
    }

    @Test
    void withOnDriftOverwriteTheChangeIsLoggedOnceAndTheNextStepWritesOverIt() {
        List<String> atSixty = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.WEIGHT && event.after().contains("canary-weight 60")) {
                atSixty.add(split());
            }
        });
        harness.start(plan("onDrift: overwrite\n", "1m"));
        runToThePause();

        edit("web-canary", "kubectl-edit", annotation(WEIGHT, "5"));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "the next step writes over it"));
        assertThat(harness.runner.snapshot().stage()).as("still in the timed pause").isEqualTo(Stage.PAUSE);

        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(atSixty).containsExactly("canary-weight 60, header X-Canary=always");
        assertThat(driftEvents()).as("logged once").isEqualTo(1);
        assertThat(split()).isEqualTo("absent");
    }

    @Test
    void anEditOfTheStableIngressOrOfTheCanaryIngressLabelsIsNotDriftAndIsKept() {
        List<String> labelsAtSixty = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.WEIGHT && event.after().contains("canary-weight 60")) {
                labelsAtSixty.add(String.valueOf(canary().getMetadata().getLabels().get("team")));
            }
        });
        harness.start(plan("", "1m"));
        runToThePause();

        long reads = watched.count("drift ok");
        edit("web", "kubectl-edit", stable -> {
            annotation("nginx.ingress.kubernetes.io/proxy-body-size", "8m").accept(stable);
            HTTPIngressPath docs = Serialization.clone(stable.getSpec().getRules().get(0).getHttp().getPaths().get(0));
            docs.setPath("/docs");
            docs.getBackend().getService().setName("docs");
            stable.getSpec().getRules().get(0).getHttp().getPaths().add(docs);
        });
        edit("web-canary", "kubectl-label", canary -> canary.getMetadata().getLabels().put("team", "payments"));
        awaitOnTheFrozenClock(() -> watched.count("drift ok") > reads); // the watch woke and read: nothing to say

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(driftEvents()).isZero();
        assertThat(labelsAtSixty).as("the canary Ingress's label survives the engine's next write")
                .containsExactly("payments");
        Ingress stable = ingresses().withName("web").get();
        assertThat(stable.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "8m");
        assertThat(stable.getSpec().getRules().get(0).getHttp().getPaths()).hasSize(2);
    }

    @Test
    void aHeaderRouteChangedByHandIsDriftToo() {
        harness.start(plan("", "{}"));
        runToThePause();

        edit("web-canary", "kubectl-edit",
                annotation("nginx.ingress.kubernetes.io/canary-by-header-value", "sometimes"));
        awaitOnTheFrozenClock(() -> harness.logged(AuditAction.DRIFT, "the header route is now"));

        assertThat(harness.logged(AuditAction.DRIFT, "the header route is now canary-by-header=X-Canary,"
                + " canary-by-header-value=sometimes, the engine set canary-by-header=X-Canary,"
                + " canary-by-header-value=always; changed by kubectl-edit (Update")).isTrue();
        abortAndExpectStable();
    }

    @Test
    void aCanaryIngressDeletedByHandIsDriftBeforeTheNextWeightWithoutAWatch() {
        harness.wrap = real -> watched = new FaultyCanaryCluster(real, harness.scheduler::now);
        harness.start(plan("", "1m"));
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        ingresses().withName("web-canary").delete();

        harness.runUntil(() -> harness.logged(AuditAction.DRIFT, "ingress/demo/web-canary is gone"));

        assertThat(harness.logged(AuditAction.RESUME, "pause of step 3/4 ended")).isTrue();
        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        assertThat(split()).as("not created again").isEqualTo("absent");
    }

    // ---- after a restart: the header route as the plan's steps made it, compared at once -------------------------

    /** A restart while paused: the new process's router has no memory of the engine's writes; its watch is on. */
    private RolloutHarness restartedAfter(Runnable whileDown) {
        harness = harness.resumedWatchingDrift(whileDown, cluster -> watched = cluster);
        return harness;
    }

    /** A person aborts the drift pause: everything the engine made is gone, traffic on stable. */
    private void abortAndExpectStable() {
        assertThat(harness.runner.abort("oscar", "on purpose")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(split()).isEqualTo("absent");
    }

    @Test
    void aHeaderRouteChangedWhileNoProcessWatchedIsDriftAsSoonAsTheRolloutResumes() {
        harness.start(plan("", "{}"));
        runToThePause();

        RolloutHarness restarted = restartedAfter(() -> edit("web-canary", "kubectl-edit",
                annotation("nginx.ingress.kubernetes.io/canary-by-header-value", "sometimes")));
        awaitOnTheFrozenClock(() -> restarted.logged(AuditAction.DRIFT, "the header route is now"));

        assertThat(restarted.log).anySatisfy(line -> assertThat(line).startsWith("[drift] ingress/demo/web-canary")
                .contains("paused: promote to carry on")
                .contains("the header route is now canary-by-header=X-Canary, canary-by-header-value=sometimes, the"
                        + " engine set canary-by-header=X-Canary, canary-by-header-value=always; changed by"
                        + " kubectl-edit (Update"));
        assertThat(restarted.trafficWrites()).as("found by reading, not by a write").isZero();
        assertThat(restarted.runner.status().waitingFor()).contains("someone else changed");
        abortAndExpectStable();
    }

    @Test
    void afterARestartTheHeaderRouteAsTheStepMadeItIsNotDriftAndItsRemovalByHandThenIs() {
        harness.start(plan("", "{}"));
        runToThePause();

        RolloutHarness restarted = restartedAfter(() -> { });
        awaitOnTheFrozenClock(() -> watched.count("drift ok") >= 1);
        assertThat(driftEvents()).isZero();
        assertThat(restarted.runner.status().awaitingPromotion()).isTrue();

        edit("web-canary", "kubectl-annotate", ingress -> {
            Map<String, String> annotations = new LinkedHashMap<>(ingress.getMetadata().getAnnotations());
            annotations.keySet().removeIf(key -> key.contains("canary-by-header"));
            ingress.getMetadata().setAnnotations(annotations);
        });
        awaitOnTheFrozenClock(() -> restarted.logged(AuditAction.DRIFT, "the header route is now none"));

        assertThat(restarted.logged(AuditAction.DRIFT, "the header route is now none, the engine set"
                + " canary-by-header=X-Canary, canary-by-header-value=always; changed by kubectl-annotate (Update"))
                .isTrue();
        assertThat(restarted.trafficWrites()).isZero();
        abortAndExpectStable();
    }
}
