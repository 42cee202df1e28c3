package io.jenkins.plugins.progressivedelivery.cli;

import io.jenkins.plugins.progressivedelivery.cli.report.HtmlReport;
import io.jenkins.plugins.progressivedelivery.cli.report.ReportFiles;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Rollout;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.util.function.Consumer;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutPhase;
import java.util.concurrent.atomic.AtomicReference;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.kube.ClusterAnalysisTemplates;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisTemplateRefs;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ExecutorScheduler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code run PLAN.yaml}: a canary rollout or a blue-green switch against a real cluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a canary rollout or a blue-green switch against a cluster: validates the plan, checks it against the cluster"
                + " before the first write, then moves through its steps, printing one line per action.",
            "Type 'promote' or 'abort' (and Enter) to end a pause that waits for you; 'status' shows where it is."
                    + " Ctrl-C aborts: traffic goes back to stable, then the canary is scaled down.",
            "Exit codes: 0 promoted, 1 rolled back (traffic on stable), 2 invalid plan, 3 aborted (traffic on stable),"
                    + " 4 rollback FAILED (traffic NOT safe: the last line says what is left and how to finish it),"
                    + " 5 failed without a rollback: before any change (the plan does not fit the cluster), a"
                    + " post-promotion hook after the promotion, or a blue-green switch that found production moved by"
                    + " someone else and left it there."})
