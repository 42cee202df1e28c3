package io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus;

import static io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to a Prometheus whose certificate is signed by a private CA (here: self-signed, made with keytool). */
class PrometheusProviderTlsTest {
    private static final String PASSWORD = "changeit";
    private static final String ANSWER = "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
            + "\"result\":[1767225600,\"0.75\"]}}";

    @TempDir
    static Path directory;

    private static HttpsServer server;
    private static String certificatePem;
    private static String address;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        Path keyStore = directory.resolve("server.p12");
        keytool("-genkeypair", "-alias", "prometheus", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        certificatePem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getCertificate("prometheus").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/api/v1/query", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        address = "https://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void trustsTheConfiguredCa() throws Exception {
        PrometheusAuth auth = PrometheusAuth.none().withCaCertificatePem(certificatePem);

        assertThat(provider(auth).query("up", T0).values()).containsExactly(0.75);
    }

    @Test
    void verifiesTlsByDefault() {
        assertThatThrownBy(() -> provider(PrometheusAuth.none()).query("up", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessageStartingWith("TLS with Prometheus at " + address + " failed")
                .hasMessageEndingWith("if its certificate is signed by a private CA, configure that CA certificate");
    }

    @Test
    void skipsVerificationOnlyWhenAskedTo() throws Exception {
        assertThat(provider(PrometheusAuth.none().withInsecureSkipTlsVerify(true)).query("up", T0).values())
                .containsExactly(0.75);
        assertThat(PrometheusAuth.none().withInsecureSkipTlsVerify(true).toString()).contains("TLS NOT VERIFIED");
    }

    @Test
    void anInvalidCaIsRejectedBeforeAnyMeasurement() {
        assertThatThrownBy(() -> new ProviderMeasurementSource(PrometheusAuth.none().withCaCertificatePem("not a pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot set up TLS for Prometheus");
    }

    private static PrometheusProvider provider(PrometheusAuth auth) {
        return new PrometheusProvider(PrometheusProvider.newHttpClient(auth), address, Duration.ofSeconds(5),
                List.of(), auth);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile(directory, "keytool", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + Files.readString(output));
        }
    }
}
