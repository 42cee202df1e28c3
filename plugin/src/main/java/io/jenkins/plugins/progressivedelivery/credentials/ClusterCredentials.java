package io.jenkins.plugins.progressivedelivery.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Run;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Turns the step's cluster parameters into a {@link ClusterAccess}:
 * <ol>
 *   <li>{@code credentialsId} of a Secret file credential: its content is the kubeconfig ({@code context} picks one);</li>
 *   <li>{@code credentialsId} of a Secret text credential: a bearer token for {@code serverUrl}, TLS verified with
 *       {@code caCertificate} (PEM) or the JVM's trust store;</li>
 *   <li>no credential: the build's {@code KUBECONFIG} (e.g. set by {@code withKubeConfig} or {@code withEnv}), read on
 *       the agent; else what kubectl would use where the step runs (in-cluster service account, ~/.kube/config).</li>
 * </ol>
 */
public final class ClusterCredentials {
    private ClusterCredentials() {
    }

    public static ClusterAccess resolve(CredentialLookup lookup, Run<?, ?> run, EnvVars env, String credentialsId,
                                        String serverUrl, String caCertificate, String context)
            throws AbortException {
        if (isBlank(credentialsId)) {
            if (!isBlank(serverUrl)) {
                throw new AbortException("serverUrl: given without credentialsId; add the id of a Secret text"
                        + " credential holding a bearer token for " + serverUrl);
            }
            String kubeconfig = env == null ? null : env.get("KUBECONFIG");
            if (!isBlank(kubeconfig)) {
                return ClusterAccess.kubeconfigFile(kubeconfig, blankToNull(context));
            }
            return ClusterAccess.auto(blankToNull(context));
        }
        IdCredentials credential = Credentials.find(lookup, run, "credentialsId", credentialsId,
                List.of(FileCredentials.class, StringCredentials.class));
        try {
            if (credential instanceof FileCredentials file) {
                if (!isBlank(serverUrl)) {
                    throw new AbortException("serverUrl: not used with the kubeconfig credential '" + credentialsId
                            + "' (the kubeconfig names its server); remove serverUrl or use a Secret text token");
                }
                return ClusterAccess.of(KubernetesConnection.kubeconfig(read(file), blankToNull(context)));
            }
            if (isBlank(serverUrl)) {
                throw new AbortException("serverUrl: required with the token credential '" + credentialsId
                        + "'; give the API server URL, e.g. serverUrl: 'https://api.example.com:6443'");
            }
            String token = ((StringCredentials) credential).getSecret().getPlainText();
            return ClusterAccess.of(KubernetesConnection.token(serverUrl.trim(), token, blankToNull(caCertificate)));
        } catch (IllegalArgumentException e) {
            // the connection's own validation; its messages name the field and never include the secret
            throw new AbortException("credentialsId '" + credentialsId + "': " + e.getMessage());
        }
    }

    private static String read(FileCredentials file) throws AbortException {
        try (InputStream in = file.getContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AbortException("credentialsId '" + file.getId() + "': cannot read the kubeconfig file ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    static String blankToNull(String value) {
        return isBlank(value) ? null : value.trim();
    }
}
