package io.jenkins.plugins.progressivedelivery;

import io.jenkins.plugins.progressivedelivery.credentials.CredentialLookup;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import io.jenkins.plugins.progressivedelivery.fakes.FakeBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.QueueExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A step runtime on a manual clock and a manual I/O pool: a test moves time and runs I/O explicitly. */
final class Harness {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    final ManualScheduler scheduler;
    final QueueExecutor io = new QueueExecutor();
    final StepRuntime runtime;

    Harness(FakeCluster cluster, MeasurementSource metrics, CredentialLookup credentials) {
        this(START, cluster, metrics, credentials);
    }

    Harness(Instant start, FakeCluster cluster, MeasurementSource metrics, CredentialLookup credentials) {
        this(start, (where, access, plan) -> cluster, noBlueGreen(), metrics, credentials);
    }

    Harness(Instant start, FakeBlueGreenCluster cluster, MeasurementSource metrics, CredentialLookup credentials) {
        this(start, noCanary(), (where, access, plan) -> cluster, metrics, credentials);
    }

    /** With the production cluster calls (made {@link io.jenkins.plugins.progressivedelivery.remote.Where} the step runs). */
    Harness(StepRuntime.CanaryClusterFactory canaryClusters, StepRuntime.BlueGreenClusterFactory blueGreenClusters,
            MeasurementSource metrics, CredentialLookup credentials) {
        this(START, canaryClusters, blueGreenClusters, metrics, credentials);
    }

    private Harness(Instant start, StepRuntime.CanaryClusterFactory canaryClusters,
                    StepRuntime.BlueGreenClusterFactory blueGreenClusters, MeasurementSource metrics,
                    CredentialLookup credentials) {
        this.scheduler = new ManualScheduler(start);
        this.runtime = new StepRuntime(scheduler, io, credentials, canaryClusters, blueGreenClusters,
                (where, access, jobs) -> metrics);
    }

    private static StepRuntime.CanaryClusterFactory noCanary() {
        return (where, access, plan) -> {
            throw new AssertionError("a canary cluster was asked for in a blue-green test");
        };
    }

    private static StepRuntime.BlueGreenClusterFactory noBlueGreen() {
        return (where, access, plan) -> {
            throw new AssertionError("a blue-green cluster was asked for in a canary test");
        };
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
