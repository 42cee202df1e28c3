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
 * Pretends to be the demo app's users and the app's metrics endpoint. On every tick it sends a batch of virtual
 * requests, split between the route's destinations exactly in the proportions the mesh currently says (read
 * anew each tick), each answered as the destination's image would ({@link VersionProfile}), and it serves the
 * counts at {@code /metrics} in the Prometheus text format:
 * <ul>
 *   <li>{@code http_requests_total{version, code}}: a counter per version ({@code stable}, {@code canary}) and
 *       status code ({@code 200}, {@code 500}; {@code 503} when no pod of the version is ready);</li>
 *   <li>{@code http_request_duration_seconds{version}}: a latency histogram with Prometheus' default buckets.</li>
 * </ul>
 * The randomness is seeded, so two runs with the same routing produce the same numbers.
 */
public final class TrafficSimulator implements AutoCloseable {
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<List<MeshRoutes.Destination>> routes;
    private final double requestsPerSecond;
    private final SplittableRandom random;
    private final Map<String, VersionStats> stats = new TreeMap<>();
    /** Requests due to each version but not yet sent, so that over time the split is exactly the weights. */
    private final Map<String, Double> owed = new LinkedHashMap<>();
    private HttpServer server;
    private ScheduledFuture<?> ticking;

    public TrafficSimulator(Supplier<List<MeshRoutes.Destination>> routes, double requestsPerSecond, long seed) {
        this.routes = routes;
        this.requestsPerSecond = requestsPerSecond;
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

    /** Sends the requests of {@code elapsed} time, routed as the mesh says now. */
    public void tick(Duration elapsed) {
        List<MeshRoutes.Destination> destinations = routes.get();
        synchronized (this) {
            double requests = requestsPerSecond * elapsed.toMillis() / 1000.0;
            for (MeshRoutes.Destination destination : destinations) {
                VersionStats version = stats.computeIfAbsent(destination.version(), v -> new VersionStats());
                double due = owed.getOrDefault(destination.version(), 0.0) + requests * destination.weight() / 100.0;
                long send = (long) Math.floor(due);
                owed.put(destination.version(), due - send);
                VersionProfile profile = VersionProfile.forImage(destination.image());
                for (long i = 0; i < send; i++) {
                    if (destination.readyReplicas() == 0) {
                        version.record("503", 0.001);
                    } else {
                        boolean fails = random.nextDouble() < profile.errorRatio();
                        double latency = profile.medianLatencySeconds()
                                * Math.exp(profile.latencySpread() * random.nextGaussian());
                        version.record(fails ? "500" : "200", latency);
                    }
                }
            }
        }
    }

    /** Requests sent so far to {@code version} that were answered with {@code code}. */
    public synchronized long count(String version, String code) {
        VersionStats counts = stats.get(version);
        return counts == null ? 0 : counts.codes.getOrDefault(code, 0L);
    }

    /** The metrics in the Prometheus text exposition format, version 0.0.4. */
    public synchronized String metrics() {
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP http_requests_total Requests served by the demo app, by version and status code.\n");
        out.append("# TYPE http_requests_total counter\n");
        stats.forEach((version, s) -> s.codes.forEach((code, n) -> out.append("http_requests_total{version=\"")
                .append(escapeLabel(version)).append("\",code=\"").append(code).append("\"} ").append(n)
                .append('\n')));
        out.append("# HELP http_request_duration_seconds Latency of the demo app's requests, by version.\n");
        out.append("# TYPE http_request_duration_seconds histogram\n");
        stats.forEach((version, s) -> {
            String label = escapeLabel(version);
            for (int i = 0; i < BUCKETS.length; i++) {
                out.append("http_request_duration_seconds_bucket{version=\"").append(label).append("\",le=\"")
                        .append(BUCKETS[i]).append("\"} ").append(s.buckets[i]).append('\n');
            }
            out.append("http_request_duration_seconds_bucket{version=\"").append(label).append("\",le=\"+Inf\"} ")
                    .append(s.count).append('\n');
            out.append("http_request_duration_seconds_sum{version=\"").append(label).append("\"} ")
                    .append(s.sum).append('\n');
            out.append("http_request_duration_seconds_count{version=\"").append(label).append("\"} ")
                    .append(s.count).append('\n');
        });
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

    /** Cumulative counts of one version. */
    private static final class VersionStats {
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
