package io.jenkins.plugins.progressivedelivery.cli.demo;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Checks a condition on a scheduler until it holds or a deadline passes; no thread waits in between. */
final class Poll {
    private Poll() {
    }

    /**
     * Completes when {@code check} returns true; completes exceptionally with a {@link TimeoutException} naming
     * {@code what} (and the last exception {@code check} threw, if any) once {@code timeout} has passed.
     */
    static CompletableFuture<Void> until(ScheduledExecutorService executor, Duration interval, Duration timeout,
                                         String what, Callable<Boolean> check) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        attempt(executor, interval, deadline, timeout, what, check, done, null);
        return done;
    }

    private static void attempt(ScheduledExecutorService executor, Duration interval, long deadline,
                                Duration timeout, String what, Callable<Boolean> check, CompletableFuture<Void> done,
                                Exception previous) {
        executor.execute(() -> {
            Exception last = previous;
            try {
                if (Boolean.TRUE.equals(check.call())) {
                    done.complete(null);
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() >= deadline) {
                TimeoutException timedOut = new TimeoutException(what + " did not happen within "
                        + timeout.toSeconds() + "s" + (last == null ? "" : ": " + last.getMessage()));
                if (last != null) {
                    timedOut.initCause(last);
                }
                done.completeExceptionally(timedOut);
                return;
            }
            Exception carried = last;
            executor.schedule(() -> attempt(executor, interval, deadline, timeout, what, check, done, carried),
                    interval.toMillis(), TimeUnit.MILLISECONDS);
        });
    }
}
