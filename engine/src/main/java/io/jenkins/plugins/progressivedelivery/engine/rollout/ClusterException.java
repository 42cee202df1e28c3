package io.jenkins.plugins.progressivedelivery.engine.rollout;

/**
 * A cluster call failed. {@link #isTransient()} failures (5xx, 429, timeouts, connection errors) may be retried
 * by the runner, which decides, waits on its scheduler and logs each retry; the others (404, 403, 422, conflicts
 * that did not resolve within the bounded re-reads) fail the step at once.
 */
public class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    public ClusterException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
