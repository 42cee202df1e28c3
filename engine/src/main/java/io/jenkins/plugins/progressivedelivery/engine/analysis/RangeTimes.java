package io.jenkins.plugins.progressivedelivery.engine.analysis;

import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code start} and {@code end} of Argo's Prometheus {@code rangeQuery}: expr-lang time arithmetic, of which
 * the forms Argo documents are read: {@code now()} and {@code now() - duration("5m")} (or {@code +}). {@code now()}
 * is the measurement's time, so a test on a manual clock reads deterministic data.
 */
public final class RangeTimes {
    private static final Pattern FORM = Pattern.compile(
            "\\s*now\\(\\s*\\)\\s*(?:([-+])\\s*duration\\(\\s*([\"'`])([^\"'`]*)\\2\\s*\\)\\s*)?");

    private RangeTimes() {
    }

    /** Why {@code expression} is not a time this engine reads, or null. */
    public static String problem(String expression) {
        if (expression == null || expression.isBlank()) {
            return "is empty; write now() or now() - duration(\"5m\")";
        }
        Matcher m = FORM.matcher(expression);
        if (!m.matches()) {
            return "'" + expression + "' is not a time; write now() or now() - duration(\"5m\")";
        }
        if (m.group(3) != null) {
            try {
                Durations.parse(m.group(3));
            } catch (IllegalArgumentException e) {
                return "duration(\"" + m.group(3) + "\"): " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * @throws IllegalArgumentException when {@link #problem} would name one
     */
    public static Instant resolve(String expression, Instant now) {
        String problem = problem(expression);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Matcher m = FORM.matcher(expression);
        m.matches();
        if (m.group(3) == null) {
            return now;
        }
        Duration offset = Durations.parse(m.group(3));
        return m.group(1).equals("-") ? now.minus(offset) : now.plus(offset);
    }
}
