package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;

/**
 * Tells the runner that a Deployment may have become ready, so that it checks at once instead of at its next poll.
 * A hint, not the verdict: the runner still reads readiness with its check.
 */
@FunctionalInterface
public interface ReadinessWatch {
    /** No watch: the runner polls. */
    ReadinessWatch NONE = wake -> Scheduler.Cancellable.NONE;

    /**
     * Starts watching without blocking; {@code wake} may be called on any thread, any number of times, until the
     * returned handle is cancelled.
     */
    Scheduler.Cancellable whenMaybeReady(Runnable wake);
}
