package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * Where the built-in metrics come from, given once for the plan: the Prometheus to ask and, for clusters without
 * Istio, the request metric the workloads export. Without {@code requests} the built-in metrics read Istio's
 * {@code istio_requests_total} and {@code istio_request_duration_milliseconds_bucket}.
 *
 * @param minRequests fewer requests to the canary in a window make a built-in measurement Inconclusive (default 50)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshMetricsSpec(PrometheusSpec prometheus, RequestMetricSpec requests, Integer minRequests)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MIN_REQUESTS = 50;

    public int effectiveMinRequests() {
        return minRequests == null ? DEFAULT_MIN_REQUESTS : minRequests;
    }
}
