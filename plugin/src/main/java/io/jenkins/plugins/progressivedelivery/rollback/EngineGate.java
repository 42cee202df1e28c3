package io.jenkins.plugins.progressivedelivery.rollback;

import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The timers and the I/O executor one engine object runs on, with a switch that stops it: once {@link #close()}d, no
 * timer of it fires and no call of it starts. A call already on the wire finishes and is forgotten. This is how the
 * rollback passes from a step that has ended to the keeper (which resumes the engine from its state) without two
 * engines moving the same route.
 */
public final class EngineGate {
    private volatile boolean closed;

    public Scheduler scheduler(Scheduler scheduler) {
        return new Scheduler() {
            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                if (closed) {
                    return Cancellable.NONE;
                }
                return scheduler.schedule(delay, () -> {
                    if (!closed) {
                        task.run();
                    }
                });
            }

            @Override
            public Clock clock() {
                return scheduler.clock();
            }
        };
    }

    public Executor io(Executor io) {
        return task -> {
            if (!closed) {
                io.execute(() -> {
                    if (!closed) {
                        task.run();
                    }
                });
            }
        };
    }

    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }
}
