package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.jenkins.plugins.progressivedelivery.cli.ConsoleAudit;
import io.jenkins.plugins.progressivedelivery.cli.report.HtmlReport;
import io.jenkins.plugins.progressivedelivery.cli.report.ReportFiles;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ExecutorScheduler;
import io.jenkins.plugins.progressivedelivery.testkit.LocalPrometheus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Shows the product with no cluster: an embedded Kubernetes API, a traffic simulator, a real Prometheus, and four
 * rollouts run by the engine: two canaries, one promoted and one rolled back by analysis, then two blue-green
 * switches, one promoted and one switched back by its post-promotion analysis.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Runs four rollouts against an embedded Kubernetes API, with a simulated mesh and users and a real local"
                    + " Prometheus. Canaries: web:2.0 is promoted, web:3.0 (about 15%% errors) is rolled back by"
                    + " analysis. Blue-green switches: pay:2.0 is promoted, pay:3.0 (fine under the smoke test,"
                    + " shedding requests under production load) is switched back by its post-promotion analysis."
                    + " Needs the 'prometheus' binary on the PATH.",
            "Writes each plan, each audit trail (JSON) and report.html to the output directory.",
            "Exit code 0 when all four rollouts end as expected, 1 otherwise."})
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    static final long SEED = 20_260_301L;

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-output",
            description = "Where to write the plans, audit trails and report (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--fast", description = "Shorter pauses and analysis intervals (about half the time; for CI).")
    private boolean fast;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
            converter = DurationConverter.class,
            description = "Give up (and roll back) after this long (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    /** The demo's rollouts, in order; each starts from where the previous one left the cluster. */
    static List<DemoScenario> scenarios() {
        return List.of(CanaryScenario.good(), CanaryScenario.bad(), GatewayCanaryScenario.good(),
                BlueGreenScenario.good(), BlueGreenScenario.bad());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        Clock clock = Clock.systemUTC();
        Instant start = clock.instant();
        long deadline = System.nanoTime() + timeout.toNanos();
        DemoPlans.Timing timing = fast ? DemoPlans.Timing.FAST : DemoPlans.Timing.NORMAL;
        Path outDir = out.toAbsolutePath().normalize();
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(4, daemonThreads("demo-scheduler"));
        ExecutorService io = Executors.newCachedThreadPool(daemonThreads("demo-io"));
        Stopper stopper = new Stopper();
        Thread shutdownHook = new Thread(stopper::closeAll, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            say(console, start, clock, "Progressive Delivery demo: three canary rollouts (two over Istio, one over the"
                    + " Gateway API) and two blue-green switches,"
                    + " no cluster needed.");
            // The API server and Prometheus start side by side: each takes a few seconds (Prometheus mostly to
            // discover its scrape target), and the simulator needs the API server only once it ticks.
            CompletableFuture<EmbeddedCluster> clusterStarting =
                    CompletableFuture.supplyAsync(() -> EmbeddedCluster.startSeeded(clock), io);
            TrafficSimulator simulator = stopper.add(new TrafficSimulator(
                    new DemoTraffic(() -> clusterStarting.join().client()), SEED));
            simulator.serve();
            LocalPrometheus prometheus = stopper.add(LocalPrometheus.builder().scrape(simulator.target())
                    .scrapeInterval(Duration.ofSeconds(1)).start());
            say(console, start, clock, "Prometheus " + prometheus.url() + " (a real process, scraping the"
                    + " simulator every 1s; log " + prometheus.logFile() + ")");
            EmbeddedCluster cluster = stopper.add(clusterStarting.get(60, TimeUnit.SECONDS));
            say(console, start, clock, "Kubernetes API (embedded, in this process): " + cluster.url());
            say(console, start, clock, "  namespace demo: Deployment web (web:1.0, 4 replicas), Services web-stable"
                    + " and web-canary, VirtualService web (route primary: web-stable 100, web-canary 0)");
            say(console, start, clock, "  Deployment shop (shop:1.0, 4 replicas), Services shop-stable and"
                    + " shop-canary, HTTPRoute shop (rule primary: shop-stable 100, shop-canary 0)");
            say(console, start, clock, "  and Deployment pay-blue (pay:1.0, 4 replicas, pods slot: blue), Services"
                    + " pay (production) and pay-preview, both selecting app: pay, slot: blue");
            stopper.add(DeploymentController.start(cluster.client(), EmbeddedCluster.NAMESPACE,
                    timing.rolloutTime(), clock, executor));
            simulator.start(executor, Duration.ofMillis(250));
            say(console, start, clock, "Traffic simulator: web " + (int) DemoTraffic.WEB_REQUESTS_PER_SECOND
                    + " requests/s split as the VirtualService says; pay "
                    + (int) DemoTraffic.PRODUCTION_REQUESTS_PER_SECOND + " requests/s to Service pay and a smoke test"
                    + " of " + (int) DemoTraffic.SMOKE_REQUESTS_PER_SECOND + "/s to pay-preview, to the pods their"
                    + " selectors pick; shop " + (int) DemoTraffic.SHOP_REQUESTS_PER_SECOND + " requests/s split as"
                    + " its HTTPRoute says, plus " + (int) DemoTraffic.SHOP_TESTER_REQUESTS_PER_SECOND + "/s of testers"
                    + " with X-Canary: always; metrics at " + simulator.metricsUri());
            prometheus.waitForData("http_requests_total", null, Duration.ofSeconds(30));
            say(console, start, clock, "Prometheus has the first samples; starting the rollouts.");

            DemoEnvironment env = new DemoEnvironment(cluster, prometheus.uri(),
                    new ExecutorScheduler(executor, clock), executor, io, timing, outDir);
            console.println();
            for (String line : DemoDoctor.examine(env, outDir.resolve("00-doctor.txt"))) {
                say(console, start, clock, line);
            }
            List<HtmlReport.Section> sections = new ArrayList<>();
            List<String> summary = new ArrayList<>();
            boolean allAsExpected = true;
            List<DemoScenario> scenarios = scenarios();
            for (int i = 0; i < scenarios.size(); i++) {
                DemoScenario scenario = scenarios.get(i);
                console.println();
                say(console, start, clock, "== " + (i + 1) + "/" + scenarios.size() + " " + scenario.title()
                        + ": expected " + outcomeName(scenario.expectedOutcome()));
                AuditTrail trail = new AuditTrail();
                int writesBefore = cluster.writes().size();
                DemoScenario.Outcome outcome = run(scenario, env, trail.andThen(new ConsoleAudit(console, start, "")),
                        deadline);
                List<AuditEvent> events = trail.events();
                String auditFile = scenario.fileName() + ".audit.json";
                ReportFiles.writeAuditJson(outDir.resolve(auditFile), events);
                boolean asExpected = outcome.outcome().equals(scenario.expectedOutcome())
                        && outcome.problems().isEmpty();
                allAsExpected &= asExpected;
                String line = scenario.title() + ": " + outcomeName(outcome.outcome())
                        + (asExpected ? " (as expected)" : " (NOT as expected: "
                        + (outcome.outcome().equals(scenario.expectedOutcome()) ? "" : "expected "
                        + outcomeName(scenario.expectedOutcome()) + "; ")
                        + String.join("; ", outcome.problems()) + ")");
                List<EmbeddedCluster.ApiWrite> writes = cluster.writes();
                List<String> facts = scenario.trafficFacts(events, writes.subList(writesBefore, writes.size()));
                say(console, start, clock, "-> " + line + (outcome.message() == null ? ""
                        : " - " + outcome.message()));
                facts.forEach(fact -> say(console, start, clock, "   " + fact));
                summary.add("  - " + line);
                facts.forEach(fact -> summary.add("      " + fact));
                sections.add(new HtmlReport.Section(scenario.title(), outcome.outcome(),
                        scenario.expectedOutcome(), sentence(outcome.message())
                        + (outcome.problems().isEmpty() ? "" : " Problems: " + String.join("; ", outcome.problems())
                        + ".")
                        + facts.stream().map(fact -> " " + capitalised(fact) + ".").collect(Collectors.joining()),
                        events, auditFile));
            }
            Duration took = Duration.between(start, clock.instant());
            Path report = ReportFiles.writeHtml(outDir.resolve("report.html"), "Progressive Delivery demo",
                    "Canary rollouts of the web app over an Istio VirtualService, each with a baseline (the stable"
                            + " image at the canary's size and weight) and judged against it by a Mann-Whitney U test"
                            + " on the built-in success rate and p99 latency, with no query or threshold in the plan;"
                            + " a canary of the shop app over a Gateway API HTTPRoute, gated on the canary's error"
                            + " ratio; blue-green switches of the pay app by its Service's selector, gated on the"
                            + " preview's and then production's error ratio; all measured by Prometheus. Demo took "
                            + took.toSeconds() + " s.",
                    sections, clock.instant());
            console.println();
            say(console, start, clock, "Summary (" + took.toSeconds() + " s):");
            summary.forEach(console::println);
            console.println("  Report:       " + report);
            for (DemoScenario scenario : scenarios) {
                console.println("  Audit trail:  " + outDir.resolve(scenario.fileName() + ".audit.json"));
            }
            console.println("  Plans:        " + outDir.resolve("*.plan.yaml"));
            console.println(allAsExpected ? "Demo OK: the good versions were promoted, the bad canary rolled back"
                    + " and the bad blue-green switch switched back."
                    : "Demo FAILED: an outcome was not the expected one (see above).");
            console.flush();
            return allAsExpected ? 0 : 1;
        } finally {
            stopper.closeAll();
            executor.shutdownNow();
            io.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook runs anyway
            }
        }
    }

    private static DemoScenario.Outcome run(DemoScenario scenario, DemoEnvironment env,
                                            io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener audit,
                                            long deadline) throws InterruptedException {
        DemoScenario.Running running;
        try {
            running = scenario.start(env, audit);
        } catch (RuntimeException e) {
            return new DemoScenario.Outcome("ERROR", "could not start: " + e.getMessage(), List.of());
        }
        CompletableFuture<DemoScenario.Outcome> completion = running.completion();
        try {
            return completion.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            running.abort("the demo ran out of time");
            try {
                DemoScenario.Outcome o = completion.get(env.timing().abortScaleDownDelay().toSeconds() + 30,
                        TimeUnit.SECONDS);
                return new DemoScenario.Outcome(o.outcome(), "timed out; " + o.message(), o.problems());
            } catch (ExecutionException | TimeoutException again) {
                return new DemoScenario.Outcome("TIMED_OUT", "did not end in time", List.of());
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new DemoScenario.Outcome("ERROR", cause.toString(), List.of());
        }
    }

    private static String sentence(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String trimmed = text.strip();
        return trimmed.endsWith(".") ? trimmed : trimmed + ".";
    }

    private static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String outcomeName(String outcome) {
        return outcome.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static void say(PrintWriter console, Instant start, Clock clock, String text) {
        console.println("[" + ConsoleAudit.elapsed(Duration.between(start, clock.instant())) + "] " + text);
        console.flush();
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Closes what the demo started, in reverse order, once: on the way out or on Ctrl-C. */
    private static final class Stopper {
        private final List<AutoCloseable> started = new ArrayList<>();

        synchronized <T extends AutoCloseable> T add(T resource) {
            started.add(resource);
            return resource;
        }

        synchronized void closeAll() {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    // keep closing the others; the Prometheus process above all must not be left running
                }
            }
            started.clear();
        }
    }

    /** Reads durations as plans write them: {@code 90s}, {@code 5m}. */
    public static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.jenkins.plugins.progressivedelivery.engine.plan.Durations.parse(value);
        }
    }
}
