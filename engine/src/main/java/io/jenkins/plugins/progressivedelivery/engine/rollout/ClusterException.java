package io.jenkins.plugins.progressivedelivery.engine.rollout;

/**
 * A cluster call failed. {@link #isTransient()} failures (5xx, 429, timeouts, connection errors) may be retried
 * by the runner, which decides, waits on its scheduler and logs each retry; the others (404, 403, 422, conflicts
 * that did not resolve within the bounded re-reads) fail the step at once.
 */
public class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;
    private final boolean conflict;

    public ClusterException(String message, boolean transientFailure, Throwable cause) {
        this(message, transientFailure, false, cause);
    }

    private ClusterException(String message, boolean transientFailure, boolean conflict, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.conflict = conflict;
    }

    /**
     * Writes that kept conflicting (409) through every re-read: someone else keeps writing the object. Not transient
     * for a rollout moving forward (it rolls back), but a rollback keeps trying, as a controller would.
     */
    public static ClusterException conflict(String message, Throwable cause) {
        return new ClusterException(message, false, true, cause);
    }

    public boolean isTransient() {
        return transientFailure;
    }

    public boolean isConflict() {
        return conflict;
    }

    /** Whether a rollback tries again after this failure: transient ones and conflicts. */
    public boolean retriedByRollback() {
        return transientFailure || conflict;
    }
}
