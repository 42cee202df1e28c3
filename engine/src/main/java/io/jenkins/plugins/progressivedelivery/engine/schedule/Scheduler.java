package io.jenkins.plugins.progressivedelivery.engine.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs tasks later without holding a thread while they wait. The engine never sleeps: every wait (a pause, an
 * analysis interval, a readiness poll) is a task handed to a scheduler, so a waiting rollout costs nothing and
 * its state can be persisted and resumed. Jenkins passes one backed by {@code jenkins.util.Timer}, the CLI one
 * backed by a {@link java.util.concurrent.ScheduledExecutorService}, tests a {@link ManualScheduler}.
 */
public interface Scheduler {

    /** Runs {@code task} once, after {@code delay} (zero or negative: as soon as possible). */
    Cancellable schedule(Duration delay, Runnable task);

    /** The clock the delays are measured against; every timestamp the engine records comes from it. */
    Clock clock();

    default Instant now() {
        return clock().instant();
    }

    /** A handle on a scheduled task. */
    @FunctionalInterface
    interface Cancellable {
        Cancellable NONE = () -> { };

        void cancel();
    }
}
