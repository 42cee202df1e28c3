package io.jenkins.plugins.progressivedelivery.engine.metrics.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisRun;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.PrometheusProvider;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.plan.WebSpec;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web provider against a JDK HTTP server on 127.0.0.1. */
class WebProviderTest {
    private static HttpServer server;
    private static String base;
    private static final List<String> requests = new CopyOnWriteArrayList<>();
    private static final CountDownLatch release = new CountDownLatch(1);

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        respond("/status", 200, "{\"data\":{\"ok\":true,\"rate\":0.991,\"name\":\"checkout\"},\"items\":[3,4]}");
        respond("/down", 503, "{\"error\":\"maintenance\"}");
        respond("/html", 200, "<html>login</html>");
        server.createContext("/echo", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " " + exchange.getRequestHeaders().getFirst("X-Tenant") + " " + body);
            byte[] answer = "{\"accepted\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void respond(String path, int status, String body) {
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    private final WebProvider provider = new WebProvider(PrometheusProvider.newHttpClient(PrometheusAuth.none()));

    private static WebSpec get(String path, String jsonPath) {
        return new WebSpec(base + path, null, null, null, null, null, jsonPath, null);
    }

    @Test
    void theWholeDocumentOrWhatJsonPathSelects() throws Exception {
        assertThat(provider.fetch(get("/status", null))).hasToString(
                "{\"data\":{\"ok\":true,\"rate\":0.991,\"name\":\"checkout\"},\"items\":[3,4]}");
        assertThat(provider.fetch(get("/status", "{$.data.rate}"))).hasToString("0.991");
        assertThat(provider.fetch(get("/status", "{.data.name}"))).hasToString("\"checkout\"");
        assertThat(provider.fetch(get("/status", "$.items[1]"))).hasToString("4");
    }

    @Test
    void aPostCarriesItsJsonBodyAndHeaders() throws Exception {
        WebSpec post = new WebSpec(base + "/echo", "POST", List.of(new PrometheusSpec.Header("X-Tenant", "shop")), null,
                "{\"check\":\"smoke\"}", 5, "$.accepted", null);

        assertThat(provider.fetch(post)).hasToString("true");
        assertThat(requests).contains("POST application/json shop {\"check\":\"smoke\"}");
    }

    @Test
    void non2xxNonJsonAMissingPathAndATimeoutAreErrors() {
        assertThatThrownBy(() -> provider.fetch(get("/down", null))).isInstanceOf(MeasurementException.class)
                .hasMessageContaining("HTTP 503");
        assertThatThrownBy(() -> provider.fetch(get("/html", null))).hasMessageContaining("did not answer JSON");
        assertThatThrownBy(() -> provider.fetch(get("/status", "$.data.missing")))
                .hasMessageContaining("jsonPath $.data.missing");
        WebSpec slow = new WebSpec(base + "/slow", null, null, null, null, 1, null, null);
        assertThatThrownBy(() -> provider.fetch(slow)).hasMessageContaining("did not answer within 1s");
    }

    @Test
    void conditionsJudgeTheDocumentWithExprAndTheRunEndsAsArgoSays() {
        MetricSpec metric = new MetricSpec("status", null, null, null, "result.ok and result.rate >= 0.99", null,
                null, null, null, new MetricProviderSpec(null, get("/status", "$.data"), null));
        ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
        List<AnalysisResult> completed = new ArrayList<>();
        AnalysisRun.start("web", new AnalysisSpec(List.of(), List.of(metric)),
                new ProviderMeasurementSource(PrometheusAuth.none()), scheduler, Runnable::run, new AuditTrail(),
                completed::add);

        scheduler.advance(Duration.ZERO);

        assertThat(completed).extracting(AnalysisResult::phase).containsExactly(AnalysisPhase.SUCCESSFUL);
        MetricValue value = completed.get(0).metrics().get(0).measurements().get(0).value();
        assertThat(value).hasToString("{\"ok\":true,\"rate\":0.991,\"name\":\"checkout\"}");
    }

    @Test
    void validationRefusesInsecureABadPathAndANonHttpUrl() {
        MetricSpec metric = new MetricSpec("m", null, null, null, "result == 1", null, null, null, null,
                new MetricProviderSpec(null, new WebSpec("ftp://x/y", "DELETE", null, null, null, null, "$[", true),
                        null));
        List<String> paths = AnalysisValidation.validate(new AnalysisSpec(List.of(), List.of(metric)), "", false)
                .stream().map(ValidationError::path).toList();
        assertThat(paths).contains("metrics[0].provider.web.url", "metrics[0].provider.web.method",
                "metrics[0].provider.web.insecure", "metrics[0].provider.web.jsonPath");
    }
}
