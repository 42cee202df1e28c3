package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;

/**
 * Tells the runner that what it manages (the route, the stable and canary Deployments) may have been changed by
 * someone else, so that it reads them at once instead of at its next step. A hint, not the verdict: the runner still
 * compares what it reads with what it last wrote.
 */
@FunctionalInterface
public interface ChangeWatch {
    /** No watch: drift is read before the next weight change and the promotion only. */
    ChangeWatch NONE = wake -> Scheduler.Cancellable.NONE;

    /**
     * Starts watching without blocking; {@code wake} may be called on any thread, any number of times (also once the
     * watch has listed the objects, so that a change made before it started is seen), until the returned handle is
     * cancelled.
     */
    Scheduler.Cancellable whenChanged(Runnable wake);
}
