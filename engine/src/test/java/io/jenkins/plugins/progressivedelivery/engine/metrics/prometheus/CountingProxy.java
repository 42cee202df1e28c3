package io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A forwarding HTTP proxy in front of a real Prometheus that keeps every request it passed on (path and decoded
 * form), so that a test can count what the engine asked for, not what a fake would have been asked.
 */
public final class CountingProxy implements AutoCloseable {
    /** One request: its path ({@code /api/v1/query_range}) and its decoded form ({@code query=...&start=...}). */
    public record Request(String path, String form) {
    }

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<Request> requests = new ArrayList<>();

    public CountingProxy(String target) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String form = new String(body, StandardCharsets.UTF_8);
            synchronized (requests) {
                requests.add(new Request(exchange.getRequestURI().getPath(), URLDecoder.decode(form,
                        StandardCharsets.UTF_8)));
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                forward.header("Content-Type", type);
            }
            try {
                HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(response.statusCode(), response.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The requests to {@code path}. */
    public List<Request> to(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    public void clear() {
        synchronized (requests) {
            requests.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
