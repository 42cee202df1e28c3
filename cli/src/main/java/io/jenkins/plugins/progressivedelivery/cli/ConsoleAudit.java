package io.jenkins.plugins.progressivedelivery.cli;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Prints every audit event as one line, prefixed with the time since {@code start}: {@code [+1:02.3] [weight] ...}. */
public final class ConsoleAudit implements AuditListener {
    private final PrintWriter out;
    private final Instant start;
    private final String prefix;

    public ConsoleAudit(PrintWriter out, Instant start, String prefix) {
        this.out = out;
        this.start = start;
        this.prefix = prefix == null ? "" : prefix;
    }

    @Override
    public void onEvent(AuditEvent event) {
        String line = "[" + elapsed(Duration.between(start, event.time())) + "] " + prefix + event.toLogLine();
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** {@code +1:02.3}; a time before {@code start} (a measurement's own timestamp) shows as {@code +0:00.0}. */
    public static String elapsed(Duration d) {
        long millis = Math.max(0, d.toMillis());
        return String.format(Locale.ROOT, "+%d:%02d.%d", millis / 60_000, millis / 1000 % 60, millis / 100 % 10);
    }
}
