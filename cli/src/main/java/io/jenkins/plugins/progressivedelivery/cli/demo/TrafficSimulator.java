package io.jenkins.plugins.progressivedelivery.cli.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Pretends to be the demo apps' users and the apps' metrics endpoint. On every tick it sends a batch of virtual
 * requests for each {@link Stream} its source names (read anew each tick, so it follows whatever the engine writes),
 * each answered as the stream's image would ({@link VersionProfile}) at the load its pods are under, and it serves the
 * counts at {@code /metrics} in the Prometheus text format:
 * <ul>
 *   <li>{@code http_requests_total{<the stream's labels>, code}}: a counter per stream and status code ({@code 200},
 *       {@code 500}; {@code 503} when no pod is ready, or for what goes beyond the pods' capacity). The canary app's
 *       streams are labelled {@code version} ({@code stable}, {@code canary}), the blue-green app's {@code app},
 *       {@code service} and {@code version} (the colour);</li>
 *   <li>{@code http_request_duration_seconds{<the stream's labels>}}: a latency histogram with Prometheus' default
 *       buckets.</li>
 * </ul>
 * The randomness is seeded, so two runs with the same routing produce the same numbers.
 */
public final class TrafficSimulator implements AutoCloseable {
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<List<Stream>> source;
    private final SplittableRandom random;
    /** By the series' labels as the exposition writes them ({@code version="canary"}). */
    private final Map<String, SeriesStats> stats = new TreeMap<>();
    /** Requests due to each stream but not yet sent, so that over time each gets exactly its rate. */
    private final Map<String, Double> owed = new LinkedHashMap<>();
    private HttpServer server;
    private ScheduledFuture<?> ticking;

    /**
     * Requests of one kind to one set of pods.
     *
     * @param labels            the labels of its series besides {@code code}, in the order they are written
     * @param requestsPerSecond how many requests it sends
     * @param pods              the Deployment whose pods answer them: streams to the same pods add up to their load;
     *                          null when no Deployment is selected
     * @param image             what those pods run (null: none)
     * @param readyReplicas     how many of them are ready (0: every request fails with 503)
     */
    public record Stream(Map<String, String> labels, double requestsPerSecond, String pods, String image,
                         int readyReplicas) {
        public Stream {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }
    }

    /** Sends, on every tick, the streams {@code source} names at that moment. */
    public TrafficSimulator(Supplier<List<Stream>> source, long seed) {
        this.source = source;
        this.random = new SplittableRandom(seed);
    }

    /** Serves {@code /metrics} on 127.0.0.1 and sends a batch of requests every {@code tick}. */
    public synchronized URI start(ScheduledExecutorService executor, Duration tick) {
        URI uri = server == null ? serve() : metricsUri();
        ticking = executor.scheduleAtFixedRate(() -> tickQuietly(tick), 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        return uri;
    }

    /** Serves {@code /metrics} on 127.0.0.1, without sending requests: {@link #tick} does, when called. */
    public synchronized URI serve() {
        if (server != null) {
            throw new IllegalStateException("already serving " + metricsUri());
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
        server.createContext("/metrics", this::serveMetrics);
        server.start();
        return metricsUri();
    }

    public synchronized URI metricsUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
    }

    /** {@code 127.0.0.1:PORT}, as a Prometheus scrape target. */
    public synchronized String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void tickQuietly(Duration elapsed) {
        try {
            tick(elapsed);
        } catch (RuntimeException e) {
            // The API server was busy or is shutting down: this batch is lost, the next tick reads the routes again.
        }
    }

    /** Sends the requests of {@code elapsed} time, routed as the cluster says now. */
    public void tick(Duration elapsed) {
        List<Stream> streams = source.get();
        Map<String, Double> podLoad = loadPerPod(streams);
        synchronized (this) {
            for (Stream stream : streams) {
                String series = seriesLabels(stream.labels());
                SeriesStats counts = stats.computeIfAbsent(series, v -> new SeriesStats());
                String key = series + "@" + stream.pods();
                double due = owed.getOrDefault(key, 0.0) + stream.requestsPerSecond() * elapsed.toMillis() / 1000.0;
                long send = (long) Math.floor(due);
                owed.put(key, due - send);
                VersionProfile profile = VersionProfile.forImage(stream.image());
                double shed = stream.readyReplicas() == 0 ? 1 : profile.shedRatio(podLoad.get(stream.pods()));
                for (long i = 0; i < send; i++) {
                    if (stream.readyReplicas() == 0 || shed > 0 && random.nextDouble() < shed) {
                        counts.record("503", 0.001);
                    } else {
                        boolean fails = random.nextDouble() < profile.errorRatio();
                        double latency = profile.medianLatencySeconds()
                                * Math.exp(profile.latencySpread() * random.nextGaussian());
                        counts.record(fails ? "500" : "200", latency);
                    }
                }
            }
        }
    }

    /** Requests per second each ready pod gets, by Deployment: every stream to it, spread over its ready pods. */
    static Map<String, Double> loadPerPod(List<Stream> streams) {
        Map<String, Double> perDeployment = new HashMap<>();
        Map<String, Integer> ready = new HashMap<>();
        for (Stream stream : streams) {
            perDeployment.merge(stream.pods(), stream.requestsPerSecond(), Double::sum);
            ready.put(stream.pods(), stream.readyReplicas());
        }
        Map<String, Double> load = new HashMap<>();
        perDeployment.forEach((pods, rate) -> load.put(pods, rate / Math.max(1, ready.get(pods))));
        return load;
    }

    /** Requests sent so far to the canary app's {@code version} that were answered with {@code code}. */
    public long count(String version, String code) {
        return count(Map.of("version", version), code);
    }

    /** Requests sent so far in the series with {@code labels} that were answered with {@code code}. */
    public synchronized long count(Map<String, String> labels, String code) {
        SeriesStats counts = stats.get(seriesLabels(labels));
        return counts == null ? 0 : counts.codes.getOrDefault(code, 0L);
    }

    /** The metrics in the Prometheus text exposition format, version 0.0.4. */
    public synchronized String metrics() {
        StringBuilder out = new StringBuilder(8192);
        out.append("# HELP http_requests_total Requests served by the demo apps, by version and status code.\n");
        out.append("# TYPE http_requests_total counter\n");
        stats.forEach((labels, s) -> s.codes.forEach((code, n) -> out.append("http_requests_total{")
                .append(labels).append(",code=\"").append(code).append("\"} ").append(n).append('\n')));
        out.append("# HELP http_request_duration_seconds Latency of the demo apps' requests, by version.\n");
        out.append("# TYPE http_request_duration_seconds histogram\n");
        stats.forEach((labels, s) -> {
            for (int i = 0; i < BUCKETS.length; i++) {
                out.append("http_request_duration_seconds_bucket{").append(labels).append(",le=\"")
                        .append(BUCKETS[i]).append("\"} ").append(s.buckets[i]).append('\n');
            }
            out.append("http_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ")
                    .append(s.count).append('\n');
            out.append("http_request_duration_seconds_sum{").append(labels).append("} ").append(s.sum)
                    .append('\n');
            out.append("http_request_duration_seconds_count{").append(labels).append("} ").append(s.count)
                    .append('\n');
        });
        return out.toString();
    }

    /** {@code app="pay",service="pay"}: labels as a series writes them, in their order. */
    static String seriesLabels(Map<String, String> labels) {
        StringBuilder out = new StringBuilder();
        labels.forEach((name, value) -> out.append(out.length() == 0 ? "" : ",").append(name).append("=\"")
                .append(escapeLabel(value)).append('"'));
        return out.toString();
    }

    private void serveMetrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = metrics().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public synchronized void close() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        if (server != null) {
            server.stop(0);
        }
    }

    /** Cumulative counts of one series. */
    private static final class SeriesStats {
        // 200 and 500 exist from the start, so a rate() over them is 0 rather than no data.
        final Map<String, Long> codes = new TreeMap<>(Map.of("200", 0L, "500", 0L));
        final long[] buckets = new long[BUCKETS.length];
        long count;
        double sum;

        void record(String code, double latencySeconds) {
            codes.merge(code, 1L, Long::sum);
            for (int i = 0; i < BUCKETS.length; i++) {
                if (latencySeconds <= BUCKETS[i]) {
                    buckets[i]++;
                }
            }
            count++;
            sum += latencySeconds;
        }
    }
}
