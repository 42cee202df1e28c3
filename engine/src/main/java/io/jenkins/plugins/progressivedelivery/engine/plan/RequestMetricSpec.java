package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.Map;

/**
 * A request counter and latency histogram of the workloads' own, for the built-in metrics without Istio (the shape
 * of the Prometheus client libraries' {@code http_requests_total} and {@code http_request_duration_seconds}).
 *
 * @param metric           the request counter (default {@code http_requests_total})
 * @param codeLabel        its label with the HTTP status code (default {@code code}); 5xx are failures
 * @param latencyHistogram the latency histogram, without {@code _bucket} (default
 *                         {@code http_request_duration_seconds})
 * @param latencyUnit      {@code s} (default) or {@code ms}: the built-in latencies are in milliseconds either way
 * @param workloadLabel    the label that tells the Deployments' series apart (required)
 * @param workloads        that label's value for {@code stable}, {@code canary} and {@code baseline} (for
 *                         {@code blue} and {@code green} in a blue-green plan); by default the Deployment names
 *                         ({@code web}, {@code web-canary}, {@code web-baseline}; {@code payments-green})
 * @param labels           further labels every series of the app has ({@code app: web})
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RequestMetricSpec(String metric, String codeLabel, String latencyHistogram, String latencyUnit,
                                String workloadLabel, Map<String, String> workloads, Map<String, String> labels)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public RequestMetricSpec {
        metric = metric == null ? "http_requests_total" : metric;
        codeLabel = codeLabel == null ? "code" : codeLabel;
        latencyHistogram = latencyHistogram == null ? "http_request_duration_seconds" : latencyHistogram;
        latencyUnit = latencyUnit == null ? "s" : latencyUnit;
        workloads = workloads == null ? Map.of() : Map.copyOf(workloads);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
