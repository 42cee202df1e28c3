package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the JVM that makes the Kubernetes calls reaches the cluster: a connection resolved from a Jenkins credential,
 * or the kubeconfig file at {@code kubeconfigPath} on that machine (the build's {@code KUBECONFIG}), read there, or
 * whatever kubectl would use there (in-cluster service account, {@code ~/.kube/config}).
 *
 * <p>Holds secrets: never persisted (the step keeps only credential ids and resolves again after a restart) and
 * never printed ({@link #toString()} says where, not how).
 */
public record ClusterAccess(KubernetesConnection connection, String kubeconfigPath, String context)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static ClusterAccess of(KubernetesConnection connection) {
        return new ClusterAccess(connection, null, null);
    }

    public static ClusterAccess kubeconfigFile(String path, String context) {
        return new ClusterAccess(null, path, context);
    }

    public static ClusterAccess auto(String context) {
        return new ClusterAccess(KubernetesConnection.auto(context), null, null);
    }

    /** The connection, reading the kubeconfig file on the machine this runs on. */
    KubernetesConnection resolve() {
        if (connection != null) {
            return connection;
        }
        try {
            return KubernetesConnection.kubeconfig(Files.readString(Path.of(kubeconfigPath), StandardCharsets.UTF_8),
                    context);
        } catch (IOException e) {
            throw new UncheckedIOException("KUBECONFIG: cannot read " + kubeconfigPath + " on this agent", e);
        }
    }

    /** For the build log: where, never how. */
    public String describe() {
        if (connection != null) {
            return connection.toString();
        }
        return "kubeconfig " + kubeconfigPath + (context == null ? "" : " (context " + context + ")");
    }

    @Override
    public String toString() {
        return "ClusterAccess[" + describe() + "]";
    }
}
