package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.TimelineChart;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What moving production from one colour to the other cost, from a blue-green switch's events and the API server's
 * record of writes: how many writes of the active Service it took, and how long after the decision the API server
 * accepted the write and the engine reported it.
 *
 * @param what          {@code switch} or {@code switch back}
 * @param change        the selector's colour label before and after ({@code slot=blue -> slot=green})
 * @param writes        writes of the active Service from the decision to the engine's event
 * @param acceptedAfter from the decision to the API server accepting the write that moved production
 * @param reportedAfter from the decision to the engine's event saying production moved
 */
record SwitchFacts(String what, String change, long writes, Duration acceptedAfter, Duration reportedAfter) {

    /** The promotion's switch: decided by the promote (a person's or the automatic one), done by the weight event. */
    static Optional<SwitchFacts> promotion(List<AuditEvent> events, List<EmbeddedCluster.ApiWrite> writes,
                                           String activeServicePath) {
        int moved = indexOf(events, 0, e -> e.action() == AuditAction.WEIGHT && isTrafficChange(e));
        if (moved < 0) {
            return Optional.empty();
        }
        int decided = lastIndexBefore(events, moved, e -> e.action() == AuditAction.PROMOTE);
        return decided < 0 ? Optional.empty()
                : Optional.of(of("switch", events.get(decided), events.get(moved), writes, activeServicePath));
    }

    /**
     * The switch back: decided by the verdict or abort that started the rollback, done by the rollback event that
     * moved production. Empty when production was never switched, so there was nothing to switch back.
     */
    static Optional<SwitchFacts> switchBack(List<AuditEvent> events, List<EmbeddedCluster.ApiWrite> writes,
                                            String activeServicePath) {
        int rollback = indexOf(events, 0, e -> e.action() == AuditAction.ROLLBACK);
        if (rollback < 0) {
            return Optional.empty();
        }
        int moved = indexOf(events, rollback, e -> e.action() == AuditAction.ROLLBACK && isTrafficChange(e));
        if (moved < 0) {
            return Optional.empty();
        }
        int decided = lastIndexBefore(events, rollback + 1,
                e -> e.action() == AuditAction.VERDICT || e.action() == AuditAction.ABORT);
        AuditEvent decision = events.get(decided < 0 ? rollback : decided);
        return Optional.of(of("switch back", decision, events.get(moved), writes, activeServicePath));
    }

    private static SwitchFacts of(String what, AuditEvent decision, AuditEvent moved,
                                  List<EmbeddedCluster.ApiWrite> writes, String activeServicePath) {
        Instant from = decision.time();
        Instant to = moved.time();
        List<EmbeddedCluster.ApiWrite> inBetween = writes.stream()
                .filter(w -> pathOf(w).equals(activeServicePath) && !w.method().equals("DELETE"))
                .filter(w -> !w.time().isBefore(from) && !w.time().isAfter(to))
                .toList();
        Instant accepted = inBetween.stream().filter(w -> w.status() / 100 == 2).map(EmbeddedCluster.ApiWrite::time)
                .reduce((first, second) -> second).orElse(to);
        return new SwitchFacts(what, moved.before() + " -> " + moved.after(), inBetween.size(),
                Duration.between(from, accepted), Duration.between(from, to));
    }

    /** {@code switched slot=blue -> slot=green in 1 write, accepted 8 ms after the decision (reported at 10 ms)}. */
    String describe() {
        return (what.equals("switch") ? "switched " : "switched back ") + change + " in " + writes + " write"
                + (writes == 1 ? "" : "s") + ", accepted by the API server " + acceptedAfter.toMillis()
                + " ms after the decision" + " (reported by the engine at " + reportedAfter.toMillis() + " ms)";
    }

    private static boolean isTrafficChange(AuditEvent e) {
        return e.details().containsKey(TimelineChart.CANARY_WEIGHT)
                || "weight".equals(e.details().get(TimelineChart.CHANGE));
    }

    /** The path of a write, without its query. */
    static String pathOf(EmbeddedCluster.ApiWrite write) {
        String path = write.path();
        return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    }

    private static int indexOf(List<AuditEvent> events, int from, Predicate<AuditEvent> matching) {
        for (int i = from; i < events.size(); i++) {
            if (matching.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexBefore(List<AuditEvent> events, int before, Predicate<AuditEvent> matching) {
        for (int i = before - 1; i >= 0; i--) {
            if (matching.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
