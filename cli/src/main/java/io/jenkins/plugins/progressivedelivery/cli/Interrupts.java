package io.jenkins.plugins.progressivedelivery.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM handled by the command instead of by a JVM shutdown: a shutdown cannot wait for a
 * rollback that retries, nor choose the exit code or write the report afterwards. {@code sun.misc.Signal} is the
 * JDK's supported way to do this (module {@code jdk.unsupported}); where a signal cannot be handled (a platform
 * without it), the JVM's default stays and the shutdown hook still aborts.
 */
final class Interrupts {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private Interrupts() {
    }

    static Interrupts install(Consumer<String> onSignal) {
        Interrupts installed = new Interrupts();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal signal = new Signal(name);
                SignalHandler old = Signal.handle(signal, s -> onSignal.accept("SIG" + s.getName()));
                installed.signals.add(signal);
                installed.previous.add(old);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // not handled here: the JVM's default (a shutdown, with the abort hook) stays
            }
        }
        return installed;
    }

    /** Gives the signals back to the JVM's handlers once the rollout has ended. */
    void restore() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
