package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.kube.BlueGreenFixtures;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One blue-green switch against the fabric8 mock API server and the backfilled Prometheus, on a manual clock: the
 * test plays the Deployment controller (marks Deployments rolled out) and moves time from one scheduled task to the
 * next. Every request the runner makes is kept, so tests can count the writes of each object.
 */
final class BlueGreenHarness implements AuditListener {
    static final String ACTIVE_SERVICE = "/api/v1/namespaces/demo/services/payments";
    static final String VIRTUAL_SERVICE = "/apis/networking.istio.io/v1/namespaces/demo/virtualservices/payments";

    final MockCluster cluster;
    final ManualScheduler scheduler = new ManualScheduler(BackfilledPrometheus.T0);
    final AuditTrail trail = new AuditTrail();
    final List<String> log = new ArrayList<>();
    final AtomicReference<RolloutResult> result = new AtomicReference<>();
    /** What carries production traffic, read back from the API server right after each weight event. */
    final List<String> observedProduction = new ArrayList<>();
    /** Every request to the API server since the harness was made, as {@code METHOD path}. */
    final List<String> requests = new ArrayList<>();
    /** Where analyses measure: the backfilled Prometheus, or a test's scripted answers. */
    MeasurementSource metrics = new ProviderMeasurementSource(PrometheusAuth.none());
    Executor io = Runnable::run;
    /** Called with each event as it happens, to look at the cluster at that very moment. */
    final List<Consumer<AuditEvent>> taps = new ArrayList<>();
    BlueGreenRunner runner;
    private boolean istio;
    private boolean autoReady = true;
    /** Readiness from a watch on the Deployments as well as polls, as the CLI and the plugin run it. */
    boolean watchReadiness;

    BlueGreenHarness(MockCluster cluster) {
        this.cluster = cluster;
        cluster.takeRequests();
    }

    /** Blue in production behind Service payments, preview Service payments-preview. */
    BlueGreenHarness withBlueInProduction() {
        BlueGreenFixtures.blueInProduction(cluster);
        cluster.takeRequests();
        return this;
    }

    /** Blue in production behind VirtualService payments (route primary), preview Service payments-preview. */
    BlueGreenHarness withBlueInProductionBehindIstio() {
        BlueGreenFixtures.blueInProductionBehindIstio(cluster);
        istio = true;
        cluster.takeRequests();
        return this;
    }

    BlueGreenHarness start(BlueGreenPlan plan) {
        return start(plan, Map.of());
    }

    BlueGreenHarness start(BlueGreenPlan plan, Map<String, String> args) {
        runner = BlueGreenRunner.start(plan, args, blueGreenCluster(plan), metrics,
                scheduler, io, this, result::set);
        return this;
    }

    BlueGreenHarness resume(BlueGreenState state) {
        istio = !state.plan().traffic().isServiceSelector();
        runner = BlueGreenRunner.resume(state, blueGreenCluster(state.plan()), metrics,
                scheduler, io, this, result::set);
        return this;
    }

    private KubernetesBlueGreenCluster blueGreenCluster(BlueGreenPlan plan) {
        KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client, plan);
        return watchReadiness ? blueGreen.watchingReadiness() : blueGreen;
    }

    void noController() {
        autoReady = false;
    }

    @Override
    public void onEvent(AuditEvent event) {
        trail.onEvent(event);
        log.add(event.toLogLine());
        taps.forEach(tap -> tap.accept(event));
        if (event.details().containsKey("canaryWeight")) {
            observedProduction.add(production());
        }
    }

    /** {@code slot=blue}, or with Istio {@code blue 100, green 0}, as the API server has it now. */
    String production() {
        return istio ? BlueGreenFixtures.weights(cluster) : BlueGreenFixtures.selected(cluster, "payments");
    }

    String preview() {
        return BlueGreenFixtures.selected(cluster, "payments-preview");
    }

    /** Runs scheduled work until the switch ends or {@code stop} holds; false if nothing is left to run. */
    boolean runUntil(BooleanSupplier stop) {
        for (int i = 0; i < 2_000; i++) {
            if (autoReady) {
                rollOutDeployments();
            }
            scheduler.runDue();
            if (stop.getAsBoolean() || result.get() != null) {
                return true;
            }
            if (!scheduler.advanceToNext()) {
                return false;
            }
        }
        throw new AssertionError("the switch did not settle; log so far:\n" + String.join("\n", log));
    }

    RolloutResult runToEnd() {
        runUntil(() -> false);
        if (result.get() == null) {
            throw new AssertionError("the switch is waiting (" + runner.status() + "); log:\n"
                    + String.join("\n", log));
        }
        return result.get();
    }

    boolean logged(AuditAction action, String text) {
        return trail.events().stream().anyMatch(e -> e.action() == action && e.toLogLine().contains(text));
    }

    AuditEvent first(AuditAction action, String text) {
        return trail.events().stream().filter(e -> e.action() == action && e.toLogLine().contains(text))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " event with '" + text
                        + "'; log:\n" + String.join("\n", log)));
    }

    /** The first event of {@code action} on {@code resource}. */
    AuditEvent firstOn(AuditAction action, String resource) {
        return trail.events().stream().filter(e -> e.action() == action && resource.equals(e.resource()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " event on " + resource
                        + "; log:\n" + String.join("\n", log)));
    }

    /** The requests made since the last call (also kept in {@link #requests}). */
    List<String> newRequests() {
        List<String> taken = cluster.takeRequests();
        requests.addAll(taken);
        return taken;
    }

    /** The writes ({@code PUT}, {@code POST}, ...) of {@code path} over the whole run so far. */
    List<String> writesTo(String path) {
        newRequests();
        return MockCluster.writes(requests).stream().filter(r -> r.endsWith(" " + path)).toList();
    }

    /** Plays the Deployment controller: every Deployment whose status lags its spec becomes rolled out. */
    void rollOutDeployments() {
        for (Deployment deployment : cluster.client.apps().deployments().inNamespace(NS).list().getItems()) {
            var status = deployment.getStatus();
            Integer replicas = deployment.getSpec().getReplicas();
            boolean current = status != null
                    && deployment.getMetadata().getGeneration().equals(status.getObservedGeneration())
                    && replicas.equals(status.getReadyReplicas()) && replicas.equals(status.getUpdatedReplicas());
            if (!current) {
                cluster.markRolledOut(deployment.getMetadata().getName());
            }
        }
    }

    int replicas(String deployment) {
        Deployment d = cluster.deployment(deployment);
        return d == null ? -1 : d.getSpec().getReplicas();
    }

    String image(String deployment) {
        return cluster.deployment(deployment).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
