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
 * VirtualService it took to put all traffic back on stable, and how long after the decision traffic was back.
 *
 * @param virtualServiceWrites writes of any VirtualService from the decision until traffic was back on stable
 * @param trafficRestoredAfter from the abort or verdict that decided the rollback to the event saying traffic is
 *                             back on stable
 */
record RollbackFacts(long virtualServiceWrites, Duration trafficRestoredAfter) {

    static Optional<RollbackFacts> of(List<AuditEvent> events, List<EmbeddedCluster.ApiWrite> writes) {
        int firstRollback = -1;
        for (int i = 0; i < events.size() && firstRollback < 0; i++) {
            if (events.get(i).action() == AuditAction.ROLLBACK) {
                firstRollback = i;
            }
        }
        if (firstRollback < 0) {
            return Optional.empty();
        }
        // What decided the rollback: the abort, or the verdict, just before it.
        Instant decided = events.get(firstRollback).time();
        for (int i = firstRollback; i >= 0; i--) {
            AuditAction action = events.get(i).action();
            if (action == AuditAction.ABORT || action == AuditAction.VERDICT) {
                decided = events.get(i).time();
                break;
            }
        }
        Optional<Instant> restored = events.stream().skip(firstRollback)
                .filter(e -> e.action() == AuditAction.ROLLBACK)
                .filter(e -> e.details().containsKey(TimelineChart.CANARY_WEIGHT)
                        || "weight".equals(e.details().get(TimelineChart.CHANGE)))
                .map(AuditEvent::time).findFirst();
        if (restored.isEmpty()) {
            return Optional.empty();
        }
        Instant from = decided;
        // Up to the write that put traffic back: cleanup afterwards (a baseline's destination) moves no traffic.
        Instant end = restored.get();
        long vsWrites = writes.stream()
                .filter(w -> w.path().contains("/virtualservices/") && !w.method().equals("DELETE"))
                .filter(w -> !w.time().isBefore(from) && !w.time().isAfter(end))
                .count();
        return Optional.of(new RollbackFacts(vsWrites, Duration.between(from, restored.get())));
    }

    String describe() {
        return "traffic back on stable in " + virtualServiceWrites + " VirtualService write"
                + (virtualServiceWrites == 1 ? "" : "s") + ", " + trafficRestoredAfter.toMillis()
                + " ms after the decision to roll back";
    }
}
