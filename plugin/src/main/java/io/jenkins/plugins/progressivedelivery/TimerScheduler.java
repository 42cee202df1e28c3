package io.jenkins.plugins.progressivedelivery;

import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import jenkins.util.Timer;

/** The engine's {@link Scheduler} on Jenkins' shared {@link Timer}: a wait holds no thread. */
public final class TimerScheduler implements Scheduler {
    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = Timer.get().schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }
}
