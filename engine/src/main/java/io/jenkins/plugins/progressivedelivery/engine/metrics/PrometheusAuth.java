package io.jenkins.plugins.progressivedelivery.engine.metrics;

import java.io.Serializable;
import java.util.Objects;

/**
 * How to authenticate to Prometheus and which TLS certificates to trust: runtime configuration (a Jenkins
 * credential, CLI flags), never part of a plan or of persisted analysis state, so deliberately not a Jackson bean.
 * {@link #toString()} never prints the token or password. At most one of bearer token and basic credentials.
 *
 * @see #none()
 */
public final class PrometheusAuth implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final PrometheusAuth NONE = new PrometheusAuth(null, null, null, null, false);

    private final String bearerToken;
    private final String username;
    private final String password;
    private final String caCertificatePem;
    private final boolean insecureSkipTlsVerify;

    /**
     * @param bearerToken           sent as {@code Authorization: Bearer ...}; null for none
     * @param username              with {@code password}, sent as HTTP basic authentication; null for none
     * @param caCertificatePem      PEM certificate(s) to trust for https instead of the JVM's default trust store
     * @param insecureSkipTlsVerify accept any server certificate and host name; only for a throwaway test setup
     */
    public PrometheusAuth(String bearerToken, String username, String password, String caCertificatePem,
                          boolean insecureSkipTlsVerify) {
        this.bearerToken = blankToNull(bearerToken);
        this.username = blankToNull(username);
        this.password = password;
        this.caCertificatePem = blankToNull(caCertificatePem);
        this.insecureSkipTlsVerify = insecureSkipTlsVerify;
        if (this.bearerToken != null && this.username != null) {
            throw new IllegalArgumentException("give either a bearer token or a username and password for Prometheus,"
                    + " not both");
        }
        if (this.username == null && password != null && !password.isEmpty()) {
            throw new IllegalArgumentException("a Prometheus password needs a username");
        }
        if (this.username != null && this.username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a Prometheus username for basic authentication cannot contain ':'");
        }
    }

    /** No credentials, the JVM's trust store, TLS verified. */
    public static PrometheusAuth none() {
        return NONE;
    }

    public static PrometheusAuth bearerToken(String token) {
        return new PrometheusAuth(Objects.requireNonNull(token, "token"), null, null, null, false);
    }

    public static PrometheusAuth basic(String username, String password) {
        return new PrometheusAuth(null, Objects.requireNonNull(username, "username"), password, null, false);
    }

    /** The same credentials, trusting the given PEM certificate(s). */
    public PrometheusAuth withCaCertificatePem(String pem) {
        return new PrometheusAuth(bearerToken, username, password, pem, insecureSkipTlsVerify);
    }

    /** The same credentials, without verifying the server's certificate: never in production. */
    public PrometheusAuth withInsecureSkipTlsVerify(boolean skip) {
        return new PrometheusAuth(bearerToken, username, password, caCertificatePem, skip);
    }

    public String bearerToken() {
        return bearerToken;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String caCertificatePem() {
        return caCertificatePem;
    }

    public boolean insecureSkipTlsVerify() {
        return insecureSkipTlsVerify;
    }

    /**
     * The value of the {@code Authorization} header, or null.
     */
    public String authorizationHeader() {
        if (bearerToken != null) {
            return "Bearer " + bearerToken;
        }
        if (username != null) {
            String pair = username + ":" + (password == null ? "" : password);
            return "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return null;
    }

    /** {@code text} with the token and password replaced by {@code ****}, for messages built from server answers. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String redacted = text;
        for (String secret : new String[] {bearerToken, password, authorizationHeader()}) {
            if (secret != null && secret.length() >= 4) {
                redacted = redacted.replace(secret, "****");
            }
        }
        return redacted;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PrometheusAuth)) {
            return false;
        }
        PrometheusAuth other = (PrometheusAuth) o;
        return insecureSkipTlsVerify == other.insecureSkipTlsVerify && Objects.equals(bearerToken, other.bearerToken)
                && Objects.equals(username, other.username) && Objects.equals(password, other.password)
                && Objects.equals(caCertificatePem, other.caCertificatePem);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bearerToken, username, password, caCertificatePem, insecureSkipTlsVerify);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("PrometheusAuth[");
        if (bearerToken != null) {
            text.append("bearer token ****");
        } else if (username != null) {
            text.append("basic ").append(username).append(":****");
        } else {
            text.append("no credentials");
        }
        if (caCertificatePem != null) {
            text.append(", custom CA");
        }
        if (insecureSkipTlsVerify) {
            text.append(", TLS NOT VERIFIED");
        }
        return text.append(']').toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