final class RunCommand implements Callable<Integer> {
    private final InputStream commands;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PLAN.yaml", arity = "0..1", description = "The plan, in YAML or JSON: a canary plan, or"
            + " a blue-green plan (one with a previewService). Not needed with --resume.")
    private Path plan;

    @Option(names = "--state", paramLabel = "FILE", description = "Keep the rollout's state in FILE after every"
            + " action, so that after a crash 'run --resume --state FILE' continues it (or, with --rollback, rolls"
            + " it back).")
    private Path stateFile;

    @Option(names = "--resume", description = "Continue the rollout kept in --state FILE from where it was.")
    private boolean resume;

    @Option(names = "--rollback", description = "With --resume: roll the rollout back instead of continuing it.")
    private boolean rollback;

    @Mixin
    private ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--prometheus-token-file", paramLabel = "FILE",
            description = "A file holding the bearer token for Prometheus (never printed).")
    private Path prometheusTokenFile;

    @Option(names = "--prometheus-ca", paramLabel = "FILE",
            description = "The PEM CA certificate that signed Prometheus' TLS certificate (default: the JVM's trust store).")
    private Path prometheusCa;

    @Option(names = "--arg", paramLabel = "NAME=VALUE", mapFallbackValue = "",
            description = "An analysis argument ({{args.NAME}}), overriding the plan's value; repeatable.")
    private Map<String, String> args = new LinkedHashMap<>();

    @Option(names = "--audit-out", paramLabel = "FILE", description = "Write the audit trail as JSON to FILE.")
    private Path auditOut;

    @Option(names = "--report-out", paramLabel = "FILE", description = "Write an HTML report with a chart to FILE.")
    private Path reportOut;

    RunCommand() {
        this(System.in);
    }

    /** @param commands where {@code promote}, {@code abort} and {@code status} lines come from */
    RunCommand(InputStream commands) {
        this.commands = commands;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RunState resumed = null;
        DeliveryPlan delivery;
        if (resume || rollback) {
            if (stateFile == null || !resume) {
                err.println("run: --resume needs --state FILE (the file a crashed run kept), and --rollback needs"
                        + " --resume");
                err.flush();
                return ExitCodes.INVALID;
            }
            resumed = RunState.read(stateFile);
            delivery = resumed.canary() != null ? resumed.canary().plan() : resumed.blueGreen().plan();
            if (resumed.completed()) {
                RolloutPhase ended = resumed.canary() != null ? resumed.canary().phase()
                        : resumed.blueGreen().phase();
                out.println("The rollout kept in " + stateFile + " has already ended: " + ended.name());
                out.flush();
                return ExitCodes.of(ended);
            }
        } else {
            if (plan == null) {
                err.println("run: name the plan file (or --resume --state FILE)");
                err.flush();
                return ExitCodes.INVALID;
            }
            Optional<DeliveryPlan> loaded = PlanFiles.load(plan, err);
            if (loaded.isEmpty()) {
                return PlanFiles.INVALID;
            }
            delivery = loaded.get();
            if (stateFile != null && Files.exists(stateFile)) {
                RunState previous = RunState.read(stateFile);
                if (!previous.completed()) {
                    err.println("run: " + stateFile + " holds a rollout that has not ended (" + previous.describe()
                            + "): continue it with 'run --resume --state " + stateFile + "', or roll it back with"
                            + " 'run --resume --rollback --state " + stateFile + "'");
                    err.flush();
                    return ExitCodes.INVALID;
                }
            }
        }
        KubernetesConnection connection = cluster.connection();
        PrometheusAuth auth = prometheusTokenFile == null ? PrometheusAuth.none()
                : PrometheusAuth.bearerToken(read(prometheusTokenFile).trim());
        if (prometheusCa != null) {
            auth = auth.withCaCertificatePem(read(prometheusCa));
        }

        Clock clock = Clock.systemUTC();
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, daemon("rollout-scheduler"));
        ExecutorService io = Executors.newCachedThreadPool(daemon("rollout-io"));
        AuditTrail trail = new AuditTrail();
        CompletableFuture<RolloutResult> ended = new CompletableFuture<>();
        ExecutorService checkpoints = Executors.newSingleThreadExecutor(daemon("rollout-state"));
        AtomicReference<Rollout> running = new AtomicReference<>();
        AuditListener persist = event -> {
            if (stateFile != null) {
                // After the transition that emitted it: snapshot() waits for the runner's lock.
                try {
                    checkpoints.execute(() -> saveState(running.get(), err));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the command is ending: its last state was saved
                }
            }
        };
        // Installed before the rollout starts, so that no signal can find the JVM's default (an exit mid-write).
        AtomicReference<String> earlySignal = new AtomicReference<>();
        Consumer<String> onSignal = signal -> {
            Rollout current = running.get();
            if (current == null) {
                earlySignal.compareAndSet(null, signal);
            } else {
                interrupted(current, ended, signal, out);
            }
        };
        Interrupts interrupts = Interrupts.install(onSignal);
        this.onInterrupt = onSignal;
        try {
            out.println((resumed == null ? "Rolling out " : "Resuming " + resumed.describe() + ": ")
                    + ValidateCommand.describe(delivery));
            out.println("Type 'promote', 'abort' or 'status' and Enter at any time; Ctrl-C aborts and rolls back.");
            if (stateFile != null) {
                out.println("State: " + stateFile + " (after a crash: run --resume --state " + stateFile + ")");
            } else {
                out.println("No --state: after a crash (kill -9) nothing can resume this rollout; recover by hand as"
                        + " docs/plugin/operations.md#when-the-api-server-is-down says");
            }
            out.flush();
            Launched launched;
            try {
                launched = launch(delivery, resumed, connection, ProviderMeasurementSource.nonBlocking(auth),
                        new ExecutorScheduler(executor, clock), io,
                        trail.andThen(new ConsoleAudit(out, clock.instant(), "")).andThen(persist), ended::complete);
            } catch (InvalidPlanException e) {
                PlanFiles.print(plan, e, err);
                return PlanFiles.INVALID;
            }
            try (AutoCloseable cluster = launched.cluster()) {
                Rollout runner = launched.rollout();
                running.set(runner);
                checkpoints.execute(() -> saveState(runner, err));
                if (resumed != null && rollback) {
                    runner.abort(user(), "rolled back on resume (run --resume --rollback)");
                }
                if (earlySignal.get() != null) {
                    interrupted(runner, ended, earlySignal.get(), out);
                }
                Duration abortGrace = delivery.effectiveAbortScaleDownDelay();
                Thread abortOnExit = new Thread(() -> abortAndWait(runner, ended, abortGrace), "rollout-ctrl-c");
                Runtime.getRuntime().addShutdownHook(abortOnExit);
                startCommandReader(runner, commands, out);
                RolloutResult result;
                try {
                    result = ended.get();
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(abortOnExit);
                    } catch (IllegalStateException e) {
                        // shutting down: the hook is running
                    }
                }
                checkpoints.submit(() -> saveState(runner, err)).get();
                out.println("Rollout " + result.phase().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": "
                        + result.message());
                writeOutputs(trail, result, delivery, out);
                if (!result.phase().trafficSafe()) {
                    out.println("TRAFFIC IS NOT SAFE: " + result.message());
                }
                out.flush();
                return ExitCodes.of(result.phase());
            }
        } finally {
            this.onInterrupt = null;
            interrupts.restore();
            checkpoints.shutdown();
            executor.shutdownNow();
            io.shutdownNow();
        }
    }

    /** What a signal does while the rollout runs; null before and after. A seam for tests, as a signal is. */
    private volatile Consumer<String> onInterrupt;

    /** Delivers {@code signal} ({@code SIGINT}, {@code SIGTERM}) as the signal handler does. */
    boolean interrupt(String signal) {
        Consumer<String> handler = onInterrupt;
        if (handler == null) {
            return false;
        }
        handler.accept(signal);
        return true;
    }

    /**
     * SIGINT or SIGTERM during a pause or an analysis: abort, so that the rollback runs before the command exits
     * (with {@link ExitCodes#ABORTED}), and the audit trail and report are written as after any end. A rollback
     * already under way is not stopped by another signal: it keeps trying until traffic is safe.
     */
    private static void interrupted(Rollout runner, CompletableFuture<RolloutResult> ended, String signal,
                                    PrintWriter out) {
        if (ended.isDone()) {
            return;
        }
        if (runner.abort(user(), "interrupted (" + signal + ")")) {
            report(out, signal + ": aborting; traffic goes back to stable before this command exits");
        } else {
            report(out, signal + ": the rollback is under way and keeps trying until traffic is safe ("
                    + runner.statusLine() + "); kill -9 leaves it where it is, then run --resume --state FILE");
        }
    }

    private void saveState(Rollout runner, PrintWriter err) {
        if (stateFile == null || runner == null) {
            return;
        }
        try {
            RunState state = runner instanceof CanaryRunner canary ? new RunState(canary.snapshot(), null)
                    : new RunState(null, ((BlueGreenRunner) runner).snapshot());
            state.write(stateFile);
        } catch (RuntimeException e) {
            report(err, "could not save the state (a crash now could not be resumed): " + e.getMessage());
        }
    }

    /** A started rollout and the cluster connection it uses (closed when the rollout has ended). */
    private record Launched(Rollout rollout, AutoCloseable cluster) { }

    private Launched launch(DeliveryPlan delivery, RunState resumed, KubernetesConnection connection,
                            MeasurementSource metrics, Scheduler scheduler, ExecutorService io, AuditListener audit,
                            Consumer<RolloutResult> onComplete) throws Exception {
        if (delivery instanceof BlueGreenPlan named) {
            BlueGreenPlan blueGreen = named;
            if (resumed == null && AnalysisTemplateRefs.any(named)) {
                // the analyses' AnalysisTemplates, read before anything changes (a resumed plan has them merged)
                try (KubernetesClient client = KubeClients.create(connection)) {
                    blueGreen = new ClusterAnalysisTemplates(client, named.target().namespace()).resolve(named);
                }
            }
            KubernetesBlueGreenCluster cluster = KubernetesBlueGreenCluster.connect(connection, blueGreen)
                    .watchingReadiness();
            try {
                return new Launched(resumed != null
                        ? BlueGreenRunner.resume(resumed.blueGreen(), cluster, metrics, scheduler, io, audit,
                                onComplete)
                        : BlueGreenRunner.start(blueGreen, args, cluster, metrics, scheduler, io, audit,
                        onComplete), cluster);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
        CanaryPlan canary = (CanaryPlan) delivery;
        KubernetesCanaryCluster cluster = KubernetesCanaryCluster.connect(connection, canary).watchingReadiness()
                .watchingDrift();
        try {
            CanaryPlan resolved = resumed == null && AnalysisTemplateRefs.any(canary)
                    ? cluster.withAnalysisTemplates(canary) : canary;
            if (metrics instanceof ProviderMeasurementSource providers) {
                providers.withJobs(cluster.jobs());
            }
            return new Launched(resumed != null
                    ? CanaryRunner.resume(resumed.canary(), cluster, metrics, scheduler, io, audit, onComplete)
                    : CanaryRunner.start(resolved, args, cluster, metrics, scheduler, io, audit, onComplete), cluster);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** On Ctrl-C: abort (traffic to stable first) and wait for the rollback, so the JVM does not exit half-way. */
    private static void abortAndWait(Rollout runner, CompletableFuture<RolloutResult> ended, Duration abortGrace) {
        if (ended.isDone()) {
            return;
        }
        runner.abort(user(), "interrupted (Ctrl-C)");
        try {
            ended.get(abortGrace.plus(Duration.ofSeconds(60)).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // nothing more can be done while the JVM exits; the audit lines say how far the rollback got
        }
    }

    /** Reads {@code promote}, {@code abort} and {@code status} lines; a daemon, so it never keeps the JVM up. */
    private static void startCommandReader(Rollout runner, InputStream commands, PrintWriter out) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(commands, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    switch (line.trim().toLowerCase(Locale.ROOT)) {
                        case "promote" -> report(out, runner.promote(user()) ? "promoting"
                                : "nothing to promote right now");
                        case "abort" -> report(out, runner.abort(user(), "aborted from the command line")
                                ? "aborting" : "the rollout has already ended");
                        case "status" -> report(out, runner.statusLine());
                        case "" -> { }
                        default -> report(out, "unknown command '" + line.trim() + "'; type promote, abort or status");
                    }
                }
            } catch (IOException e) {
                // stdin closed: promote and abort are then only possible by Ctrl-C
            }
        }, "rollout-commands");
        reader.setDaemon(true);
        reader.start();
    }

    private static void report(PrintWriter out, String text) {
        synchronized (out) {
            out.println("> " + text);
            out.flush();
        }
    }

    private void writeOutputs(AuditTrail trail, RolloutResult result, DeliveryPlan delivery, PrintWriter out) {
        if (auditOut != null) {
            out.println("Audit trail: " + ReportFiles.writeAuditJson(auditOut, trail.events()));
        }
        if (reportOut != null) {
            String auditLink = auditOut == null ? null : reportOut.toAbsolutePath().getParent()
                    .relativize(auditOut.toAbsolutePath()).toString();
            String title = (delivery instanceof BlueGreenPlan ? "Blue-green switch to " : "Canary of ")
                    + delivery.image();
            Path written = ReportFiles.writeHtml(reportOut, title, ValidateCommand.describe(delivery),
                    List.of(new HtmlReport.Section(title, result.phase().name(), null, result.message(),
                            trail.events(), auditLink)),
                    Clock.systemUTC().instant());
            out.println("Report: " + written);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String user() {
        return System.getProperty("user.name", "cli");
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
