package io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What Prometheus warns about stays on the measurement; a range query's matrix is flattened as Argo does. */
class PrometheusWarningsTest {
    private static HttpServer server;
    private static final List<String> forms = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/api/v1/query", "{\"status\":\"success\",\"warnings\":[\"PromQL info: metric might not be a counter\"],"
                + "\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"0.5\"]}]}}");
        answer("/api/v1/query_range", "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"pod\":\"a\"},\"values\":[[1,\"1\"],[61,\"2\"]]},"
                + "{\"metric\":{\"pod\":\"b\"},\"values\":[[1,\"NaN\"],[61,\"+Inf\"]]}]}}");
        server.start();
    }

    private static void answer(String path, String body) {
        server.createContext(path, exchange -> {
            forms.add(path + "?" + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private final PrometheusProvider provider = new PrometheusProvider(
            PrometheusProvider.newHttpClient(PrometheusAuth.none()), "http://127.0.0.1:" + server.getAddress().getPort(),
            Duration.ofSeconds(5), List.of(), PrometheusAuth.none());

    @Test
    void warningsAreKept() throws Exception {
        MetricValue value = provider.query("rate(x[1m])", Instant.ofEpochSecond(1));
        assertThat(value).hasToString("[0.5]");
        assertThat(value.warnings()).containsExactly("PromQL info: metric might not be a counter");
    }

    @Test
    void aRangeQueryAsksForStartEndAndStepAndFlattensTheMatrix() throws Exception {
        MetricValue value = provider.queryRange("x", Instant.ofEpochSecond(1), Instant.ofEpochSecond(61),
                Duration.ofMinutes(1));
        assertThat(value).hasToString("[1,2,NaN,+Inf]");
        assertThat(forms).contains("/api/v1/query_range?query=x&start=1.000&end=61.000&step=60.0&timeout=5000ms");
    }
}
