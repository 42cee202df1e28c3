package io.jenkins.plugins.progressivedelivery.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The demo's Prometheus: a real {@code prometheus} process on 127.0.0.1 scraping the traffic simulator, started
 * through the testkit's {@code LocalPrometheus}.
 */
final class DemoPrometheus implements AutoCloseable {
    private final PrometheusProcess process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DemoPrometheus(PrometheusProcess process) {
        this.process = process;
    }

    /** Starts Prometheus scraping {@code target} ({@code host:port}, path {@code /metrics}) every second. */
    static DemoPrometheus start(String target, Path workDir) {
        return new DemoPrometheus(PrometheusProcess.start(target, Duration.ofSeconds(1), workDir));
    }

    /** Its HTTP API, e.g. {@code http://127.0.0.1:41234}. */
    URI address() {
        return process.address();
    }

    /** Completes once Prometheus has scraped the target at least once, so that the first query finds data. */
    CompletableFuture<Void> firstScrape(ScheduledExecutorService executor, Duration timeout) {
        String query = URLEncoder.encode("up{job=\"web\"} == 1", StandardCharsets.UTF_8);
        URI uri = address().resolve("/api/v1/query?query=" + query);
        return Poll.until(executor, Duration.ofMillis(250), timeout, "a first scrape of the traffic simulator",
                () -> {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    return response.statusCode() == 200 && response.body().contains("\"value\"");
                });
    }

    @Override
    public void close() {
        process.close();
    }

    /** Where {@code LocalPrometheus} from the testkit plugs in; see {@link #start}. */
    interface PrometheusProcess extends AutoCloseable {
        URI address();

        @Override
        void close();

        static PrometheusProcess start(String target, Duration scrapeInterval, Path workDir) {
            try {
                return LocalPrometheusProcess.start(target, scrapeInterval, workDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
