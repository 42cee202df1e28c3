package io.jenkins.plugins.progressivedelivery.cli;

import io.jenkins.plugins.progressivedelivery.cli.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code progressive-delivery run|validate|doctor|demo}: the engine from a shell. */
@Command(name = "progressive-delivery", mixinStandardHelpOptions = true, version = "progressive-delivery 0.1.0",
        description = "Canary rollouts over Istio, gated on Prometheus, with automatic rollback.",
        subcommands = {RunCommand.class, ValidateCommand.class, DoctorCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run, validate, doctor or demo");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        // Library logs (fabric8, Vert.x) only when something is wrong; what the engine does is in its audit lines.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::reportFailure);
    }

    /** A failure the user can act on gets one line; the stack trace only with -Dprogressive-delivery.debug. */
    private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        Throwable shown = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                ? e.getCause() : e;
        commandLine.getErr().println(commandLine.getCommandName() + ": " + (shown.getMessage() == null
                ? shown.toString() : shown.getMessage()));
        if (Boolean.getBoolean("progressive-delivery.debug")) {
            shown.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return 1;
    }
}
