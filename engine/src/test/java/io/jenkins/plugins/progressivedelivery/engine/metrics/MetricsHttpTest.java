package io.jenkins.plugins.progressivedelivery.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.PrometheusProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics transport against servers a real Prometheus does not imitate: one that sends its headers and then
 * trickles the body, and ones that answer more than the size limit, with and without a Content-Length.
 */
class MetricsHttpTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static HttpServer server;
    /** Its own server: the others' big bodies must not slow its accepting. */
    private static HttpServer slowServer;
    private static ExecutorService serverThreads;
    private static String base;
    private static String slowBase;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        slowServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slowServer.setExecutor(serverThreads);
        slowServer.createContext("/slow-body/api/v1/query", exchange -> {
            drain(exchange);
            exchange.sendResponseHeaders(200, 0); // chunked
            OutputStream body = exchange.getResponseBody();
            body.write("{\"status\":\"success\",".getBytes(StandardCharsets.UTF_8));
            body.flush();
            await();
            exchange.close();
        });
        server.createContext("/huge/api/v1/query", exchange -> {
            drain(exchange);
            exchange.sendResponseHeaders(200, 0); // chunked: the size shows only while reading
            writeZeros(exchange.getResponseBody(), (64L << 20) + (1 << 20));
            exchange.close();
        });
        server.createContext("/declared", exchange -> {
            drain(exchange);
            exchange.sendResponseHeaders(200, 2L << 20);
            writeZeros(exchange.getResponseBody(), 2L << 20);
            exchange.close();
        });
        server.createContext("/exact", exchange -> {
            drain(exchange);
            exchange.sendResponseHeaders(200, 0);
            writeZeros(exchange.getResponseBody(), 1L << 20);
            exchange.close();
        });
        server.start();
        slowServer.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        slowBase = "http://127.0.0.1:" + slowServer.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        RELEASE.countDown();
        server.stop(0);
        slowServer.stop(0);
        serverThreads.shutdownNow();
    }

    @Test
    void aBodyThatNeverEndsTimesOutWithinTheMetricsTimeoutNotNever() {
        PrometheusProvider provider = new PrometheusProvider(PrometheusProvider.newHttpClient(PrometheusAuth.none()),
                slowBase + "/slow-body", Duration.ofMillis(300), List.of(), PrometheusAuth.none());
        long start = System.nanoTime();

        assertThatThrownBy(() -> provider.query("up", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessage("Prometheus at " + slowBase + "/slow-body did not answer within 300ms (the metric's timeout)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anAnswerLargerThanTheLimitSaysSoInsteadOfClaimingItIsNotPrometheus() {
        PrometheusProvider provider = new PrometheusProvider(PrometheusProvider.newHttpClient(PrometheusAuth.none()),
                base + "/huge", Duration.ofSeconds(20), List.of(), PrometheusAuth.none());

        assertThatThrownBy(() -> provider.query("up", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessage("Prometheus at " + base + "/huge answered with more than 64 MiB, the limit for one"
                        + " response; make the query return fewer series (aggregate it with sum or topk)");
    }

    @Test
    void theLimitHoldsWithAndWithoutAContentLengthAndABodyOfExactlyTheLimitIsRead() throws Exception {
        MetricsHttp http = new MetricsHttp(2, 4);
        HttpClient client = http.client("test", HttpClient.Builder::build);
        long limit = 1L << 20;

        assertThat(http.send(client, get("/exact"), Duration.ofSeconds(10), limit).get(10, TimeUnit.SECONDS)
                .body()).hasSize((int) limit);
        assertThatThrownBy(() -> http.send(client, get("/declared"), Duration.ofSeconds(10), limit)
                .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(MetricsHttp.ResponseTooLargeException.class);
        assertThatThrownBy(() -> http.send(client, get("/huge/api/v1/query"), Duration.ofSeconds(10), limit)
                .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(MetricsHttp.ResponseTooLargeException.class);
        assertThat(http.largestPoolSize()).isLessThanOrEqualTo(http.threads());
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).build();
    }

    private static void drain(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
    }

    private static void writeZeros(OutputStream out, long bytes) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try {
            for (long written = 0; written < bytes; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
            }
        } catch (IOException e) {
            // the client stopped reading at its limit
        }
    }

    private static void await() {
        try {
            RELEASE.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
