package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Turns a failed API call into a {@link ClusterException} that says which object, what went wrong and what to check,
 * and whether retrying can help: server errors, throttling and network failures are transient; the others (RBAC,
 * missing objects, invalid objects, TLS trust) need a person.
 */
public final class KubeErrors {
    private KubeErrors() {
    }

    /**
     * @param verb the RBAC verb of the failed call ({@code get}, {@code update}, {@code create})
     * @param ref  the object it was about
     */
    public static ClusterException toClusterException(KubernetesClientException e, String verb, KubeRef ref) {
        String forbidden = "the credential may not " + verb + " " + ref.qualifiedResource() + " \"" + ref.name()
                + "\" (403 Forbidden); the Role bound to it needs " + ref.rbacHint(verb);
        String notFound = ref + " does not exist (404); check the namespace and name, or whether it was deleted"
                + " during the rollout";
        return map(e, verb + " " + ref, ref.toString(), forbidden, notFound);
    }

    /**
     * For calls that are not about one object, such as API discovery.
     *
     * @param doing what was attempted, after "cannot": {@code discover the Istio API (GET /apis/networking.istio.io)}
     */
    public static ClusterException toClusterException(KubernetesClientException e, String doing) {
        return map(e, doing, "the request", "the credential was refused (403 Forbidden): " + serverMessage(e),
                "not found (404): " + serverMessage(e));
    }

    /**
     * Runs a read for a preflight, which reports every problem at once: a failure that needs a person (missing,
     * forbidden) becomes a problem at the plan field {@code path} and the read returns null; a transient one is
     * thrown, for the runner to retry.
     */
    public static <T> T orProblem(Supplier<T> read, String path, List<ValidationError> problems) {
        try {
            return read.get();
        } catch (ClusterException e) {
            if (e.isTransient()) {
                throw e;
            }
            problems.add(new ValidationError(path, e.getMessage()));
            return null;
        }
    }

    private static ClusterException map(KubernetesClientException e, String what, String subject, String forbidden,
                                        String notFound) {
        int code = e.getCode();
        if (code <= 0) {
            Throwable tls = causeOf(e, SSLException.class, CertificateException.class);
            if (tls != null) {
                return new ClusterException("cannot " + what + ": the API server's TLS certificate was not trusted ("
                        + tls.getMessage() + "); give the cluster's CA certificate (certificate-authority-data in the"
                        + " kubeconfig, or the CA PEM of the connection)", false, e);
            }
            return new ClusterException("cannot " + what + ": the API server did not answer ("
                    + rootMessage(e) + "); check that it is reachable from here", true, e);
        }
        String server = serverMessage(e);
        if (code == 429 || code >= 500) {
            return new ClusterException("cannot " + what + ": the API server answered " + code + " (" + server
                    + ")", true, e);
        }
        String message = switch (code) {
            case 401 -> "the API server rejected the credential (401 Unauthorized): the token or client certificate"
                    + " is missing, expired or meant for another cluster";
            case 403 -> forbidden;
            case 404 -> notFound;
            case 409 -> subject + " conflicts with the cluster's copy (409 " + server + ")";
            case 400, 422 -> "the API server refused " + subject + " as invalid (" + code + "): " + server;
            default -> "the API server answered " + code + ": " + server;
        };
        return new ClusterException("cannot " + what + ": " + message, false, e);
    }

    private static String serverMessage(KubernetesClientException e) {
        Status status = e.getStatus();
        if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
            return status.getReason() == null || status.getReason().isBlank()
                    ? status.getMessage() : status.getReason() + ": " + status.getMessage();
        }
        return rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + message;
    }

    @SafeVarargs
    private static Throwable causeOf(Throwable e, Class<? extends Throwable>... types) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
        }
        return null;
    }
}
