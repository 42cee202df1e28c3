package io.jenkins.plugins.progressivedelivery.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Prometheus process on 127.0.0.1 for tests and the demo: a free port, a temporary storage directory, data
 * backfilled from OpenMetrics text with {@code promtool} before it starts (kept for 100 years so old blocks are
 * not deleted), and optionally live scrape targets. Start one per test class, or once per JVM: it takes a second,
 * and CI has two cores.
 *
 * <pre>{@code
 * try (LocalPrometheus prometheus = LocalPrometheus.builder().backfill(openMetrics).start()) {
 *     String url = prometheus.url();
 * }
 * }</pre>
 *
 * Waiting is polling with a deadline; the pause between polls is a bounded wait on the process itself, so a
 * Prometheus that dies is noticed at once.
 */
public final class LocalPrometheus implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int LOG_LINES_ON_FAILURE = 40;

    private final Process process;
    private final Path directory;
    private final Path logFile;
    private final String url;
    private final HttpClient http;
    private final Thread shutdownHook;

    private LocalPrometheus(Process process, Path directory, Path logFile, String url, HttpClient http) {
        this.process = process;
        this.directory = directory;
        this.logFile = logFile;
        this.url = url;
        this.http = http;
        this.shutdownHook = new Thread(process::destroyForcibly, "stop local prometheus " + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    public String url() {
        return url;
    }

    public URI uri() {
        return URI.create(url);
    }

    /** Prometheus' own log (stdout and stderr). */
    public Path logFile() {
        return logFile;
    }

    /** The last lines of Prometheus' log, for failure messages. */
    public String logTail() {
        return tail(logFile);
    }

    /**
     * Polls an instant query until it returns a non-empty result (live scrape data arrived), and returns the raw
     * JSON answer.
     *
     * @param at evaluation time, or null for Prometheus' current time
     * @throws IllegalStateException when the deadline passes or Prometheus exits, with its log
     */
    public String waitForData(String query, Instant at, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (true) {
            try {
                last = query(query, at);
                if (last.contains("\"status\":\"success\"") && !last.contains("\"result\":[]")) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no data for " + query + " within " + timeout + "; last answer: "
                        + last + "\n" + logTail());
            }
            pause();
        }
    }

    /** One instant query through the HTTP API; returns the raw JSON answer. */
    public String query(String query, Instant at) throws IOException {
        StringBuilder form = new StringBuilder("query=").append(URLEncoder.encode(query, StandardCharsets.UTF_8));
        if (at != null) {
            form.append("&time=").append(at.getEpochSecond());
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/query"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops Prometheus (forcibly if it does not stop within 10s) and deletes its storage. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook is running or ran
        }
        deleteRecursively(directory);
    }

    private void pause() {
        try {
            if (process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + "\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for prometheus", e);
        }
    }

    /** Options for a {@link LocalPrometheus}. */
    public static final class Builder {
        private final List<String> backfills = new ArrayList<>();
        private final List<String> scrapeTargets = new ArrayList<>();
        private Duration scrapeInterval = Duration.ofSeconds(1);
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Path prometheus;
        private Path promtool;

        private Builder() {
        }

        /**
         * OpenMetrics text (with timestamps in seconds, ending with {@code # EOF}) loaded with
         * {@code promtool tsdb create-blocks-from openmetrics} before Prometheus starts.
         */
        public Builder backfill(String openMetrics) {
            backfills.add(Objects.requireNonNull(openMetrics, "openMetrics"));
            return this;
        }

        /** An exporter to scrape, as {@code host:port} (path {@code /metrics}). */
        public Builder scrape(String hostPort) {
            scrapeTargets.add(Objects.requireNonNull(hostPort, "hostPort"));
            return this;
        }

        public Builder scrapeInterval(Duration interval) {
            scrapeInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The binaries to use instead of {@code prometheus} and {@code promtool} found on the PATH. */
        public Builder binaries(Path prometheusBinary, Path promtoolBinary) {
            prometheus = prometheusBinary;
            promtool = promtoolBinary;
            return this;
        }

        /**
         * Backfills, starts Prometheus and waits until {@code /-/ready} answers 200.
         *
         * @throws IllegalStateException when a binary is missing, promtool fails, or Prometheus does not become
         *                               ready by the deadline; with the fix or the log
         */
        public LocalPrometheus start() {
            Path prometheusBinary = prometheus != null ? checkExecutable(prometheus, "prometheus")
                    : findOnPath("prometheus");
            Path directory;
            try {
                directory = Files.createTempDirectory("local-prometheus-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for a local prometheus", e);
            }
            try {
                Path data = Files.createDirectories(directory.resolve("data"));
                for (int i = 0; i < backfills.size(); i++) {
                    Path promtoolBinary = promtool != null ? checkExecutable(promtool, "promtool")
                            : findOnPath("promtool");
                    backfill(promtoolBinary, directory, data, i, backfills.get(i));
                }
                Files.writeString(directory.resolve("prometheus.yml"), config(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                deleteRecursively(directory);
                throw new UncheckedIOException("cannot prepare a local prometheus", e);
            } catch (RuntimeException e) {
                deleteRecursively(directory);
                throw e;
            }
            IllegalStateException lastFailure = null;
            // A free port can be taken between choosing and binding it; another port is tried then.
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    return launch(prometheusBinary, directory, freePort());
                } catch (IllegalStateException e) {
                    lastFailure = e;
                    if (!e.getMessage().contains("address already in use")) {
                        break;
                    }
                }
            }
            deleteRecursively(directory);
            throw lastFailure;
        }

        private LocalPrometheus launch(Path binary, Path directory, int port) {
            Path logFile = directory.resolve("prometheus-" + port + ".log");
            String url = "http://127.0.0.1:" + port;
            Process process;
            try {
                process = new ProcessBuilder(binary.toString(),
                        "--config.file=" + directory.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + directory.resolve("data"),
                        "--storage.tsdb.retention.time=100y",
                        "--web.listen-address=127.0.0.1:" + port)
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(logFile.toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            LocalPrometheus started = new LocalPrometheus(process, directory, logFile, url, http);
            try {
                awaitReady(process, http, url, logFile);
                return started;
            } catch (RuntimeException e) {
                stopQuietly(process);
                removeHook(started);
                throw e;
            }
        }

        private void awaitReady(Process process, HttpClient http, String url, Path logFile) {
            long deadline = System.nanoTime() + startupTimeout.toNanos();
            HttpRequest ready = HttpRequest.newBuilder(URI.create(url + "/-/ready")).timeout(Duration.ofSeconds(2))
                    .build();
            try {
                while (true) {
                    try {
                        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            return;
                        }
                    } catch (IOException e) {
                        // not listening yet
                    }
                    if (process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("prometheus exited with " + process.exitValue()
                                + " while starting\n" + tail(logFile));
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("prometheus was not ready within " + startupTimeout + "\n"
                                + tail(logFile));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting prometheus", e);
            }
        }

        private static void removeHook(LocalPrometheus started) {
            try {
                Runtime.getRuntime().removeShutdownHook(started.shutdownHook);
            } catch (IllegalStateException e) {
                // shutting down
            }
        }

        private static void backfill(Path promtool, Path directory, Path data, int index, String openMetrics)
                throws IOException {
            Path input = directory.resolve("backfill-" + index + ".om");
            Path log = directory.resolve("promtool-" + index + ".log");
            Files.writeString(input, openMetrics.endsWith("\n") ? openMetrics : openMetrics + "\n",
                    StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics",
                    input.toString(), data.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("promtool did not finish backfilling within 2 minutes\n"
                            + tail(log));
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while backfilling", e);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("promtool could not backfill the OpenMetrics data (exit "
                        + process.exitValue() + "); it needs timestamps in seconds and a final '# EOF' line\n"
                        + tail(log));
            }
        }

        private String config() {
            StringBuilder yaml = new StringBuilder();
            yaml.append("global:\n")
                    .append("  scrape_interval: ").append(scrapeInterval.toMillis()).append("ms\n")
                    .append("  evaluation_interval: ").append(scrapeInterval.toMillis()).append("ms\n");
            if (!scrapeTargets.isEmpty()) {
                yaml.append("scrape_configs:\n")
                        .append("  - job_name: local\n")
                        .append("    static_configs:\n")
                        .append("      - targets: [")
                        .append(scrapeTargets.stream().map(t -> "'" + t.replace("'", "''") + "'")
                                .collect(Collectors.joining(", ")))
                        .append("]\n");
            }
            return yaml.toString();
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
        }

        private static Path checkExecutable(Path binary, String name) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(name + " not found at " + binary
                        + ": install it with apt-get install -y prometheus");
            }
            return binary;
        }

        private static Path findOnPath(String name) {
            String path = System.getenv("PATH");
            List<String> directories = new ArrayList<>(path == null ? List.of() : List.of(path.split(":")));
            directories.add("/usr/bin");
            directories.add("/usr/local/bin");
            for (String directory : directories) {
                if (directory.isEmpty()) {
                    continue;
                }
                Path candidate = Paths.get(directory, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
            throw new IllegalStateException(name + " not found: install it with apt-get install -y prometheus");
        }
    }

    private static void stopQuietly(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            int from = Math.max(0, lines.size() - LOG_LINES_ON_FAILURE);
            return "--- " + log + " (last " + (lines.size() - from) + " lines) ---\n"
                    + String.join("\n", lines.subList(from, lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp directory left behind is harmless
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
