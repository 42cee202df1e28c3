package io.jenkins.plugins.progressivedelivery.engine.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.Objects;

/**
 * How to reach a cluster, in one of three ways:
 * <ul>
 *   <li>{@link Source#KUBECONFIG}: the content of a kubeconfig file, with an optional context (default: its
 *       current-context);</li>
 *   <li>{@link Source#TOKEN}: an API server URL, a bearer token (a ServiceAccount's) and optionally the CA certificate
 *       (PEM) that signed the server's certificate (default: the JVM's trust store);</li>
 *   <li>{@link Source#AUTO}: what kubectl would use: {@code $KUBECONFIG}, {@code ~/.kube/config}, or the pod's service
 *       account when running in a cluster, with an optional context.</li>
 * </ul>
 * The server's TLS certificate is verified unless {@code insecureSkipTlsVerify} is set explicitly (or a kubeconfig
 * says {@code insecure-skip-tls-verify: true} for its cluster, as kubectl honours it).
 *
 * <p>It is {@link Serializable} so the Jenkins controller can hand it to an agent. The token and the kubeconfig
 * (which may embed tokens or client keys) are never printed by {@link #toString()} and never written as JSON
 * ({@code WRITE_ONLY}): resolve them from a credential store at each run rather than persisting them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KubernetesConnection(
        Source source,
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) String kubeconfig,
        String context,
        String server,
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) String token,
        String caCertificate,
        boolean insecureSkipTlsVerify) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where the connection settings come from. */
    public enum Source {
        KUBECONFIG, TOKEN, AUTO
    }

    public KubernetesConnection {
        Objects.requireNonNull(source, "source");
        switch (source) {
            case KUBECONFIG -> require(kubeconfig, "kubeconfig", "give the content of a kubeconfig file");
            case TOKEN -> {
                require(server, "server", "give the API server URL, e.g. https://api.example.com:6443");
                require(token, "token", "give a bearer token, e.g. a ServiceAccount token");
                if (!server.startsWith("https://") && !server.startsWith("http://")) {
                    throw new IllegalArgumentException("server: '" + server + "' is not an http(s) URL; write it"
                            + " like https://api.example.com:6443");
                }
                if (caCertificate != null && !caCertificate.isBlank()
                        && !caCertificate.contains("-----BEGIN CERTIFICATE-----")) {
                    throw new IllegalArgumentException("caCertificate: not a PEM certificate; give the CA"
                            + " certificate as text starting with -----BEGIN CERTIFICATE-----");
                }
            }
            default -> {
                // AUTO: everything comes from the environment
            }
        }
    }

    public static KubernetesConnection kubeconfig(String content, String context) {
        return new KubernetesConnection(Source.KUBECONFIG, content, context, null, null, null, false);
    }

    /** @param caCertificatePem the CA's certificate(s) in PEM; null to use the JVM's trust store */
    public static KubernetesConnection token(String server, String token, String caCertificatePem) {
        return new KubernetesConnection(Source.TOKEN, null, null, server, token, caCertificatePem, false);
    }

    /** @param context a context of the kubeconfig found; null for its current-context */
    public static KubernetesConnection auto(String context) {
        return new KubernetesConnection(Source.AUTO, null, context, null, null, null, false);
    }

    /** The same connection, not verifying the server's TLS certificate: for test clusters only. */
    public KubernetesConnection withInsecureSkipTlsVerify(boolean insecure) {
        return new KubernetesConnection(source, kubeconfig, context, server, token, caCertificate, insecure);
    }

    private static void require(String value, String field, String fix) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": is empty; " + fix);
        }
    }

    /** Says where the connection goes, never what authenticates it. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("KubernetesConnection[").append(source.name().toLowerCase(
                java.util.Locale.ROOT));
        if (server != null) {
            out.append(", server=").append(server);
        }
        if (context != null) {
            out.append(", context=").append(context);
        }
        if (kubeconfig != null) {
            out.append(", kubeconfig=<").append(kubeconfig.length()).append(" characters, hidden>");
        }
        if (token != null) {
            out.append(", token=<hidden>");
        }
        if (caCertificate != null) {
            out.append(", caCertificate=<PEM>");
        }
        if (insecureSkipTlsVerify) {
            out.append(", TLS NOT VERIFIED");
        }
        return out.append(']').toString();
    }
}
