package io.jenkins.plugins.progressivedelivery.engine.metrics;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import java.time.Instant;

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
     * Whether the backend answers a trivial query, for a preflight check before a rollout starts.
     *
     * @throws MeasurementException with the reason when it does not
     */
    default boolean isOnline() throws MeasurementException {
        return true;
    }
}
