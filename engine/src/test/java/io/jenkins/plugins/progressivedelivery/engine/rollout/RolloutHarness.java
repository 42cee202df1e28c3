package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * One rollout against the fabric8 mock API server and the backfilled Prometheus, on a manual clock: the test plays
 * the Deployment controller (marks Deployments rolled out) and moves time from one scheduled task to the next.
 */
final class RolloutHarness implements AuditListener {
    static final String HOST_SPLIT_VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web, namespace: demo}
            spec:
              hosts: [web.example.com]
              http:
              - name: admin
                match: [{uri: {prefix: /admin}}]
                route:
                - destination: {host: web-stable}
              - name: primary
                retries: {attempts: 3}
                route:
                - destination: {host: web-stable, port: {number: 80}}
                  weight: 100
                - destination: {host: web-canary, port: {number: 80}}
                  weight: 0
            """;

    final MockCluster cluster;
    final ManualScheduler scheduler = new ManualScheduler(BackfilledPrometheus.T0);
    final AuditTrail trail = new AuditTrail();
    final List<String> log = new ArrayList<>();
    final AtomicReference<RolloutResult> result = new AtomicReference<>();
    /** The route's weights read back from the API server right after each weight event. */
    final List<String> observedWeights = new ArrayList<>();
    /** Where analyses measure: the backfilled Prometheus, or a test's scripted answers. */
    MeasurementSource metrics = new ProviderMeasurementSource(PrometheusAuth.none());
    /** The client the runner's cluster uses (one with a short request timeout, say); the test reads with its own. */
    io.fabric8.kubernetes.client.KubernetesClient client;
    Executor io = Runnable::run;
    /** Called with each event as it happens, to look at the cluster at that very moment. */
    final List<java.util.function.Consumer<AuditEvent>> taps = new ArrayList<>();
    CanaryRunner runner;
    /** Wraps the cluster the runner gets, to inject faults. */
    java.util.function.UnaryOperator<CanaryCluster> wrap = c -> c;
    /** Deployments the harness does not roll out (a controller that never makes them ready). */
    final java.util.Set<String> neverReady = new java.util.HashSet<>();
    private boolean autoReady = true;

    RolloutHarness(MockCluster cluster) {
        this.cluster = cluster;
        this.client = cluster.client;
    }

    /** Stable Deployment web (4 replicas, rolled out), Services web-stable and web-canary, VirtualService web. */
    RolloutHarness withHostSplit() {
        cluster.servingIstio("v1");
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.markRolledOut("web");
        cluster.createService("web-stable", "app", "web", "track", "stable");
        cluster.createService("web-canary", "app", "web", "track", "canary");
        cluster.createIstio("v1", HOST_SPLIT_VS);
        return this;
    }

    RolloutHarness start(CanaryPlan plan) {
        return start(plan, Map.of());
    }

    RolloutHarness start(CanaryPlan plan, Map<String, String> args) {
        runner = CanaryRunner.start(plan, args, wrap.apply(new KubernetesCanaryCluster(client, plan)),
                metrics, scheduler, io, this, result::set);
        return this;
    }

    RolloutHarness resume(RolloutState state) {
        runner = CanaryRunner.resume(state, wrap.apply(new KubernetesCanaryCluster(client, state.plan())),
                metrics, scheduler, io, this, result::set);
        return this;
    }

    /** A new process on the same cluster at the same moment: what a restart after the process went away finds. */
    RolloutHarness restarted() {
        RolloutHarness restarted = new RolloutHarness(cluster);
        restarted.scheduler.advance(Duration.between(restarted.scheduler.now(), scheduler.now()));
        return restarted;
    }

    /**
     * The process goes away (the runner suspended, its state saved as JSON), {@code whileDown} changes the cluster, and
     * a new process resumes from the saved state with its own cluster and routers, watching drift (handed to
     * {@code watched}), and runs what is due at once.
     */
    RolloutHarness resumedWatchingDrift(Runnable whileDown, java.util.function.Consumer<FaultyCanaryCluster> watched) {
        RolloutState state = RolloutState.fromJson(runner.suspend().toJson());
        whileDown.run();
        RolloutHarness restarted = restarted();
        restarted.wrap = real -> {
            FaultyCanaryCluster cluster = new FaultyCanaryCluster(((KubernetesCanaryCluster) real).watchingDrift(),
                    restarted.scheduler::now);
            watched.accept(cluster);
            return cluster;
        };
        restarted.resume(state);
        restarted.scheduler.runDue();
        return restarted;
    }

    /** The route writes (weights, header and mirror routes) this harness's runner made. */
    long trafficWrites() {
        return trail.events().stream()
                .filter(e -> e.action() == AuditAction.WEIGHT || e.action() == AuditAction.ROUTE).count();
    }

        void noController() {
        autoReady = false;
    }

    @Override
    public void onEvent(AuditEvent event) {
        trail.onEvent(event);
        log.add(event.toLogLine());
        if (event.details().containsKey("canaryWeight") && event.resource().startsWith("virtualservice/")) {
            observedWeights.add(weights("web", "primary"));
        }
        taps.forEach(tap -> tap.accept(event));
    }

    /** Runs scheduled work until the rollout ends or {@code stop} holds; false if nothing is left to run. */
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
        throw new AssertionError("the rollout did not settle; log so far:\n" + String.join("\n", log));
    }

    RolloutResult runToEnd() {
        runUntil(() -> false);
        if (result.get() == null) {
            throw new AssertionError("the rollout is waiting (" + runner.status() + "); log:\n"
                    + String.join("\n", log));
        }
        return result.get();
    }

    AuditEvent first(AuditAction action, String text) {
        return trail.events().stream().filter(e -> e.action() == action && e.toLogLine().contains(text))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " event with '" + text
                        + "'; log:\n" + String.join("\n", log)));
    }

    boolean logged(AuditAction action, String text) {
        return trail.events().stream().anyMatch(e -> e.action() == action && e.toLogLine().contains(text));
    }

    /** Plays the Deployment controller: every Deployment whose status lags its spec becomes rolled out. */
    void rollOutDeployments() {
        for (Deployment deployment : cluster.client.apps().deployments().inNamespace(NS).list().getItems()) {
            var status = deployment.getStatus();
            Integer replicas = deployment.getSpec().getReplicas();
            boolean current = status != null
                    && deployment.getMetadata().getGeneration().equals(status.getObservedGeneration())
                    && replicas.equals(status.getReadyReplicas()) && replicas.equals(status.getUpdatedReplicas());
            if (!current && !neverReady.contains(deployment.getMetadata().getName())) {
                cluster.markRolledOut(deployment.getMetadata().getName());
            }
        }
    }

    /** {@code stable 75, canary 25} as read from the VirtualService in the API server. */
    String weights(String virtualService, String route) {
        GenericKubernetesResource vs = cluster.getIstio("v1", "VirtualService", virtualService);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> http = (List<Map<String, Object>>) ((Map<String, Object>) vs
                .getAdditionalProperties().get("spec")).get("http");
        for (Map<String, Object> candidate : http) {
            if (route.equals(candidate.get("name"))) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> destinations = (List<Map<String, Object>>) candidate.get("route");
                StringBuilder out = new StringBuilder();
                for (Map<String, Object> destination : destinations) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> target = (Map<String, Object>) destination.get("destination");
                    String name = target.containsKey("subset") ? (String) target.get("subset")
                            : ((String) target.get("host")).replace("web-", "");
                    out.append(out.length() == 0 ? "" : ", ").append(name).append(' ')
                            .append(destination.get("weight"));
                }
                return out.toString();
            }
        }
        throw new AssertionError("no route " + route);
    }

    int replicas(String deployment) {
        Deployment d = cluster.deployment(deployment);
        return d == null ? -1 : d.getSpec().getReplicas();
    }

    String image(String deployment) {
        return cluster.deployment(deployment).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
