package io.jenkins.plugins.progressivedelivery.engine.metrics;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * A metrics backend that answers instant queries, as Flagger's {@code providers.Interface}. Implementations are
 * thread-safe: the metrics of an analysis query concurrently.
 */
public interface MetricProvider {

    /**
     * Evaluates {@code query} at {@code at}.
     *
     * @throws MeasurementException when the backend cannot be reached, times out, rejects the query or answers
     *                              with something that is not a number or a list of numbers; the message says which
     *                              and never contains a credential
     */
    MetricValue query(String query, Instant at) throws MeasurementException;

    /**
     * {@link #query} without blocking the caller: a provider with an asynchronous client needs no thread while the
     * query is in flight; this default runs {@link #query} on {@code blocking}. The future fails with a
     * {@link MeasurementException} (possibly wrapped in a {@link java.util.concurrent.CompletionException}).
     */
    default CompletableFuture<MetricValue> queryAsync(String query, Instant at, Executor blocking) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return query(query, at);
            } catch (MeasurementException e) {
                throw new CompletionException(e);
            }
        }, blocking);
    }

    /**
     * Whether the backend answers a trivial query, for a preflight check before a rollout starts.
     *
     * @throws MeasurementException with the reason when it does not
     */
    default boolean isOnline() throws MeasurementException {
        return true;
    }
}
