package io.jenkins.plugins.progressivedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.cli.demo.DemoTestCluster;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run} against the demo's embedded API server, reached through a kubeconfig as a real cluster would be. */
class RunCommandTest {
    private DemoTestCluster cluster;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        cluster = DemoTestCluster.start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void promotesAfterAnIndefinitePauseWhenTypedPromote(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), cluster.kubeconfig());
        Path plan = Files.writeString(dir.resolve("canary.yaml"), """
                target:
                  namespace: demo
                  deployment: web
                  container: web
                  image: web:2.0
                traffic:
                  istio:
                    virtualService: web
                    route: primary
                    stableService: web-stable
                    canaryService: web-canary
                readinessTimeout: 30s
                steps:
                  - setWeight: 25
                  - pause: {}
                """);
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        CommandLine cli = new CommandLine(new Main(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == RunCommand.class ? type.cast(new RunCommand(stdin))
                        : CommandLine.defaultFactory().create(type);
            }
        });
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        Path audit = dir.resolve("out/audit.json");
        Path report = dir.resolve("out/report.html");

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("run", plan.toString(),
                "--kubeconfig", kubeconfig.toString(), "--audit-out", audit.toString(),
                "--report-out", report.toString()));
        awaitOutput(exit, "[pause]");
        assertThat(cluster.weights()).containsExactly(75, 25);
        typing.write("promote\n".getBytes(StandardCharsets.UTF_8));
        typing.flush();

        assertThat(exit.get(60, TimeUnit.SECONDS)).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("[weight] virtualservice/demo/web route primary: stable 100, canary 0"
                + " -> stable 75, canary 25").contains("> promoting").contains("Rollout promoted");
        assertThat(cluster.weights()).containsExactly(100, 0);
        Deployment stable = cluster.client().apps().deployments().inNamespace("demo").withName("web").get();
        assertThat(stable.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("web:2.0");
        List<AuditEvent> events = AuditTrail.fromJson(Files.readString(audit));
        assertThat(events).anyMatch(e -> e.action() == AuditAction.PROMOTE && !e.actor().equals(AuditEvent.ENGINE));
        assertThat(Files.readString(report)).contains("<svg ").contains("Canary of web:2.0")
                .contains("<a href=\"audit.json\">");
    }

    @Test
    void switchesABlueGreenPlanAtTheGateWhenTypedPromote(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), cluster.kubeconfig());
        Path plan = Files.writeString(dir.resolve("bluegreen.yaml"), """
                target: {namespace: demo, deployment: pay, container: pay, image: "pay:2.0"}
                activeService: pay
                previewService: pay-preview
                scaleDownDelaySeconds: 0
                readinessTimeout: 30s
                """);
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        CommandLine cli = new CommandLine(new Main(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == RunCommand.class ? type.cast(new RunCommand(stdin))
                        : CommandLine.defaultFactory().create(type);
            }
        });
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("run", plan.toString(),
                "--kubeconfig", kubeconfig.toString()));
        awaitOutput(exit, "waiting for promote (switch production to green) or abort");
        assertThat(activeSelectorSlot()).isEqualTo("blue");
        typing.write("status\npromote\n".getBytes(StandardCharsets.UTF_8));
        typing.flush();

        assertThat(exit.get(60, TimeUnit.SECONDS)).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("Rolling out blue-green switch to pay:2.0")
                .contains("> paused, production on blue, green at 0%").contains("> promoting")
                .contains("Rollout promoted");
        assertThat(activeSelectorSlot()).isEqualTo("green");
        assertThat(cluster.client().apps().deployments().inNamespace("demo").withName("pay-blue").get()
                .getSpec().getReplicas()).isZero();
    }

    private String activeSelectorSlot() {
        return cluster.client().services().inNamespace("demo").withName("pay").get().getSpec().getSelector()
                .get("slot");
    }

    @Test
    void anInvalidPlanTouchesNothingAndExits2(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), cluster.kubeconfig());
        Path plan = Files.writeString(dir.resolve("canary.yaml"), """
                target:
                  namespace: demo
                  deployment: web
                  container: web
                  image: web:2.0
                steps:
                  - setWeight: 140
                """);
        int writesBefore = cluster.writeCount();

        int exit = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("run", plan.toString(), "--kubeconfig", kubeconfig.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("steps[0].setWeight");
        assertThat(cluster.writeCount()).isEqualTo(writesBefore);
    }

    private static final String PAUSED_AT_25 = """
            target:
              namespace: demo
              deployment: web
              container: web
              image: web:2.0
            traffic:
              istio:
                virtualService: web
                route: primary
                stableService: web-stable
                canaryService: web-canary
            readinessTimeout: 30s
            abortScaleDownDelay: 0s
            steps:
              - setWeight: 25
              - pause: {}
            """;

    /** A command line whose {@code run} is {@code command[0]}, typing from {@code stdin}. */
    private CommandLine cli(PipedInputStream stdin, RunCommand[] command) {
        CommandLine cli = new CommandLine(new Main(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == RunCommand.class) {
                    command[0] = new RunCommand(stdin);
                    return type.cast(command[0]);
                }
                return CommandLine.defaultFactory().create(type);
            }
        });
        return cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    @Test
    void sigintDuringAPauseRollsBackBeforeExitWritesTheAuditAndReportAndExitsAborted(@TempDir Path dir)
            throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), cluster.kubeconfig());
        Path plan = Files.writeString(dir.resolve("canary.yaml"), PAUSED_AT_25);
        RunCommand[] command = new RunCommand[1];
        CommandLine cli = cli(new PipedInputStream(new PipedOutputStream()), command);
        Path audit = dir.resolve("audit.json");
        Path report = dir.resolve("report.html");
        Path state = dir.resolve("state.json");

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("run", plan.toString(),
                "--kubeconfig", kubeconfig.toString(), "--audit-out", audit.toString(), "--report-out",
                report.toString(), "--state", state.toString()));
        awaitOutput(exit, "[pause]");
        assertThat(cluster.weights()).containsExactly(75, 25);
        assertThat(command[0].interrupt("SIGINT")).isTrue();

        assertThat(exit.get(60, TimeUnit.SECONDS)).as(out + "\n" + err).isEqualTo(ExitCodes.ABORTED);
        assertThat(cluster.weights()).containsExactly(100, 0);
        assertThat(out.toString()).contains("SIGINT: aborting").contains("Rollout aborted: aborted: interrupted"
                + " (SIGINT)");
        assertThat(AuditTrail.fromJson(Files.readString(audit)))
                .anyMatch(e -> e.action() == AuditAction.ROLLBACK && e.after().contains("stable 100, canary 0"));
        assertThat(Files.readString(report)).contains("<svg ");
        assertThat(RunState.read(state).canary().phase().name()).isEqualTo("ABORTED");
    }

    @Test
    void afterACrashInThePauseRunResumeContinuesAndResumeRollbackRollsBack(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), cluster.kubeconfig());
        Path plan = Files.writeString(dir.resolve("canary.yaml"), PAUSED_AT_25);
        Path state = dir.resolve("state.json");
        RunCommand[] command = new RunCommand[1];
        // The run in a JVM of its own, SIGKILLed in the pause: it stops where it is, nothing rolls back.
        CliProcess first = CliProcess.start(dir.resolve("first-run.log"), "run", plan.toString(), "--kubeconfig",
                kubeconfig.toString(), "--state", state.toString());
        try {
            first.awaitState(state, "\"awaitingPromotion\":true");
        } finally {
            first.kill();
        }
        assertThat(cluster.weights()).as("left as the crash left it").containsExactly(75, 25);

        // stdin is a pipe, never the test JVM's own (which carries surefire's commands)
        int again = cli(new PipedInputStream(new PipedOutputStream()), command)
                .execute("run", plan.toString(), "--kubeconfig", kubeconfig.toString(), "--state",
                        state.toString());
        assertThat(again).as("a re-run does not start over what the state says is under way")
                .isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains("holds a rollout that has not ended (canary of web:2.0 at step 2/2,"
                + " canary weight 25 (pause)): continue it with 'run --resume --state");

        int rolledBack = cli(new PipedInputStream(new PipedOutputStream()), command)
                .execute("run", "--resume", "--rollback", "--state", state.toString(), "--kubeconfig",
                        kubeconfig.toString());
        assertThat(rolledBack).as(out + "\n" + err).isEqualTo(ExitCodes.ABORTED);
        assertThat(out.toString()).contains("Resuming canary of web:2.0 at step 2/2")
                .contains("resumed at step 2/2 (pause)");
        assertThat(cluster.weights()).containsExactly(100, 0);
        assertThat(RunState.read(state).completed()).isTrue();
    }

    /** Waits, with a deadline, until the command has printed {@code text}; fails early if it ended. */
    private void awaitOutput(CompletableFuture<Integer> exit, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.toString().contains(text)) {
            assertThat(System.nanoTime()).as("waiting for '" + text + "' in:\n" + out + err).isLessThan(deadline);
            try {
                Integer code = exit.get(50, TimeUnit.MILLISECONDS);
                throw new AssertionError("run ended with " + code + " before printing '" + text + "':\n" + out + err);
            } catch (TimeoutException stillRunning) {
                // check again
            }
        }
    }
}
