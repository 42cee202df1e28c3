package io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus;

import io.jenkins.plugins.progressivedelivery.testkit.LocalPrometheus;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Prometheus for the whole test run, with deterministic data backfilled around {@link #T0} (the start of
 * {@link io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler}), from T0 - 1h to T0 + 1h every 15s:
 * <ul>
 *   <li>{@code app="checkout"}: 99.8 ok + 0.2 errors per second, success rate 0.998;
 *       {@code latency_p99_seconds} 0.21 and 0.34 for two pods</li>
 *   <li>{@code app="broken"}: error ratio 0.12</li>
 *   <li>{@code app="degrading"}: error ratio 0.01 until T0 + 2m, then 0.10</li>
 *   <li>{@code app="idle"}: no traffic, so a ratio is 0/0 = NaN</li>
 *   <li>{@code app="we\"ird"}: a label value with a double quote</li>
 *   <li>for Argo's example templates: {@code istio_requests_total} of {@link #ISTIO_SERVICE} (99 ok + 1 error per
 *       second: success rate 0.99), {@code envoy_cluster_upstream_rq_xx} of envoy cluster {@code checkout} (0.995),
 *       and {@code http_latency_ms{service="checkout"}} at 120 ms</li>
 * </ul>
 * Started by the first test class that registers it and stopped when the test plan ends.
 */
public final class BackfilledPrometheus implements BeforeAllCallback {
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** The {@code destination_service} of the Istio series. */
    public static final String ISTIO_SERVICE = "checkout.shop.svc.cluster.local";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BackfilledPrometheus.class);

    private LocalPrometheus prometheus;

    /** Ratio of 5xx to all requests of an app over the last minute. */
    public static String errorRatioQuery(String app) {
        return "sum(rate(http_requests_total{app=\"" + app + "\",code=~\"5..\"}[1m]))"
                + " / sum(rate(http_requests_total{app=\"" + app + "\"}[1m]))";
    }

    /** Ratio of non-5xx to all requests of an app over the last minute. */
    public static String successRateQuery(String app) {
        return "sum(rate(http_requests_total{app=\"" + app + "\",code!~\"5..\"}[1m]))"
                + " / sum(rate(http_requests_total{app=\"" + app + "\"}[1m]))";
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        prometheus = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(LocalPrometheus.class, k -> new Running(LocalPrometheus.builder()
                        .backfill(openMetrics()).start()), Running.class).prometheus;
    }

    public String url() {
        if (prometheus == null) {
            throw new IllegalStateException("register BackfilledPrometheus as a static @RegisterExtension field");
        }
        return prometheus.url();
    }

    public LocalPrometheus prometheus() {
        return prometheus;
    }

    static String openMetrics() {
        long t0 = T0.getEpochSecond();
        StringBuilder om = new StringBuilder();
        om.append("# HELP http_requests Requests served.\n# TYPE http_requests counter\n");
        double checkoutOk = 0;
        double checkoutErrors = 0;
        double brokenOk = 0;
        double brokenErrors = 0;
        double degradingOk = 0;
        double degradingErrors = 0;
        double weird = 0;
        StringBuilder gauges = new StringBuilder("# HELP latency_p99_seconds p99 latency.\n"
                + "# TYPE latency_p99_seconds gauge\n");
        StringBuilder istio = new StringBuilder("# HELP istio_requests Istio requests.\n# TYPE istio_requests counter\n");
        StringBuilder envoy = new StringBuilder("# HELP envoy_cluster_upstream_rq_xx Envoy responses.\n"
                + "# TYPE envoy_cluster_upstream_rq_xx gauge\n");
        StringBuilder latency = new StringBuilder("# HELP http_latency_ms Latency.\n# TYPE http_latency_ms gauge\n");
        double istioOk = 0;
        double istioErrors = 0;
        double envoyOk = 0;
        double envoyErrors = 0;
        for (long t = t0 - 3600; t <= t0 + 3600; t += 15) {
            sample(om, "http_requests_total{app=\"checkout\",code=\"200\"}", checkoutOk, t);
            sample(om, "http_requests_total{app=\"checkout\",code=\"500\"}", checkoutErrors, t);
            sample(om, "http_requests_total{app=\"broken\",code=\"200\"}", brokenOk, t);
            sample(om, "http_requests_total{app=\"broken\",code=\"503\"}", brokenErrors, t);
            sample(om, "http_requests_total{app=\"degrading\",code=\"200\"}", degradingOk, t);
            sample(om, "http_requests_total{app=\"degrading\",code=\"500\"}", degradingErrors, t);
            sample(om, "http_requests_total{app=\"idle\",code=\"200\"}", 0, t);
            sample(om, "http_requests_total{app=\"we\\\"ird\",code=\"200\"}", weird, t);
            sample(gauges, "latency_p99_seconds{app=\"checkout\",pod=\"a\"}", 0.21, t);
            sample(gauges, "latency_p99_seconds{app=\"checkout\",pod=\"b\"}", 0.34, t);
            sample(istio, "istio_requests_total{reporter=\"source\",destination_service=\"" + ISTIO_SERVICE
                    + "\",response_code=\"200\"}", istioOk, t);
            sample(istio, "istio_requests_total{reporter=\"source\",destination_service=\"" + ISTIO_SERVICE
                    + "\",response_code=\"500\"}", istioErrors, t);
            sample(envoy, "envoy_cluster_upstream_rq_xx{app=\"wrk-tester\",envoy_cluster_name=\"checkout\","
                    + "envoy_response_code_class=\"2\"}", envoyOk, t);
            sample(envoy, "envoy_cluster_upstream_rq_xx{app=\"wrk-tester\",envoy_cluster_name=\"checkout\","
                    + "envoy_response_code_class=\"5\"}", envoyErrors, t);
            sample(latency, "http_latency_ms{service=\"checkout\"}", 120, t);
            istioOk += 15 * 99;
            istioErrors += 15 * 1;
            envoyOk += 15 * 199;
            envoyErrors += 15 * 1;
            checkoutOk += 15 * 99.8;
            checkoutErrors += 15 * 0.2;
            brokenOk += 15 * 88;
            brokenErrors += 15 * 12;
            boolean degraded = t >= t0 + 120;
            degradingOk += 15 * (degraded ? 90 : 99);
            degradingErrors += 15 * (degraded ? 10 : 1);
            weird += 15;
        }
        return om.append(gauges).append(istio).append(envoy).append(latency).append("# EOF\n").toString();
    }

    private static void sample(StringBuilder out, String series, double value, long timestamp) {
        out.append(series).append(' ').append(String.format(Locale.ROOT, "%.3f", value)).append(' ')
                .append(timestamp).append('\n');
    }

    private static final class Running implements ExtensionContext.Store.CloseableResource {
        final LocalPrometheus prometheus;

        Running(LocalPrometheus prometheus) {
            this.prometheus = prometheus;
        }

        @Override
        public void close() {
            prometheus.close();
        }
    }
}
