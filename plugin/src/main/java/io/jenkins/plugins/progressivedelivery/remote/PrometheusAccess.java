package io.jenkins.plugins.progressivedelivery.remote;

import java.io.Serializable;

/**
 * How to authenticate to Prometheus: a bearer token, a user and password, or nothing; and the CA (PEM) that signed
 * its certificate, when it is not in the JVM trust store (the configured server's). Holds secrets: never persisted
 * (resolved from the credential id at start and after a restart), never printed.
 */
public record PrometheusAccess(String bearerToken, String username, String password, String caCertificatePem)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public PrometheusAccess(String bearerToken, String username, String password) {
        this(bearerToken, username, password, null);
    }

    /** The same credentials, trusting {@code pem} too (null: the JVM trust store only). */
    public PrometheusAccess withCaCertificate(String pem) {
        return new PrometheusAccess(bearerToken, username, password, pem == null || pem.isBlank() ? null : pem);
    }

    public static final PrometheusAccess ANONYMOUS = new PrometheusAccess(null, null, null);

    public static PrometheusAccess bearer(String token) {
        return new PrometheusAccess(token, null, null);
    }

    public static PrometheusAccess basic(String username, String password) {
        return new PrometheusAccess(null, username, password);
    }

    @Override
    public String toString() {
        return bearerToken != null ? "bearer token" : username != null ? "user " + username : "anonymous";
    }
}
