package io.jenkins.plugins.progressivedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.cli.demo.DemoTestCluster;
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

/**
 * Issue 9's last row, with the real fault: {@code run} of a blue-green plan in its own JVM, SIGKILLed
 * ({@link Process#destroyForcibly()}) after production moved to the new colour, while the old one is kept warm for
 * the scale-down delay. Whatever runs next, the old colour is never overwritten: the same plan run again finishes the
 * switch (and can still switch back), and {@code run --resume --rollback} switches production back.
 */
class BlueGreenCrashTest {
    private static final String PLAN = """
            target: {namespace: demo, deployment: pay, container: pay, image: "pay:2.0"}
            activeService: pay
            previewService: pay-preview
            autoPromotionSeconds: 0
            scaleDownDelaySeconds: 600
            abortScaleDownDelaySeconds: 0
            readinessTimeout: 30s
            """;

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
    void theSamePlanRunAgainAfterASigkillPastTheSwitchLeavesTheWarmOldColourAloneAndCanSwitchBack(
            @TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("bluegreen.yaml"), PLAN);
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), cluster.kubeconfig());
        killAfterTheSwitch(dir, plan, kubeconfig, dir.resolve("state.json"));

        PipedOutputStream typing = new PipedOutputStream();
        CommandLine again = cli(new PipedInputStream(typing));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> again.execute("run", plan.toString(),
                "--kubeconfig", kubeconfig.toString()));
        awaitOutput(exit, "already runs pay:2.0: not deployed again");
        awaitOutput(exit, "[pause]");
        assertThat(colour("pay-blue")).as("the warm old colour is not overwritten").isEqualTo("pay:1.0 x4");
        typing.write("abort\n".getBytes(StandardCharsets.UTF_8));
        typing.flush();

        assertThat(exit.get(60, TimeUnit.SECONDS)).as(out + "\n" + err).isEqualTo(ExitCodes.ABORTED);
        assertThat(activeSlot()).isEqualTo("blue");
        assertThat(colour("pay-blue")).isEqualTo("pay:1.0 x4");
    }

    @Test
    void runResumeRollbackAfterASigkillPastTheSwitchPutsProductionBackOnTheOldColour(@TempDir Path dir)
            throws Exception {
        Path plan = Files.writeString(dir.resolve("bluegreen.yaml"), PLAN);
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), cluster.kubeconfig());
        Path state = dir.resolve("state.json");
        killAfterTheSwitch(dir, plan, kubeconfig, state);

        int exit = cli(new PipedInputStream(new PipedOutputStream())).execute("run", "--resume", "--rollback",
                "--state", state.toString(), "--kubeconfig", kubeconfig.toString());

        assertThat(exit).as(out + "\n" + err).isEqualTo(ExitCodes.ABORTED);
        assertThat(out.toString()).contains("Resuming");
        assertThat(activeSlot()).isEqualTo("blue");
        assertThat(colour("pay-blue")).isEqualTo("pay:1.0 x4");
        assertThat(RunState.read(state).completed()).isTrue();
    }

    /**
     * Runs the plan in a JVM of its own with {@code --state}, and SIGKILLs it once production is on green and the
     * state says it waits out the scale-down delay.
     */
    private void killAfterTheSwitch(Path dir, Path plan, Path kubeconfig, Path state) throws Exception {
        CliProcess first = CliProcess.start(dir.resolve("first-run.log"), "run", plan.toString(), "--kubeconfig",
                kubeconfig.toString(), "--state", state.toString());
        try {
            first.awaitState(state, "SCALE_DOWN_WAIT");
            assertThat(activeSlot()).isEqualTo("green");
        } finally {
            first.kill(); // no shutdown hook, no rollback
        }
        assertThat(activeSlot()).as("left as the kill left it").isEqualTo("green");
        assertThat(colour("pay-blue")).as("and the old colour warm").isEqualTo("pay:1.0 x4");
        assertThat(colour("pay-green")).isEqualTo("pay:2.0 x4");
    }

    private String colour(String deployment) {
        Deployment d = cluster.client().apps().deployments().inNamespace("demo").withName(deployment).get();
        List<String> images = d.getSpec().getTemplate().getSpec().getContainers().stream()
                .map(c -> c.getImage()).toList();
        return String.join(",", images) + " x" + d.getSpec().getReplicas();
    }

    private String activeSlot() {
        return cluster.client().services().inNamespace("demo").withName("pay").get().getSpec().getSelector()
                .get("slot");
    }

    private CommandLine cli(PipedInputStream stdin) {
        CommandLine cli = new CommandLine(new Main(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == RunCommand.class ? type.cast(new RunCommand(stdin))
                        : CommandLine.defaultFactory().create(type);
            }
        });
        return cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

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
