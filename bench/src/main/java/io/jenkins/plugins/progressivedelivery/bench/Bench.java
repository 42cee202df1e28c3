package io.jenkins.plugins.progressivedelivery.bench;

import io.jenkins.plugins.progressivedelivery.testkit.LocalPrometheus;
import java.util.Arrays;

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
            System.out.printf("  agent channel per rollback write: %d call(s), %d bytes (request + answer)%n",
                    rollback.channelCallsPerRollback(), rollback.channelBytesPerRollback());
        }

        WallTimeBench.Result wall = only.contains("wall") ? WallTimeBench.run(fast ? 1 : 3) : null;
        double configured = WallTimeBench.CONFIGURED.toMillis();
        if (wall != null) {
            System.out.println();
            System.out.println("-- whole canary (pause 2s, analysis 3x1s, 3 Deployment rollouts of 300 ms) vs the"
                    + " waits configured");
            System.out.printf("  %-28s %s%n", wall.rollout().name(), wall.rollout().summary());
            System.out.printf("  %-28s %s%n", wall.sleep().name(), wall.sleep().summary());
            System.out.printf("  API writes in the rollout: %d%n", wall.apiWrites());
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
        System.out.println("| what | this build | baseline in the same run | ratio |");
        System.out.println("|---|---|---|---|");
        if (rollback != null) {
            row("rollback write, plugin on the controller", s.get("plugin, controller"), kubectl, bare);
            row("rollback write, plugin via an agent's channel (no network)", s.get("plugin, via agent channel"),
                    kubectl, bare);
            row("rollback write, engine on a warm client", s.get("engine, warm client"), kubectl, bare);
        }
        if (wall != null) {
            double overhead = (wall.rollout().median() - configured) / configured * 100;
            double sleepOverhead = (wall.sleep().median() - configured) / configured * 100;
            System.out.printf("| wall time over configured waits (%.1f s) | %+.1f %% | sleeping thread: %+.2f %% |"
                    + " – |%n", configured / 1000, overhead, sleepOverhead);
        }
        if (scale != null) {
            System.out.printf("| %d analyses measuring every 1 s | %d threads, %d MiB heap, %d/%d Successful |"
                            + " async loop: %d threads | %.1f× the threads |%n", scale.analyses(),
                    scale.plugin().peakThreads(), scale.plugin().peakHeapMiB(), scale.successful(), scale.analyses(),
                    scale.asyncLoop().peakThreads(),
                    scale.plugin().peakThreads() / (double) Math.max(1, scale.asyncLoop().peakThreads()));
        }
        if (wall != null) {
            System.out.printf("| API writes per rollout of 2 weight steps | %d | – | – |%n", wall.apiWrites());
        }
        System.exit(0);
    }

    private static void row(String what, Stats mine, Stats kubectl, Stats bare) {
        String baseline = String.format("GET+PUT %.1f ms%s", bare.median(),
                kubectl == null ? "" : String.format(", kubectl %.0f ms", kubectl.median()));
        String ratio = String.format("%.2f× GET+PUT%s", mine.median() / bare.median(),
                kubectl == null ? "" : String.format(", %.0f× faster than kubectl", kubectl.median() / mine.median()));
        System.out.printf("| %s | %.1f ms | %s | %s |%n", what, mine.median(), baseline, ratio);
    }

    /** What the plugin's I/O executor is (StepRuntime's pool: 32 threads at most, ended when idle). */
    static java.util.concurrent.ExecutorService pluginIo() {
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(32, 32, 1,
                java.util.concurrent.TimeUnit.MINUTES, new java.util.concurrent.LinkedBlockingQueue<>());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

}
