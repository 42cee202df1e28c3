package io.jenkins.plugins.progressivedelivery.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.cli.demo.DeploymentController;
import io.jenkins.plugins.progressivedelivery.cli.demo.EmbeddedCluster;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ExecutorScheduler;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.RemoteCanaryCluster;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A whole canary (the canary's rollouts, a pause, an analysis, the promotion) through the plugin's call pattern on
 * the bench API, against the waits its plan configures; the baseline is a thread sleeping the same time. The
 * simulated Deployment controller sees a change by a watch, as the real one does, and marks the rollout ready 300 ms
 * after it saw it, as a small Deployment on a fast cluster; that time counts as configured, so what is left over is the engine's own. Each
 * measurement answers after {@link #QUERY_LATENCY}, as a Prometheus nearby does.
 *
 * <p>The overhead is broken down from the rollout's own event log: each gap between two consecutive events is
 * charged to what the later event records (a write, a readiness, a measurement, ...), minus what the plan configured
 * for it. Two sizings of the canary are run: by the weight (the default, as Argo Rollouts) and once at a fixed size
 * ({@code target.canaryReplicas}, as Flagger with a mesh), each with its API writes listed by verb and resource.
 */
final class WallTimeBench {
    /** How long the simulated cluster takes to roll a Deployment out. */
    static final Duration ROLLOUT = Duration.ofMillis(300);
    static final Duration PAUSE = Duration.ofSeconds(2);
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final int MEASUREMENTS = 3;
    /** How long a measurement takes to answer. */
    static final Duration QUERY_LATENCY = Duration.ofMillis(20);

    static final String PLAN = """
            target: {namespace: demo, deployment: web, container: web, image: 'web:2.0'%s}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            readinessTimeout: 1m
            steps:
              - setWeight: 50
              - pause: %s
              - analysis:
                  metrics:
                    - name: constant
                      interval: 1s
                      count: 3
                      successCondition: result[0] == 0
                      provider: {prometheus: {address: 'http://127.0.0.1:9', query: 'vector(0)'}}
              - setWeight: 100
            """;

    /** How the canary is sized. */
    enum Sizing {
        BY_WEIGHT("sized by the weight (default)", "", PAUSE),
        ONCE("sized once (canaryReplicas: 4)", ", canaryReplicas: 4", PAUSE),
        /** The same canary with a 20 s pause: what is fixed per rollout against more configured time. */
        LONG_PAUSE("sized by the weight, pause 20s", "", Duration.ofSeconds(20));

        final String label;
        final String targetField;
        final Duration pause;

        Sizing(String label, String targetField, Duration pause) {
            this.label = label;
            this.targetField = targetField;
            this.pause = pause;
        }
    }

    /** One sizing's figures: wall time, what the plan configured, the overhead by source, the writes. */
    record Run(Sizing sizing, Stats rollout, double configuredMillis, Map<String, Double> overheadMillis,
               List<String> engineWrites, List<String> engineReads, List<String> controllerWrites) {
        double overheadPercent() {
            return (rollout.median() - configuredMillis) / configuredMillis * 100;
        }

        /** What the engine's own scheduling adds: timers, the analysis schedule, seeing readiness. */
        double engineWaitsPercent() {
            return percent(PAUSED, ANALYSIS, READY, OUTSIDE);
        }

        /** The API round trips: the first call's set-up, the doctor's reads, writes, drift checks between steps. */
        double apiCallsPercent() {
            return percent(SETUP, DOCTOR, WRITES, STEPS);
        }

        double simulatedClusterPercent() {
            return percent(SIMULATED);
        }

        private double percent(String... sources) {
            double sum = 0;
            for (String source : sources) {
                sum += overheadMillis.getOrDefault(source, 0.0);
            }
            return sum / configuredMillis * 100;
        }
    }

    /**
     * @param firstRequest a new client's (KubeClients.create, as the engine's) first request to the same bench API (its TLS handshake and
     *                     connection), the part of the engine's set-up no engine can avoid with a new client
     */
    record Result(Stats sleep, Stats firstRequest, List<Run> runs) {
        Run of(Sizing sizing) {
            return runs.stream().filter(r -> r.sizing() == sizing).findFirst().orElseThrow();
        }

        java.util.Optional<Run> find(Sizing sizing) {
            return runs.stream().filter(r -> r.sizing() == sizing).findFirst();
        }
    }

    /** {@code -Dbench.verbose=true}: the rollout's log, with times. */
    private static final boolean VERBOSE = Boolean.getBoolean("bench.verbose");

    static Result run(int rounds) throws Exception {
        return run(rounds, List.of(Sizing.values()));
    }

    static Result run(int rounds, List<Sizing> sizings) throws Exception {
        Stats sleep = new Stats("sleeping thread, past its sleep");
        Stats firstRequest = new Stats("new client's first GET (connection, TLS handshake)");
        Map<Sizing, Stats> walls = new LinkedHashMap<>();
        Map<Sizing, Double> configured = new LinkedHashMap<>();
        Map<Sizing, List<Round>> measuredRounds = new LinkedHashMap<>();
        Map<Sizing, List<String>> writes = new LinkedHashMap<>();
        Map<Sizing, List<String>> reads = new LinkedHashMap<>();
        Map<Sizing, List<String>> statusWrites = new LinkedHashMap<>();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        // the simulated cluster makes blocking calls: on its own thread, never delaying the engine's timers
        ScheduledExecutorService cluster = Executors.newSingleThreadScheduledExecutor();
        ExecutorService io = Executors.newCachedThreadPool();
        try {
            for (Sizing sizing : List.of(Sizing.BY_WEIGHT, Sizing.ONCE)) {
                oneRollout(sizing, timers, cluster, io); // warm-up: class loading and JIT are not the engine's overhead
            }
            for (int round = 0; round < rounds; round++) {
                for (Sizing sizing : sizings) {
                    Round measured = oneRollout(sizing, timers, cluster, io);
                    walls.computeIfAbsent(sizing, s -> new Stats("canary rollout, " + s.label))
                            .add(measured.wallNanos());
                    configured.put(sizing, measured.configuredMillis());
                    measuredRounds.computeIfAbsent(sizing, s -> new ArrayList<>()).add(measured);
                    writes.put(sizing, measured.engineWrites());
                    reads.put(sizing, measured.engineReads());
                    statusWrites.put(sizing, measured.controllerWrites());
                    firstRequest.add(firstRequest());
                    long start = System.nanoTime();
                    long sleepFor = Math.round(measured.configuredMillis());
                    Thread.sleep(sleepFor);
                    sleep.add(System.nanoTime() - start - TimeUnit.MILLISECONDS.toNanos(sleepFor));
                }
            }
        } finally {
            timers.shutdownNow();
            cluster.shutdownNow();
            io.shutdownNow();
        }
        List<Run> runs = new ArrayList<>();
        for (Sizing sizing : sizings) {
            // the breakdown of the median run, so that its sources add up to that run's overhead
            List<Round> sorted = new ArrayList<>(measuredRounds.get(sizing));
            sorted.sort(java.util.Comparator.comparingLong(Round::wallNanos));
            Round median = sorted.get((sorted.size() - 1) / 2);
            runs.add(new Run(sizing, walls.get(sizing), configured.get(sizing), median.overhead(),
                    writes.get(sizing), reads.get(sizing), statusWrites.get(sizing)));
        }
        return new Result(sleep, firstRequest, runs);
    }

    private record Round(long wallNanos, double configuredMillis, Map<String, Double> overhead,
                         List<String> engineWrites, List<String> engineReads, List<String> controllerWrites) { }

    private static Round oneRollout(Sizing sizing, ScheduledExecutorService timers,
                                    ScheduledExecutorService cluster, ExecutorService io) throws Exception {
        try (BenchApi api = new BenchApi(); KubernetesClient admin = api.newClient();
             DeploymentController controller = DeploymentController.startWatching(admin, "demo", ROLLOUT,
                     Clock.systemUTC(), cluster, Duration.ofMillis(200))) {
            EmbeddedCluster.seed(admin, Clock.systemUTC());
            CanaryPlan plan = PlanLoader.loadCanary(PLAN.formatted(sizing.targetField,
                    Durations.format(sizing.pause)), "bench");
            ConcurrentLinkedQueue<AuditEvent> events = new ConcurrentLinkedQueue<>();
            CompletableFuture<RolloutResult> done = new CompletableFuture<>();
            int before = api.writeLog().size();
            int readsBefore = api.readLog().size();
            Instant startedAt = Instant.now();
            long start = System.nanoTime();
            CanaryRunner.start(plan, Map.of(),
                    new RemoteCanaryCluster(Where.controller(), ClusterAccess.of(api.connection()), plan),
                    slowPrometheus(timers), new ExecutorScheduler(timers), io,
                    event -> {
                        events.add(event);
                        if (VERBOSE) {
                            System.out.println("  " + event.time() + " " + event.toLogLine());
                        }
                    }, done::complete);
            RolloutResult result = done.get(2, TimeUnit.MINUTES);
            long wall = System.nanoTime() - start;
            Instant endedAt = startedAt.plusNanos(wall);
            if (!result.promoted()) {
                throw new IllegalStateException("the bench rollout was not promoted: " + result.message());
            }
            List<String> all = api.writeLog().subList(before, api.writeLog().size());
            List<String> engine = all.stream().filter(w -> !w.endsWith("/status")).toList();
            List<String> status = all.stream().filter(w -> w.endsWith("/status")).toList();
            List<AuditEvent> log = List.copyOf(events);
            double configured = sizing.pause.toMillis() + INTERVAL.toMillis() * (MEASUREMENTS - 1)
                    + ROLLOUT.toMillis() * rollouts(log);
            List<String> reads = api.readLog().subList(readsBefore, api.readLog().size());
            return new Round(wall, configured, breakdown(log, startedAt, endedAt, api.statusWriteTimes(),
                    sizing.pause), engine, reads, status);
        }
    }

    /** A new client's first GET to a new bench API: connection and TLS handshake, as the engine's first call. */
    private static long firstRequest() {
        try (BenchApi api = new BenchApi(); KubernetesClient client =
                KubeClients.create(api.connection())) {
            long start = System.nanoTime();
            client.apps().deployments().inNamespace("demo").withName("web").get();
            return System.nanoTime() - start;
        }
    }

    /** Measurements that answer {@link #QUERY_LATENCY} after they were asked, holding no thread meanwhile. */
    private static MeasurementSource slowPrometheus(ScheduledExecutorService timers) {
        return new MeasurementSource() {
            @Override
            public MetricValue measure(MetricSpec metric, Instant at) {
                return MetricValue.vector(List.of(0.0));
            }

            @Override
            public CompletableFuture<MetricValue> measureAsync(MetricSpec metric, Instant at, Executor io) {
                CompletableFuture<MetricValue> answer = new CompletableFuture<>();
                timers.schedule(() -> answer.complete(MetricValue.vector(List.of(0.0))), QUERY_LATENCY.toMillis(),
                        TimeUnit.MILLISECONDS);
                return answer;
            }
        };
    }

    static final String SETUP = "set-up: client, TLS, discovery, preflight reads";
    static final String DOCTOR = "preflight doctor's reads";
    static final String WRITES = "API writes (read if needed, write, acknowledged)";
    static final String SIMULATED = "simulated controller past its 300 ms (its watch event, its status write)";
    static final String READY = "readiness seen after the status write (watch event, runner wakes)";
    static final String PAUSED = "pause timer past its end";
    static final String ANALYSIS = "analysis past its 2 intervals (schedule + the last query's 20 ms)";
    static final String STEPS = "transitions between steps (step, verdict, promote events)";
    static final String OUTSIDE = "outside the event log (start() call, completion callback)";

    /** The readiness waits that followed a Deployment write (one after a no-op write is ready at once). */
    static long rollouts(List<AuditEvent> log) {
        long rollouts = 0;
        boolean written = false;
        for (AuditEvent event : log) {
            if (event.action() == AuditAction.SCALE) {
                written = !noop(event);
            } else if (event.action() == AuditAction.READY && written) {
                rollouts++;
                written = false;
            }
        }
        return rollouts;
    }

    private static boolean noop(AuditEvent event) {
        return event.reason() != null && event.reason().contains("nothing written");
    }

    /**
     * Charges each gap between consecutive events to what the later one records, minus what the plan configured for
     * it; the gaps add up to the wall time, so the sources add up to the overhead.
     */
    static Map<String, Double> breakdown(List<AuditEvent> log, Instant startedAt, Instant endedAt,
                                         List<Instant> statusWrites, Duration pause) {
        Map<String, Double> millis = new LinkedHashMap<>();
        for (String source : List.of(SETUP, DOCTOR, WRITES, SIMULATED, READY, PAUSED, ANALYSIS, STEPS, OUTSIDE)) {
            millis.put(source, 0.0);
        }
        Instant previous = startedAt;
        boolean analysing = false;
        boolean written = false;
        for (AuditEvent event : log) {
            double gap = Duration.between(previous, event.time()).toNanos() / 1e6;
            previous = event.time();
            String source;
            double configured = 0;
            switch (event.action()) {
                case START -> source = OUTSIDE;
                case PREFLIGHT -> source = SETUP;
                case DOCTOR -> source = DOCTOR;
                case SCALE, WEIGHT, ROUTE -> {
                    source = WRITES;
                    if (event.action() == AuditAction.SCALE) {
                        written = !noop(event);
                    }
                }
                case READY -> {
                    source = READY;
                    Instant from = previous.minusNanos(Math.round(gap * 1e6));
                    Instant marked = written ? statusWrites.stream().filter(t -> t.isAfter(from)
                            && !t.isAfter(event.time())).reduce((a, b) -> b).orElse(null) : null;
                    if (marked != null) {
                        millis.merge(SIMULATED, Duration.between(from, marked).toNanos() / 1e6
                                - ROLLOUT.toMillis(), Double::sum);
                        gap = Duration.between(marked, event.time()).toNanos() / 1e6;
                    } else {
                        configured = written ? ROLLOUT.toMillis() : 0;
                    }
                    written = false;
                }
                case RESUME -> {
                    source = PAUSED;
                    configured = pause.toMillis();
                }
                case MEASUREMENT -> {
                    source = ANALYSIS;
                    configured = analysing ? INTERVAL.toMillis() : 0;
                    analysing = true;
                }
                default -> {
                    source = event.action() == AuditAction.VERDICT && analysing ? ANALYSIS : STEPS;
                    if (event.action() == AuditAction.VERDICT && event.details().get("metric") == null) {
                        analysing = false;
                    }
                }
            }
            millis.merge(source, gap - configured, Double::sum);
        }
        millis.merge(OUTSIDE, Duration.between(previous, endedAt).toNanos() / 1e6, Double::sum);
        return millis;
    }

    /** {@code 2× PUT deployments/web-canary, 1× POST deployments, ...}: the writes by verb and resource. */
    static String byResource(List<String> writes) {
        Map<String, Integer> counts = new TreeMap<>();
        writes.forEach(w -> counts.merge(w, 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        counts.forEach((what, n) -> parts.add(n + "× " + what));
        return String.join(", ", parts);
    }
}
