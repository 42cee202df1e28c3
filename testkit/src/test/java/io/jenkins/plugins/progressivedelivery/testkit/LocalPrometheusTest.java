package io.jenkins.plugins.progressivedelivery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One Prometheus for the class: backfilled data and a live exporter scraped every second. */
class LocalPrometheusTest {
    private static final Instant BACKFILLED_AT = Instant.parse("2026-01-01T00:00:00Z");

    private static HttpServer exporter;
    private static LocalPrometheus prometheus;

    @BeforeAll
    static void start() throws Exception {
        exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        exporter.createContext("/metrics", exchange -> {
            byte[] body = "# TYPE demo_up gauge\ndemo_up{app=\"demo\"} 1\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        exporter.start();
        long t = BACKFILLED_AT.getEpochSecond();
        prometheus = LocalPrometheus.builder()
                .backfill("# TYPE old_value gauge\nold_value 42 " + (t - 30) + "\nold_value 43 " + t + "\n# EOF\n")
                .scrape("127.0.0.1:" + exporter.getAddress().getPort())
                .scrapeInterval(Duration.ofSeconds(1))
                .start();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        exporter.stop(0);
    }

    @Test
    void servesBackfilledDataFromLongAgo() throws Exception {
        assertThat(prometheus.url()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(prometheus.query("old_value", BACKFILLED_AT)).contains("\"43\"");
    }

    @Test
    void scrapesALiveExporter() {
        assertThat(prometheus.waitForData("demo_up{app=\"demo\"}", null, Duration.ofSeconds(30))).contains("\"1\"");
    }

    @Test
    void aMissingBinarySaysHowToInstallIt() {
        assertThatThrownBy(() -> LocalPrometheus.builder()
                .binaries(Path.of("/nonexistent/prometheus"), null).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("prometheus not found at /nonexistent/prometheus: install it with"
                        + " apt-get install -y prometheus");
    }

    @Test
    void badBackfillDataShowsPromtoolsComplaint() {
        assertThatThrownBy(() -> LocalPrometheus.builder().backfill("this is not openmetrics").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("promtool could not backfill");
    }

    @Test
    void closeStopsTheProcessAndRemovesItsStorage() throws Exception {
        LocalPrometheus second = LocalPrometheus.builder().start();
        Path storage = second.logFile().getParent();
        assertThat(Files.isDirectory(storage)).isTrue();

        second.close();

        assertThat(Files.exists(storage)).isFalse();
        assertThatThrownBy(() -> second.query("up", null)).isInstanceOf(java.io.IOException.class);
    }
}
