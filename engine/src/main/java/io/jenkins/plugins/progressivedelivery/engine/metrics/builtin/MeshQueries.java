package io.jenkins.plugins.progressivedelivery.engine.metrics.builtin;

import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.RequestMetricSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The PromQL of the built-in metrics for one workload (a Deployment: stable, canary or baseline) in one namespace:
 * from Istio's standard metrics as the destination's sidecar reports them ({@code reporter="destination"}, keyed on
 * {@code destination_workload} and {@code destination_workload_namespace}), or from a request counter and latency
 * histogram the application exports ({@link RequestMetricSpec}). Pure string building; label values are escaped.
 */
public final class MeshQueries {
    private final String requests;
    private final String buckets;
    private final String codeLabel;
    private final double toMilliseconds;
    private final java.util.function.Function<String, Map<String, String>> selector;
    private final String source;

    private MeshQueries(String requests, String buckets, String codeLabel, double toMilliseconds,
                        java.util.function.Function<String, Map<String, String>> selector, String source) {
        this.requests = requests;
        this.buckets = buckets;
        this.codeLabel = codeLabel;
        this.toMilliseconds = toMilliseconds;
        this.selector = selector;
        this.source = source;
    }

    /** Istio's {@code istio_requests_total} and {@code istio_request_duration_milliseconds}. */
    public static MeshQueries istio(String namespace) {
        return new MeshQueries("istio_requests_total", "istio_request_duration_milliseconds_bucket", "response_code",
                1, workload -> {
                    Map<String, String> labels = new LinkedHashMap<>();
                    labels.put("reporter", "destination");
                    labels.put("destination_workload_namespace", namespace);
                    labels.put("destination_workload", workload);
                    return labels;
                }, "istio");
    }

    /**
     * The application's own request metrics.
     *
     * @param deploymentsBySide the Deployment names of {@code stable}, {@code canary} and {@code baseline}, for the
     *                          default workload label values
     */
    public static MeshQueries requests(RequestMetricSpec spec, Map<String, String> deploymentsBySide) {
        Map<String, String> valueByDeployment = new LinkedHashMap<>();
        deploymentsBySide.forEach((side, deployment) ->
                valueByDeployment.put(deployment, spec.workloads().getOrDefault(side, deployment)));
        double scale = "ms".equals(spec.latencyUnit()) ? 1 : 1000;
        return new MeshQueries(spec.metric(), spec.latencyHistogram() + "_bucket", spec.codeLabel(), scale,
                workload -> {
                    Map<String, String> labels = new LinkedHashMap<>(new java.util.TreeMap<>(spec.labels()));
                    labels.put(spec.workloadLabel(), valueByDeployment.getOrDefault(workload, workload));
                    return labels;
                }, spec.metric());
    }

    /**
     * Two (or more) label sets instead of Deployments, for a comparison without a rollout ({@code analysisGate}'s
     * judge): each key selects the series with its labels, next to {@code reporter="destination"} for Istio's
     * metrics or the request metric's own {@code labels}.
     *
     * @param requests       the application's request metric; null for Istio's
     * @param labelsByKey    per key, the label matchers of its series
     */
    public static MeshQueries labelSets(RequestMetricSpec requests, Map<String, Map<String, String>> labelsByKey) {
        Map<String, Map<String, String>> sets = new LinkedHashMap<>();
        labelsByKey.forEach((key, labels) -> sets.put(key, new LinkedHashMap<>(labels)));
        if (requests == null) {
            return new MeshQueries("istio_requests_total", "istio_request_duration_milliseconds_bucket",
                    "response_code", 1, key -> {
                        Map<String, String> labels = new LinkedHashMap<>();
                        labels.put("reporter", "destination");
                        labels.putAll(sets.getOrDefault(key, Map.of()));
                        return labels;
                    }, "istio");
        }
        double scale = "ms".equals(requests.latencyUnit()) ? 1 : 1000;
        return new MeshQueries(requests.metric(), requests.latencyHistogram() + "_bucket", requests.codeLabel(), scale,
                key -> {
                    Map<String, String> labels = new LinkedHashMap<>(new java.util.TreeMap<>(requests.labels()));
                    labels.putAll(sets.getOrDefault(key, Map.of()));
                    return labels;
                }, requests.metric());
    }

    /** The label matchers that select {@code workload}'s series, {@code a="b",c="d"}: a query's {{labels}}. */
    public String matchers(String workload) {
        String braced = select(workload, null);
        return braced.substring(1, braced.length() - 1);
    }

    /** {@code istio} or the request metric's name, for the log. */
    public String source() {
        return source;
    }

    /** Percentage of the workload's requests not answered with a 5xx; no series when it had no requests. */
    public String successRate(String workload, Duration window) {
        String all = select(workload, null);
        String ok = select(workload, codeLabel + "!~\"5..\"");
        String range = "[" + Durations.format(window) + "]";
        return "100 * (sum(rate(" + requests + ok + range + ")) or vector(0)) / sum(rate(" + requests + all + range
                + "))";
    }

    /** The {@code quantile} of the workload's latency in milliseconds; NaN when it had no requests. */
    public String latency(double quantile, String workload, Duration window) {
        String query = "histogram_quantile(" + quantile + ", sum by (le) (rate(" + buckets + select(workload, null)
                + "[" + Durations.format(window) + "])))";
        return toMilliseconds == 1 ? query : query + " * " + (long) toMilliseconds;
    }

    /** How many requests the workload served in {@code window}; 0 when none. */
    public String requestCount(String workload, Duration window) {
        return "sum(increase(" + requests + select(workload, null) + "[" + Durations.format(window)
                + "])) or vector(0)";
    }

    private String select(String workload, String extra) {
        String labels = selector.apply(workload).entrySet().stream()
                .map(e -> e.getKey() + "=\"" + escape(e.getValue()) + "\"").collect(Collectors.joining(","));
        return "{" + labels + (extra == null ? "" : "," + extra) + "}";
    }

    /** A PromQL double-quoted string: backslash and quote escaped, no line breaks. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
