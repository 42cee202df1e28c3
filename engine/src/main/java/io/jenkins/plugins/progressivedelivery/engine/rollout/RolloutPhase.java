package io.jenkins.plugins.progressivedelivery.engine.rollout;

/** Where a rollout is, or how it ended. */
public enum RolloutPhase {
    /** Moving through the steps. */
    PROGRESSING,
    /** Waiting at an indefinite pause (or an inconclusive analysis) for promote or abort. */
    PAUSED,
    /** Moving traffic back to stable after a failure, a failed analysis or an abort. */
    ROLLING_BACK,
    /** The new version is the stable version and takes all traffic. */
    PROMOTED,
    /** An analysis or a failure rolled the rollout back; traffic is on stable. */
    ROLLED_BACK,
    /** A person or the pipeline aborted; traffic is on stable. */
    ABORTED,
    /**
     * The rollout stopped without rolling back, and production is where it is safe; the message says what was
     * changed, if anything: usually the plan did not fit the cluster and nothing was; or a post-promotion hook failed
     * after the promotion; or a blue-green switch stopped before a scale-down because someone else had moved
     * production, which it left where they put it.
     */
    FAILED,
    /**
     * The rollback could not finish (a non-transient error, or {@code rollbackTimeout} passed): traffic is NOT safe.
     * The message says which resource is left in which state and the {@code kubectl} command that finishes it.
     */
    ROLLBACK_FAILED;

    public boolean completed() {
        return this == PROMOTED || this == ROLLED_BACK || this == ABORTED || this == FAILED
                || this == ROLLBACK_FAILED;
    }

    /** Whether production traffic is where it should be once the rollout has ended this way. */
    public boolean trafficSafe() {
        return this != ROLLBACK_FAILED;
    }
}
