package io.jenkins.plugins.progressivedelivery.bench;

import io.jenkins.plugins.progressivedelivery.testkit.LocalPrometheus;
import java.util.Arrays;
import java.util.List;

import java.util.Map;

/**
 * The speed and scale figures of issue 11, each against a baseline measured in the same run, printed as a table of
 * ratios. Never asserts a time: a slow machine gives slow figures, not a failure.
 *
 * <p>{@code --short}: few rounds and 200 analyses, for CI (about a minute). {@code --rows=rollback,wall,scale}: only
 * those sections.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        boolean fast = Arrays.asList(args).contains("--short");
        String only = Arrays.stream(args).filter(a -> a.startsWith("--rows=")).map(a -> a.substring(7)).findFirst()
                .orElse("rollback,wall,scale");
        int rounds = fast ? 10 : 40;
        int analyses = fast ? 200 : 1000;
        int count = fast ? 5 : 10;
        System.out.println("== progressive-delivery bench" + (fast ? " (short)" : "") + ": Java "
                + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");

        RollbackBench.Result rollback = only.contains("rollback") ? RollbackBench.run(rounds) : null;
        Map<String, Stats> s = rollback == null ? Map.of() : rollback.stats();
        Stats bare = s.get("bare fabric8 GET+PUT");
        Stats kubectl = s.get("kubectl patch");
        if (rollback != null) {
            System.out.println();
            System.out.println("-- rollback write (traffic to stable, acknowledged), same TLS + token API, interleaved");
            for (Stats stats : s.values()) {
                System.out.printf("  %-28s %s%n", stats.name(), stats.summary());
            }
            System.out.println(kubectl == null ? "  kubectl: not on PATH (apt-get install kubectl where Debian has"
                    + " it), row skipped" : "  kubectl: " + rollback.kubectl());
            System.out.printf("  agent channel per rollback write: %d call(s), %d bytes (request + answer); the plan"
                            + " (%d bytes serialised) crosses once per session, before this it travelled with every"
                            + " call (≈ %d bytes per rollback write)%n",
                    rollback.channelCallsPerRollback(), rollback.channelBytesPerRollback(), rollback.planBytes(),
                    rollback.channelBytesPerRollback() + rollback.planBytes());
            System.out.println();
            System.out.println("-- blue-green switch back (production from green to blue: the active Service's"
                    + " selector, acknowledged), same API, interleaved");
            for (Stats stats : rollback.switchBack().values()) {
                System.out.printf("  %-28s %s%n", stats.name(), stats.summary());
            }
        }

        WallTimeBench.Result wall = only.contains("wall") ? WallTimeBench.run(fast ? 1 : 3, fast
                ? List.of(WallTimeBench.Sizing.BY_WEIGHT, WallTimeBench.Sizing.ONCE)
                : List.of(WallTimeBench.Sizing.values())) : null;
        if (wall != null) {
            System.out.println();
            System.out.println("-- whole canary (setWeight 50, pause 2s, analysis 3 measurements 1s apart answering"
                    + " in 20 ms, setWeight 100, promotion; each Deployment rollout 300 ms) vs the waits configured");
            System.out.printf("  %-50s %s%n", wall.sleep().name(), wall.sleep().summary());
            System.out.printf("  %-50s %s%n", wall.firstRequest().name(), wall.firstRequest().summary());
            for (WallTimeBench.Run run : wall.runs()) {
                System.out.printf("  %-50s %s: %+.1f %% over the %.1f s configured%n", run.rollout().name(),
                        run.rollout().summary(), run.overheadPercent(), run.configuredMillis() / 1000);
                System.out.println("    overhead by source, ms, of the median run (from its event timestamps):");
                double total = 0;
                for (Map.Entry<String, Double> source : run.overheadMillis().entrySet()) {
                    System.out.printf("      %7.1f  %s%n", source.getValue(), source.getKey());
                    total += source.getValue();
                }
                System.out.printf("      %7.1f  total (%+.1f %%); without the one-time set-up and doctor:"
                                + " %+.1f %%%n", total, total / run.configuredMillis() * 100,
                        (total - run.overheadMillis().get(WallTimeBench.SETUP)
                                - run.overheadMillis().get(WallTimeBench.DOCTOR)) / run.configuredMillis() * 100);
                System.out.printf("      by kind: the engine's own waits (timers, analysis schedule, seeing readiness,"
                                + " callbacks) %+.1f %%, API round trips %+.1f %%, the simulated cluster %+.1f %%%n",
                        run.engineWaitsPercent(), run.apiCallsPercent(), run.simulatedClusterPercent());
                System.out.printf("    API writes by the engine: %d (%s)%n", run.engineWrites().size(),
                        WallTimeBench.byResource(run.engineWrites()));
                System.out.printf("    API reads by the engine: %d (%s)%n", run.engineReads().size(),
                        WallTimeBench.byResource(run.engineReads()));
                System.out.printf("    status writes by the simulated Deployment controller (not the engine's): %d%n",
                        run.controllerWrites().size());
            }
        }

        ScaleBench.Result scale = null;
        if (only.contains("scale")) {
            try (LocalPrometheus prometheus = LocalPrometheus.builder().start()) {
                scale = ScaleBench.run(prometheus, analyses, count, Bench::pluginIo);
            }
            System.out.println();
            System.out.printf("-- %d analyses measuring every 1s (%d measurements each), real Prometheus;"
                    + " threads besides Jenkins' Timer%n", scale.analyses(), scale.count());
            System.out.printf("  plugin path: +%d threads at peak, %d MiB heap at peak, %.1f s, %d/%d Successful,"
                            + " %d measurements%n", scale.plugin().peakThreads(), scale.plugin().peakHeapMiB(),
                    scale.plugin().seconds(), scale.successful(), scale.analyses(), scale.measurements());
            System.out.printf("  async loop:  +%d threads at peak, %d MiB heap at peak, %.1f s%n",
                    scale.asyncLoop().peakThreads(), scale.asyncLoop().peakHeapMiB(), scale.asyncLoop().seconds());
        }

        System.out.println();
        System.out.println("Issue 11's table: \"before\" is the issue's figure (a real Jenkins 2.516.2, or the plugin"
                + " before issue 11), \"this run\" is measured now next to its baseline. The machine is shared: read"
                + " the ratios and breakdowns, not the milliseconds.");
        System.out.println("| what | before (issue 11) | this run | baseline in this run | goal |");
        System.out.println("|---|---|---|---|---|");
        if (rollback != null) {
            row("rollback write, plugin on the controller", "60 ms (kubectl 259 ms)", s.get("plugin, controller"),
                    kubectl, bare, "≤ 10 ms, ≥ 25× kubectl");
            row("rollback write, via an agent's channel (no network)", "118 ms (kubectl 291 ms)",
                    s.get("plugin, via agent channel"), kubectl, bare, "≤ 15 ms, ≥ 20× kubectl");
            row("rollback write, plugin call pattern vs warm GET+PUT", "60 ms vs 3.4 ms (17.6×)",
                    s.get("plugin, controller"), kubectl, bare, "within 1.5× GET+PUT");
            Map<String, Stats> back = rollback.switchBack();
            row("blue-green switch back, plugin on the controller", "– (not measured by the issue)",
                    back.get("plugin, controller"), back.get("kubectl patch"), back.get("bare fabric8 GET+PUT"),
                    "one round trip");
        }
        if (scale != null) {
            System.out.printf("| %d analyses measuring every 1 s | 89–148 threads | %d threads, %d MiB heap, %d/%d"
                            + " Successful | async loop: %d threads | ≤ 8 threads, < 256 MiB |%n", scale.analyses(),
                    scale.plugin().peakThreads(), scale.plugin().peakHeapMiB(), scale.successful(), scale.analyses(),
                    scale.asyncLoop().peakThreads());
        }
        if (wall != null) {
            WallTimeBench.Run byWeight = wall.of(WallTimeBench.Sizing.BY_WEIGHT);
            WallTimeBench.Run once = wall.of(WallTimeBench.Sizing.ONCE);
            double sleepOverhead = wall.sleep().median() / byWeight.configuredMillis() * 100;
            System.out.printf("| wall time over configured pauses + intervals + rollouts | +20.8 %% | %+.1f %%: the"
                            + " engine's own waits %+.1f %%, API round trips %+.1f %%, simulated cluster %+.1f %% (sized"
                            + " once: %+.1f %%) | sleeping thread: %+.2f %% | ≤ 2 %% |%n", byWeight.overheadPercent(),
                    byWeight.engineWaitsPercent(), byWeight.apiCallsPercent(), byWeight.simulatedClusterPercent(),
                    once.overheadPercent(), sleepOverhead);
            wall.find(WallTimeBench.Sizing.LONG_PAUSE).ifPresent(longer -> System.out.printf("| the same canary"
                            + " with a 20 s pause | – | %+.1f %% over %.1f s configured: the engine's own waits %+.1f %%,"
                            + " API round trips %+.1f %% | sleeping thread: %+.2f %% | ≤ 2 %% |%n",
                    longer.overheadPercent(), longer.configuredMillis() / 1000, longer.engineWaitsPercent(),
                    longer.apiCallsPercent(), wall.sleep().median() / longer.configuredMillis() * 100));
            System.out.printf("| API writes per rollout of k = 2 weight steps | ≈ 2k + 3 = 7 | %d sized by the weight,"
                            + " %d sized once | – | k + 2 = 4 |%n", byWeight.engineWrites().size(),
                    once.engineWrites().size());
            System.out.printf("| API reads per rollout of k = 2 weight steps (GET, LIST, WATCH, discovery) | resizing"
                            + " the canary read the Deployment 3 times | %d sized by the weight (%d GETs of a"
                            + " Deployment), %d sized once | – | one read per change |%n", byWeight.engineReads().size(),
                    byWeight.engineReads().stream().filter(r -> r.startsWith("GET deployments/")).count(),
                    once.engineReads().size());
        }
        System.exit(0);
    }

    private static void row(String what, String before, Stats mine, Stats kubectl, Stats bare, String goal) {
        String baseline = String.format("GET+PUT %.1f ms%s", bare.median(),
                kubectl == null ? "" : String.format(", kubectl %.0f ms", kubectl.median()));
        String ratio = String.format("%.2f× GET+PUT%s", mine.median() / bare.median(),
                kubectl == null ? "" : String.format(", %.0f× faster than kubectl", kubectl.median() / mine.median()));
        System.out.printf("| %s | %s | %.1f ms (%s) | %s | %s |%n", what, before, mine.median(), ratio, baseline, goal);
    }

    /** What the plugin's I/O executor is (StepRuntime's pool: 32 threads at most, ended when idle). */
    static java.util.concurrent.ExecutorService pluginIo() {
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(32, 32, 1,
                java.util.concurrent.TimeUnit.MINUTES, new java.util.concurrent.LinkedBlockingQueue<>());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

}
