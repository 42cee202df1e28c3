package io.jenkins.plugins.progressivedelivery.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.cli.demo.DeploymentController;
import io.jenkins.plugins.progressivedelivery.cli.demo.EmbeddedCluster;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ExecutorScheduler;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.RemoteCanaryCluster;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A whole canary (two Deployment rollouts, a pause, an analysis, the promotion) through the plugin's call pattern on
 * the bench API, against the waits its plan configures; the baseline is a thread sleeping the same time. The
 * simulated Deployment controller marks a rollout ready 300 ms after it started (looking every 20 ms), as a small
 * Deployment on a fast cluster; that time counts as configured, so what is left over is the engine's own.
 */
final class WallTimeBench {
    /** How long the simulated cluster takes to roll a Deployment out (three rollouts: canary, resize, promotion). */
    static final Duration ROLLOUT = Duration.ofMillis(300);
    /** Pause 2s + analysis (3 measurements 1s apart) + the cluster's three rollouts. */
    static final Duration CONFIGURED = Duration.ofSeconds(4).plus(ROLLOUT.multipliedBy(3));

    static final String PLAN = """
            target: {namespace: demo, deployment: web, container: web, image: 'web:2.0'}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            readinessTimeout: 1m
            steps:
              - setWeight: 50
              - pause: 2s
              - analysis:
                  metrics:
                    - name: constant
                      interval: 1s
                      count: 3
                      successCondition: result[0] == 0
                      provider: {prometheus: {address: 'http://127.0.0.1:9', query: 'vector(0)'}}
              - setWeight: 100
            """;

    record Result(Stats rollout, Stats sleep, int apiWrites) { }

    /** {@code -Dbench.verbose=true}: the rollout's log, with times. */
    private static final boolean VERBOSE = Boolean.getBoolean("bench.verbose");

    static Result run(int rounds) throws Exception {
        Stats rollout = new Stats("canary rollout");
        Stats sleep = new Stats("sleeping thread");
        int writes = 0;
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        ExecutorService io = Executors.newCachedThreadPool();
        try {
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                Thread.sleep(CONFIGURED.toMillis());
                sleep.add(System.nanoTime() - start);
                try (BenchApi api = new BenchApi(); KubernetesClient admin = api.newClient();
                     DeploymentController controller = DeploymentController.start(admin, "demo", ROLLOUT,
                             Clock.systemUTC(), timers, Duration.ofMillis(20))) {
                    EmbeddedCluster.seed(admin, Clock.systemUTC());
                    CanaryPlan plan = PlanLoader.loadCanary(PLAN, "bench");
                    CompletableFuture<RolloutResult> done = new CompletableFuture<>();
                    int before = api.writes();
                    start = System.nanoTime();
                    CanaryRunner.start(plan, Map.of(),
                            new RemoteCanaryCluster(Where.controller(), ClusterAccess.of(api.connection()), plan),
                            (metric, at) -> MetricValue.vector(java.util.List.of(0.0)), new ExecutorScheduler(timers), io,
                            event -> {
                                if (VERBOSE) {
                                    System.out.println("  " + event.time() + " " + event.toLogLine());
                                }
                            }, done::complete);
                    RolloutResult result = done.get(2, TimeUnit.MINUTES);
                    rollout.add(System.nanoTime() - start);
                    if (!result.promoted()) {
                        throw new IllegalStateException("the bench rollout was not promoted: " + result.message());
                    }
                    writes = api.writes() - before;
                }
            }
        } finally {
            timers.shutdownNow();
            io.shutdownNow();
        }
        return new Result(rollout, sleep, writes);
    }
}
