package io.jenkins.plugins.progressivedelivery.engine.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of the mock API server that can be taken down: {@link #down()} closes the listening socket and
 * every connection through it, so the client's next request meets a real {@code Connection refused} (or a reset on a
 * pooled connection); {@link #up()} listens again on the same port. For an outage of the API server as a client sees
 * it, not an exception a test stands in for.
 */
public final class ApiOutageProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listening;

    /** Proxies to {@code serverUrl} ({@code http://host:port/}); listening at once. */
    public ApiOutageProxy(String serverUrl) {
        URI uri = URI.create(serverUrl);
        this.target = new InetSocketAddress(uri.getHost(), uri.getPort());
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        up();
    }

    /** The URL a client uses to reach the API server through the proxy. */
    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    public synchronized void up() {
        if (listening != null) {
            return;
        }
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listening = server;
            Thread acceptor = new Thread(() -> accept(server), "api-outage-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The API server is unreachable from now on: nothing listens, and connections in use are cut. */
    public synchronized void down() {
        ServerSocket server = listening;
        listening = null;
        closeQuietly(server);
        open.forEach(ApiOutageProxy::closeQuietly);
        open.clear();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                synchronized (this) {
                    // accepted just before down(): that connection must not outlive the outage (a client's watch
                    // reconnecting at that moment would otherwise carry requests through it)
                    if (listening != server) {
                        closeQuietly(client);
                        closeQuietly(upstream);
                        return;
                    }
                    open.add(client);
                    open.add(upstream);
                }
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return; // closed by down()
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: so does the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "api-outage-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        down();
    }
}
