package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.TimelineChart;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a rollback cost, from a rollout's events and the API server's record of writes: how many writes of the
 * VirtualService it took to put all traffic back on stable, and how long after the abort traffic was back.
 *
 * @param virtualServiceWrites writes of any VirtualService from the abort to the end of the rollout
 * @param trafficRestoredAfter from the abort to the event saying traffic is back on stable
 */
record RollbackFacts(long virtualServiceWrites, Duration trafficRestoredAfter) {

    static Optional<RollbackFacts> of(List<AuditEvent> events, List<EmbeddedCluster.ApiWrite> writes) {
        Optional<Instant> abort = events.stream().filter(e -> e.action() == AuditAction.ABORT)
                .map(AuditEvent::time).findFirst();
        Optional<Instant> restored = events.stream().filter(e -> e.action() == AuditAction.ROLLBACK)
                .filter(e -> e.details().containsKey(TimelineChart.CANARY_WEIGHT)
                        || "weight".equals(e.details().get(TimelineChart.CHANGE)))
                .map(AuditEvent::time).findFirst();
        if (abort.isEmpty() || restored.isEmpty()) {
            return Optional.empty();
        }
        Instant end = events.get(events.size() - 1).time();
        long vsWrites = writes.stream()
                .filter(w -> w.path().contains("/virtualservices/") && !w.method().equals("DELETE"))
                .filter(w -> !w.time().isBefore(abort.get()) && !w.time().isAfter(end))
                .count();
        return Optional.of(new RollbackFacts(vsWrites, Duration.between(abort.get(), restored.get())));
    }

    String describe() {
        return "traffic back on stable in " + virtualServiceWrites + " VirtualService write"
                + (virtualServiceWrites == 1 ? "" : "s") + ", " + trafficRestoredAfter.toMillis()
                + " ms after the abort";
    }
}
