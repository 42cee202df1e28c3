package io.jenkins.plugins.progressivedelivery.engine.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A scheduler whose time moves only when told to, for deterministic tests and dry runs: tasks run on the thread
 * that calls {@link #advance(Duration)}, in due order, including tasks that were scheduled by tasks that ran.
 */
public final class ManualScheduler implements Scheduler {
    private final PriorityQueue<Entry> queue =
            new PriorityQueue<>(Comparator.comparing(Entry::due).thenComparingLong(Entry::sequence));
    private final MutableClock clock;
    private long sequence;

    public ManualScheduler() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public ManualScheduler(Instant start) {
        this.clock = new MutableClock(start);
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Duration effective = delay.isNegative() ? Duration.ZERO : delay;
        Entry entry = new Entry(clock.instant().plus(effective), sequence++, task);
        queue.add(entry);
        return () -> {
            synchronized (ManualScheduler.this) {
                queue.remove(entry);
            }
        };
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** Runs the tasks that are due now. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves time forward by {@code duration}, running every task that falls due on the way, in order. */
    public void advance(Duration duration) {
        Instant target = clock.instant().plus(duration);
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due().isAfter(target)) {
                    break;
                }
                queue.poll();
                if (next.due().isAfter(clock.instant())) {
                    clock.set(next.due());
                }
            }
            next.task().run();
        }
        synchronized (this) {
            if (target.isAfter(clock.instant())) {
                clock.set(target);
            }
        }
    }

    /** Moves time to the next task and runs everything due then; returns false when nothing is scheduled. */
    public boolean advanceToNext() {
        Optional<Duration> next = nextDueIn();
        if (next.isEmpty()) {
            return false;
        }
        advance(next.get());
        return true;
    }

    /** How long until the next task is due, if any is scheduled. */
    public synchronized Optional<Duration> nextDueIn() {
        Entry next = queue.peek();
        if (next == null) {
            return Optional.empty();
        }
        Duration in = Duration.between(clock.instant(), next.due());
        return Optional.of(in.isNegative() ? Duration.ZERO : in);
    }

    public synchronized int pendingCount() {
        return queue.size();
    }

    private record Entry(Instant due, long sequence, Runnable task) { }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a manual clock is always UTC");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
