package io.jenkins.plugins.progressivedelivery.remote;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.function.Supplier;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;

/**
 * fabric8's OkHttp client, the one the kubernetes-client-api plugin gives Jenkins, with {@code TCP_NODELAY} on its
 * sockets. OkHttp leaves Nagle's algorithm on, so on a new TLS connection the request written right after the
 * handshake waits for the API server's delayed ACK: about 40 ms on every new client's first call (a new client's
 * first GET to the bench's API: 55 ms without, 14 ms with). Only the plugin's clients use it ({@link
 * ClusterOperation} hands it to the engine), not through fabric8's ServiceLoader, which would change every plugin's
 * fabric8 clients in the JVM.
 */
final class NoDelayOkHttpClientFactory extends OkHttpClientFactory {
    @Override
    protected void additionalConfig(OkHttpClient.Builder builder) {
        builder.socketFactory(new NoDelaySockets());
    }

    /**
     * Makes the factory when first asked, so that a JVM where OkHttp is missing fails there (and the engine falls back
     * to fabric8's choice) instead of when {@link ClusterOperation} is loaded.
     */
    static final class Source implements Supplier<HttpClient.Factory> {
        @Override
        public HttpClient.Factory get() {
            return new NoDelayOkHttpClientFactory();
        }
    }

    /** Plain sockets with Nagle's algorithm off; OkHttp layers TLS on top of them. */
    static final class NoDelaySockets extends SocketFactory {
        private final SocketFactory sockets = SocketFactory.getDefault();

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(sockets.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(sockets.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(sockets.createSocket(address, port, localAddress, localPort));
        }
    }
}
