package io.jenkins.plugins.progressivedelivery.cli;

import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command reaches the cluster: {@code --kubeconfig} and {@code --context}, the same for every command. */
final class ClusterOptions {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, or the pod's service account).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "CONTEXT", description = "The kubeconfig context (default: its current one).")
    String context;

    /** Whether either option was given: an explicit wish to use the cluster. */
    boolean given() {
        return kubeconfig != null || context != null;
    }

    KubernetesConnection connection() {
        return kubeconfig == null ? KubernetesConnection.auto(context)
                : KubernetesConnection.kubeconfig(read(kubeconfig), context);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
