package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.util.function.Consumer;

/**
 * Tells the runner that a Deployment may have become ready, so that it checks at once instead of at its next poll.
 * A hint, not the verdict, unless the watch says it saw the Deployment ready ({@link #whenReady}): then the runner
 * takes that readiness instead of reading it again.
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

    /**
     * As {@link #whenMaybeReady}, with the runner's scheduler for whatever the watch has to time (an agent's long
     * poll is re-issued on it), and, when the watch itself saw the Deployment rolled out, that {@link Readiness} (the
     * object of a watch event that came after the write); {@code null}: the runner reads readiness itself.
     */
    default Scheduler.Cancellable whenReady(Scheduler scheduler, Consumer<Readiness> ready) {
        return whenMaybeReady(() -> ready.accept(null));
    }
}
