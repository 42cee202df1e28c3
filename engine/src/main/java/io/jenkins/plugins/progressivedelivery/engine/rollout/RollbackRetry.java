package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * How a rollback keeps trying until traffic is safe, as a controller keeps reconciling: a transient failure (5xx,
 * 429, a timeout, an unreachable API server, writes that kept conflicting) is retried after 1 s, 2 s, 4 s ... capped at
 * {@link #CAP}, without an attempt limit; only a plan's {@code rollbackTimeout} ends it. Pure: the runner keeps the
 * count and the times in its persisted state.
 */
public final class RollbackRetry {
    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration CAP = Duration.ofSeconds(30);

    private RollbackRetry() {
    }

    /** The wait after the {@code attempt}-th failure (1-based): 1 s, 2 s, 4 s, 8 s, 16 s, then 30 s. */
    public static Duration delay(int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 5));
        Duration wait = FIRST.multipliedBy(1L << doublings);
        return wait.compareTo(CAP) > 0 ? CAP : wait;
    }

    /** What kind of trouble a failure is, for the status line: {@code API unreachable}, {@code API answering 503}. */
    public static String trouble(Exception failure) {
        String text = failure.getMessage() == null ? "" : failure.getMessage();
        if (text.contains("did not answer")) {
            return "API unreachable";
        }
        if (text.contains("lost agent") || text.contains("is not connected")) {
            return "agent disconnected";
        }
        if (text.contains("409 Conflict")) {
            return "conflicting writes by someone else";
        }
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("answered (\\d{3})").matcher(text);
        return code.find() ? "API answering " + code.group(1) : "failing";
    }

    /** {@code retrying (attempt 3, API unreachable since 12:00:01Z)}: a retrying rollback, for the status line. */
    public static String status(int attempt, String trouble, Instant since) {
        return "retrying (attempt " + attempt + ", " + trouble + " since " + since.truncatedTo(ChronoUnit.SECONDS)
                + ")";
    }

    /** The rollback gave up: {@code rollbackTimeout} passed while it was still failing. Not transient. */
    static ClusterException gaveUp(Duration timeout, int attempts, Exception last) {
        return new ClusterException("rollbackTimeout " + Durations.format(timeout) + " passed after " + attempts
                + " attempt(s); the last one failed: " + RunnerCore.describe(last), false, last);
    }
}
