package io.jenkins.plugins.progressivedelivery.cli.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TEMPORARY stand-in for the testkit's {@code LocalPrometheus} until it lands on main: runs the {@code prometheus}
 * binary on 127.0.0.1 with one scrape job {@code web}.
 */
final class LocalPrometheusProcess implements DemoPrometheus.PrometheusProcess {
    private final Process process;
    private final URI address;

    private LocalPrometheusProcess(Process process, URI address) {
        this.process = process;
        this.address = address;
    }

    static LocalPrometheusProcess start(String target, Duration scrapeInterval, Path workDir) throws IOException {
        String binary = findBinary();
        Files.createDirectories(workDir);
        Path config = workDir.resolve("prometheus.yml");
        long seconds = Math.max(1, scrapeInterval.toSeconds());
        Files.writeString(config, "global:\n  scrape_interval: " + seconds + "s\n  evaluation_interval: " + seconds
                + "s\nscrape_configs:\n  - job_name: web\n    static_configs:\n      - targets: ['" + target + "']\n");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(List.of(binary, "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"))
                .redirectErrorStream(true).redirectOutput(workDir.resolve("prometheus.log").toFile()).start();
        URI address = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(address.resolve("/-/ready")).timeout(Duration.ofSeconds(1))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new LocalPrometheusProcess(process, address);
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
                throw new IOException("interrupted while Prometheus started", e);
            }
            try {
                // Returns at once if Prometheus exits, e.g. on a bad flag.
                if (process.waitFor(100, TimeUnit.MILLISECONDS) || System.nanoTime() > deadline) {
                    process.destroy();
                    throw new IOException("Prometheus did not start; see " + workDir.resolve("prometheus.log"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
                throw new IOException("interrupted while Prometheus started", e);
            }
        }
    }

    private static String findBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, "prometheus");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        throw new UncheckedIOException(new IOException("the 'prometheus' binary is not on the PATH; install it"
                + " (Debian: apt-get install -y prometheus)"));
    }

    @Override
    public URI address() {
        return address;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
