package io.jenkins.plugins.progressivedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The command line in a JVM of its own (the test's class path), for faults only a process can have: a SIGKILL
 * ({@link Process#destroyForcibly()}), after which no shutdown hook runs and nothing rolls back.
 */
final class CliProcess {
    private final Process process;
    private final Path log;

    private CliProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code args} (e.g. {@code run plan.yaml --state s.json}); its output goes to {@code log}. */
    static CliProcess start(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new CliProcess(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start(), log);
    }

    /** Waits, with a deadline, until {@code reached}; fails early with the output if the process ended. */
    CliProcess await(String what, BooleanSupplier reached) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!reached.getAsBoolean()) {
            assertThat(process.isAlive()).as("the run ended before " + what + ":\n" + output()).isTrue();
            assertThat(System.nanoTime()).as("waiting for " + what + ":\n" + output()).isLessThan(deadline);
            Thread.sleep(50);
        }
        return this;
    }

    /** Until the state file says {@code text}, e.g. {@code "SCALE_DOWN_WAIT"}. */
    CliProcess awaitState(Path state, String text) throws Exception {
        return await(text + " in " + state, () -> {
            try {
                return Files.exists(state) && Files.readString(state).contains(text);
            } catch (java.io.IOException e) {
                return false; // being written
            }
        });
    }

    /** SIGKILL: the process stops where it is. */
    void kill() throws Exception {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
