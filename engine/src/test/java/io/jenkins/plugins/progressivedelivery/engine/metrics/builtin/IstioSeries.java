package io.jenkins.plugins.progressivedelivery.engine.metrics.builtin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Istio-shaped series for the built-in metric and judge tests, backfilled every 15s from {@link #T0} - 1h to
 * T0 + 1h, each workload's requests and latencies jittered from a fixed seed so that the samples vary as real ones do:
 * <ul>
 *   <li>namespace {@code good}: {@code web} (stable, 100 rps), {@code web-canary} and {@code web-baseline} (10 rps
 *       each), all 0.2 % 5xx and about 30 ms;</li>
 *   <li>namespace {@code bad}: the same, but {@code web-canary} answers 15 % 5xx and takes about 180 ms;</li>
 *   <li>namespace {@code quiet}: the canary sees one request a minute;</li>
 *   <li>namespace {@code demo} (the mock cluster's): the canary succeeds as often as the others but takes about
 *       180 ms.</li>
 * </ul>
 * Every destination series has a {@code reporter="source"} twin with ten times the errors, which the built-in
 * queries must not read, and the demo-shaped {@code http_requests_total{version=...}} counts the canary of
 * {@code good} once more under its application's own metric.
 */
public final class IstioSeries {
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final double[] BUCKETS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500};

    private record Workload(String namespace, String name, double rps, double errorRatio, double medianMs) { }

    private IstioSeries() {
    }

    public static String openMetrics() {
        List<Workload> workloads = List.of(
                new Workload("good", "web", 100, 0.002, 30),
                new Workload("good", "web-canary", 10, 0.002, 30),
                new Workload("good", "web-baseline", 10, 0.002, 30),
                new Workload("bad", "web", 100, 0.002, 30),
                new Workload("bad", "web-canary", 10, 0.15, 180),
                new Workload("bad", "web-baseline", 10, 0.002, 30),
                new Workload("quiet", "web", 100, 0.002, 30),
                new Workload("quiet", "web-canary", 1 / 60.0, 0.002, 30),
                new Workload("quiet", "web-baseline", 1 / 60.0, 0.002, 30),
                new Workload("demo", "web", 100, 0.002, 30),
                new Workload("demo", "web-canary", 10, 0.002, 180),
                new Workload("demo", "web-baseline", 10, 0.002, 30));
        Random random = new Random(42);
        StringBuilder counters = new StringBuilder("# HELP istio_requests Requests.\n# TYPE istio_requests counter\n");
        StringBuilder histogram = new StringBuilder("# HELP istio_request_duration_milliseconds Latency.\n"
                + "# TYPE istio_request_duration_milliseconds histogram\n");
        StringBuilder own = new StringBuilder("# HELP http_requests Requests.\n# TYPE http_requests counter\n");
        Map<Workload, double[]> state = new LinkedHashMap<>();
        workloads.forEach(w -> state.put(w, new double[3 + BUCKETS.length + 2]));
        long t0 = T0.getEpochSecond();
        for (long t = t0 - 3600; t <= t0 + 3600; t += 15) {
            for (Workload w : workloads) {
                double[] s = state.get(w);
                String dest = "destination_workload=\"" + w.name() + "\",destination_workload_namespace=\""
                        + w.namespace() + "\"";
                sample(counters, "istio_requests_total{reporter=\"destination\"," + dest + ",response_code=\"200\"}",
                        s[0], t);
                sample(counters, "istio_requests_total{reporter=\"destination\"," + dest + ",response_code=\"503\"}",
                        s[1], t);
                sample(counters, "istio_requests_total{reporter=\"source\"," + dest + ",response_code=\"503\"}",
                        s[2], t);
                List<String> les = new ArrayList<>();
                for (double b : BUCKETS) {
                    les.add(format(b));
                }
                les.add("+Inf");
                double cumulative = 0;
                for (int i = 0; i < les.size(); i++) {
                    cumulative += s[3 + i];
                    sample(histogram, "istio_request_duration_milliseconds_bucket{reporter=\"destination\"," + dest
                            + ",le=\"" + les.get(i) + "\"}", cumulative, t);
                }
                sample(histogram, "istio_request_duration_milliseconds_count{reporter=\"destination\"," + dest + "}",
                        cumulative, t);
                sample(histogram, "istio_request_duration_milliseconds_sum{reporter=\"destination\"," + dest + "}",
                        s[3 + BUCKETS.length + 1], t);
                if (w.namespace().equals("good") && w.name().equals("web-canary")) {
                    sample(own, "http_requests_total{app=\"web\",version=\"canary\",code=\"200\"}", s[0], t);
                    sample(own, "http_requests_total{app=\"web\",version=\"canary\",code=\"500\"}", s[1], t);
                }
                // The next 15 s: requests jittered by 20 %, errors and latencies drawn per request.
                long requests = Math.round(w.rps() * 15 * (0.8 + 0.4 * random.nextDouble()));
                if (w.rps() < 1) {
                    requests = (t / 15) % 4 == 0 ? 1 : 0;
                }
                for (long r = 0; r < requests; r++) {
                    boolean error = random.nextDouble() < w.errorRatio();
                    s[error ? 1 : 0]++;
                    s[2] += error ? 10 : 0;
                    double latency = w.medianMs() * Math.exp(0.4 * random.nextGaussian());
                    int bucket = 0;
                    while (bucket < BUCKETS.length && latency > BUCKETS[bucket]) {
                        bucket++;
                    }
                    s[3 + bucket]++;
                    s[3 + BUCKETS.length + 1] += latency;
                }
            }
        }
        return counters.append(histogram).append(own).append("# EOF\n").toString();
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static void sample(StringBuilder out, String series, double value, long timestamp) {
        out.append(series).append(' ').append(String.format(Locale.ROOT, "%.3f", value)).append(' ')
                .append(timestamp).append('\n');
    }
}
