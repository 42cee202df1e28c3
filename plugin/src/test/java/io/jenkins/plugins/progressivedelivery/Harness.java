package io.jenkins.plugins.progressivedelivery;

import io.jenkins.plugins.progressivedelivery.credentials.CredentialLookup;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.QueueExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A step runtime on a manual clock and a manual I/O pool: a test moves time and runs I/O explicitly. */
final class Harness {
    final ManualScheduler scheduler;
    final QueueExecutor io = new QueueExecutor();
    final FakeCluster cluster;
    final StepRuntime runtime;

    Harness(FakeCluster cluster, MeasurementSource metrics, CredentialLookup credentials) {
        this(Instant.parse("2026-01-01T00:00:00Z"), cluster, metrics, credentials);
    }

    Harness(Instant start, FakeCluster cluster, MeasurementSource metrics, CredentialLookup credentials) {
        this(start, cluster, (where, access, plan) -> cluster, metrics, credentials);
    }

    /** With the production cluster calls (made {@link io.jenkins.plugins.progressivedelivery.remote.Where} the step runs). */
    Harness(StepRuntime.ClusterFactory clusters, MeasurementSource metrics, CredentialLookup credentials) {
        this(Instant.parse("2026-01-01T00:00:00Z"), null, clusters, metrics, credentials);
    }

    private Harness(Instant start, FakeCluster cluster, StepRuntime.ClusterFactory clusters, MeasurementSource metrics,
                    CredentialLookup credentials) {
        this.scheduler = new ManualScheduler(start);
        this.cluster = cluster;
        this.runtime = new StepRuntime(scheduler, io, credentials, clusters, (where, access) -> metrics);
    }

    /** Runs I/O and everything due now, until nothing is left to do at this instant. */
    void settle() {
        do {
            io.drain();
            scheduler.runDue();
        } while (io.pending() > 0);
    }

    /** Moves the clock by {@code duration}, settling at every timer on the way. */
    void advance(Duration duration) {
        Instant end = scheduler.now().plus(duration);
        settle();
        while (true) {
            Optional<Duration> next = scheduler.nextDueIn();
            if (next.isEmpty() || scheduler.now().plus(next.get()).isAfter(end)) {
                break;
            }
            scheduler.advance(next.get());
            settle();
        }
        scheduler.advance(Duration.between(scheduler.now(), end));
        settle();
    }
}
