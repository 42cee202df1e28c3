package io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus;

import static io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP behaviour that a plain Prometheus cannot show: a JDK HTTP server on 127.0.0.1 stands in for an
 * authenticating proxy in front of Prometheus, a hung server, a login page and a redirect.
 */
class PrometheusProviderHttpTest {
    private static final String TOKEN = "s3cr3t-token-value";
    private static final String ANSWER = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
            + "[{\"metric\":{},\"value\":[1767225600,\"0.5\"]}]}}";

    private static HttpServer server;
    private static ExecutorService serverThreads;
    private static final CountDownLatch RELEASE_HUNG_REQUESTS = new CountDownLatch(1);
    private static final Map<String, String> lastRequest = new ConcurrentHashMap<>();
    private static volatile String expectedAuthorization;
    private static String base;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/proxy/api/v1/query", exchange -> {
            record(exchange);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
                respond(exchange, 401, "text/plain", "Unauthorized");
            } else {
                respond(exchange, 200, "application/json", ANSWER);
            }
        });
        server.createContext("/hung/api/v1/query", exchange -> {
            try {
                RELEASE_HUNG_REQUESTS.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "application/json", ANSWER);
        });
        server.createContext("/login/api/v1/query", exchange ->
                respond(exchange, 200, "text/html", "<html><body>Please log in</body></html>"));
        server.createContext("/moved/api/v1/query", exchange -> {
            exchange.getResponseHeaders().add("Location", "https://elsewhere.example/api/v1/query");
            respond(exchange, 302, "text/plain", "");
        });
        server.createContext("/echo/api/v1/query", exchange -> respond(exchange, 500, "text/plain",
                "upstream failed for request with Authorization: "
                        + exchange.getRequestHeaders().getFirst("Authorization")));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        RELEASE_HUNG_REQUESTS.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    @BeforeEach
    void reset() {
        lastRequest.clear();
        expectedAuthorization = null;
    }

    @Test
    void sendsTheBearerTokenAndTheSpecsHeaders() throws Exception {
        expectedAuthorization = "Bearer " + TOKEN;
        PrometheusProvider provider = provider("/proxy", PrometheusAuth.bearerToken(TOKEN),
                List.of(new PrometheusSpec.Header("X-Scope-OrgID", "team-a")), Duration.ofSeconds(5));

        MetricValue value = provider.query("sum(up{job=\"api\"})", T0.plusMillis(1500));

        assertThat(value.values()).containsExactly(0.5);
        assertThat(lastRequest).containsEntry("method", "POST")
                .containsEntry("authorization", "Bearer " + TOKEN)
                .containsEntry("x-scope-orgid", "team-a")
                .containsEntry("content-type", "application/x-www-form-urlencoded")
                .containsEntry("query", "sum(up{job=\"api\"})")
                .containsEntry("time", "1767225601.500")
                .containsEntry("timeout", "5000ms");
    }

    @Test
    void sendsBasicCredentials() throws Exception {
        expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(
                "alice:pa55word".getBytes(StandardCharsets.UTF_8));
        PrometheusProvider provider = provider("/proxy", PrometheusAuth.basic("alice", "pa55word"), List.of(),
                Duration.ofSeconds(5));

        assertThat(provider.query("up", T0).values()).containsExactly(0.5);
    }

    @Test
    void aRejectedCredentialIsExplainedWithoutPrintingIt() {
        expectedAuthorization = "Bearer the-right-one";
        PrometheusProvider provider = provider("/proxy", PrometheusAuth.bearerToken(TOKEN), List.of(),
                Duration.ofSeconds(5));

        assertThatThrownBy(() -> provider.query("up", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessage("Prometheus at " + base + "/proxy answered HTTP 401 (unauthorized: check the Prometheus"
                        + " credentials): Unauthorized");
    }

    @Test
    void aServerEchoingTheCredentialDoesNotLeakIt() {
        PrometheusProvider provider = provider("/echo", PrometheusAuth.bearerToken(TOKEN), List.of(),
                Duration.ofSeconds(5));

        assertThatThrownBy(() -> provider.query("up", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("Authorization: Bearer ****")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }

    @Test
    void aHungServerTimesOutAfterTheMetricsTimeout() {
        PrometheusProvider provider = provider("/hung", PrometheusAuth.none(), List.of(), Duration.ofMillis(300));

        assertThatThrownBy(() -> provider.query("up", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessage("Prometheus at " + base + "/hung did not answer within 300ms (the metric's timeout)");
    }

    @Test
    void aLoginPageIsNotAnAnswer() {
        assertThatThrownBy(() -> provider("/login", PrometheusAuth.none(), List.of(), Duration.ofSeconds(5))
                .query("up", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessageContaining("is not a Prometheus API response")
                .hasMessageContaining("Please log in");
    }

    @Test
    void redirectsAreNotFollowed() {
        assertThatThrownBy(() -> provider("/moved", PrometheusAuth.bearerToken(TOKEN), List.of(), Duration.ofSeconds(5))
                .query("up", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessageContaining("answered HTTP 302 (a redirect: set the address to the URL it redirects to)");
    }

    @Test
    void theMeasurementSourceTravelsSerializedWithoutPrintingSecrets() throws Exception {
        expectedAuthorization = "Bearer " + TOKEN;
        ProviderMeasurementSource source = new ProviderMeasurementSource(PrometheusAuth.bearerToken(TOKEN));
        MetricSpec metric = new MetricSpec("m", null, null, null, "result[0] > 0", null, null, null, null,
                new MetricProviderSpec(new PrometheusSpec(base + "/proxy", "up", null, List.of())));
        assertThat(source.measure(metric, T0).values()).containsExactly(0.5);

        ProviderMeasurementSource onAgent = roundTrip(source);

        assertThat(onAgent.measure(metric, T0).values()).containsExactly(0.5);
        assertThat(onAgent.toString()).isEqualTo("ProviderMeasurementSource[PrometheusAuth[bearer token ****]]");
        assertThat(PrometheusAuth.basic("alice", "pa55word").withCaCertificatePem("x").toString())
                .isEqualTo("PrometheusAuth[basic alice:****, custom CA]");
    }

    @Test
    void aMetricWithoutProviderIsAnErrorNotASuccess() {
        ProviderMeasurementSource source = new ProviderMeasurementSource(PrometheusAuth.none());
        MetricSpec metric = new MetricSpec("m", null, null, null, "result[0] > 0", null, null, null, null, null);

        assertThatThrownBy(() -> source.measure(metric, T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessageContaining("metric 'm' has no provider");
    }

    private static PrometheusProvider provider(String path, PrometheusAuth auth, List<PrometheusSpec.Header> headers,
                                               Duration timeout) {
        return new PrometheusProvider(PrometheusProvider.newHttpClient(auth), base + path, timeout, headers, auth);
    }

    private static void record(HttpExchange exchange) throws IOException {
        lastRequest.put("method", exchange.getRequestMethod());
        exchange.getRequestHeaders().forEach((name, values) ->
                lastRequest.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            lastRequest.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
