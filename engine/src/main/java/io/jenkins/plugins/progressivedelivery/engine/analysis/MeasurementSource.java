package io.jenkins.plugins.progressivedelivery.engine.analysis;

import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Takes one measurement of a metric whose arguments are already substituted: blocking I/O, called on an I/O
 * executor (in Jenkins possibly on an agent). Evaluation of conditions happens elsewhere, once.
 */
@FunctionalInterface
public interface MeasurementSource {

    /**
     * @param at the evaluation time of the query, from the run's clock (so a test on a manual clock reads
     *           deterministic, backfilled data; a real run passes "now")
     * @throws MeasurementException when the provider could not be asked or answered with an error; the
     *                              measurement is then an Error, never a success
     */
    MetricValue measure(MetricSpec metric, Instant at) throws MeasurementException;

    /**
     * {@link #measure} without blocking the caller: this default runs it on {@code io}; a source with an asynchronous
     * client holds no thread while the query is in flight. The future fails with a {@link MeasurementException}
     * (possibly wrapped in a {@link java.util.concurrent.CompletionException}).
     */
    default CompletableFuture<MetricValue> measureAsync(MetricSpec metric, Instant at, Executor io) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return measure(metric, at);
            } catch (MeasurementException e) {
                throw new CompletionException(e);
            }
        }, io);
    }
}
