package io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.metrics.MetricProvider;
import io.jenkins.plugins.progressivedelivery.engine.metrics.MetricsHttp;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Instant queries against Prometheus' HTTP API ({@code POST /api/v1/query}, form-encoded {@code query} and
 * {@code time}) over the JDK HTTP client. TLS is verified unless {@link PrometheusAuth#insecureSkipTlsVerify()};
 * redirects are not followed, so credentials never go to another host. Thread-safe.
 */
public final class PrometheusProvider implements MetricProvider {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(1);

    private final HttpClient client;
    private final URI endpoint;
    private final URI rangeEndpoint;
    private final String where;
    private final Duration timeout;
    private final List<PrometheusSpec.Header> headers;
    private final PrometheusAuth auth;
    private final MetricsHttp http = MetricsHttp.shared();
    private final long maxResponseBytes = MetricsHttp.DEFAULT_MAX_RESPONSE_BYTES;

    /**
     * @param client  from {@link #newHttpClient(PrometheusAuth)}, shared by the providers of one configuration
     * @param address the base URL, e.g. {@code http://prometheus.monitoring:9090} or {@code https://host/prometheus}
     * @param timeout for the whole request, and passed to Prometheus as its evaluation timeout
     * @throws IllegalArgumentException when the address is not a usable http(s) URL
     */
    public PrometheusProvider(HttpClient client, String address, Duration timeout, List<PrometheusSpec.Header> headers,
                              PrometheusAuth auth) {
        String problem = AnalysisValidation.addressProblem(address);
        if (problem != null) {
            throw new IllegalArgumentException("Prometheus address " + problem);
        }
        String base = address.trim();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.client = Objects.requireNonNull(client, "client");
        this.endpoint = URI.create(base + "/api/v1/query");
        this.rangeEndpoint = URI.create(base + "/api/v1/query_range");
        this.where = "Prometheus at " + base;
        this.timeout = timeout == null ? PrometheusSpec.DEFAULT_TIMEOUT : timeout;
        this.headers = headers == null ? List.of() : List.copyOf(headers);
        this.auth = auth == null ? PrometheusAuth.none() : auth;
    }

    /** A provider for a metric's {@code provider.prometheus}. */
    public static PrometheusProvider of(PrometheusSpec spec, HttpClient client, PrometheusAuth auth) {
        return new PrometheusProvider(client, spec.address(), spec.effectiveTimeout(), spec.headers(), auth);
    }

    @Override
    public MetricValue query(String query, Instant at) throws MeasurementException {
        return await(queryAsync(query, at));
    }

    /** Without a thread waiting for the answer: the request runs on {@link MetricsHttp}'s shared pool. */
    @Override
    public CompletableFuture<MetricValue> queryAsync(String query, Instant at, Executor blocking) {
        return queryAsync(query, at);
    }

    private CompletableFuture<MetricValue> queryAsync(String query, Instant at) {
        if (query == null || query.isBlank()) {
            return CompletableFuture.failedFuture(new MeasurementException("the Prometheus query is empty"));
        }
        return sendAsync(endpoint, form(query, Objects.requireNonNull(at, "at")), false);
    }

    /**
     * A range query ({@code POST /api/v1/query_range}): every value of every series, series after series, as Argo
     * flattens a matrix.
     */
    public MetricValue queryRange(String query, Instant start, Instant end, Duration step) throws MeasurementException {
        if (query == null || query.isBlank()) {
            throw new MeasurementException("the Prometheus query is empty");
        }
        if (end.isBefore(start)) {
            throw new MeasurementException("the range query ends (" + end + ") before it starts (" + start + ")");
        }
        String form = "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&start=" + seconds(start)
                + "&end=" + seconds(end) + "&step=" + step.toMillis() / 1000.0 + "&timeout=" + timeout.toMillis() + "ms";
        return send(rangeEndpoint, form, true);
    }

    /** Asks for {@code vector(1)}, as Flagger's {@code IsOnline}, at Prometheus' own time. */
    @Override
    public boolean isOnline() throws MeasurementException {
        MetricValue value = send(endpoint, form("vector(1)", null), false);
        if (value.values().size() != 1 || value.values().get(0) != 1.0) {
            throw new MeasurementException(where + " answered " + value + " to vector(1), not [1]");
        }
        return true;
    }

    private String form(String query, Instant at) {
        StringBuilder form = new StringBuilder("query=").append(URLEncoder.encode(query, StandardCharsets.UTF_8));
        if (at != null) {
            form.append("&time=").append(seconds(at));
        }
        form.append("&timeout=").append(timeout.toMillis()).append("ms");
        return form.toString();
    }

    private static String seconds(Instant at) {
        return at.getEpochSecond() + "." + String.format("%03d", at.getNano() / 1_000_000);
    }

    private MetricValue send(URI target, String form, boolean range) throws MeasurementException {
        return await(sendAsync(target, form, range));
    }

    private CompletableFuture<MetricValue> sendAsync(URI target, String form, boolean range) {
        HttpRequest request;
        try {
            request = buildRequest(target, form);
        } catch (MeasurementException e) {
            return CompletableFuture.failedFuture(e);
        }
        // One deadline for the whole exchange, body included (the request's own timeout stops at the headers),
        // with a little room over the evaluation timeout Prometheus is given, so that its own message wins.
        Duration deadline = timeout.plus(DEADLINE_MARGIN);
        return http.send(client, request, deadline, maxResponseBytes).handle((response, failure) -> {
            if (failure != null) {
                throw new CompletionException(failure(failure));
            }
            try {
                return PrometheusResponse.parse(response.statusCode(),
                        new String(response.body(), StandardCharsets.UTF_8), where, range);
            } catch (MeasurementException e) {
                throw new CompletionException(new MeasurementException(auth.redact(e.getMessage())));
            }
        });
    }

    /** What went wrong with the exchange, said for the user (never with a credential in it). */
    private MeasurementException failure(Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (e instanceof MeasurementException measurement) {
            return measurement;
        }
        if (e instanceof HttpConnectTimeoutException) {
            return new MeasurementException("cannot connect to " + where + ": no connection within "
                    + CONNECT_TIMEOUT.toSeconds() + "s", e);
        }
        if (e instanceof HttpTimeoutException || e instanceof TimeoutException) {
            return new MeasurementException(where + " did not answer within " + describe(timeout)
                    + " (the metric's timeout)", e);
        }
        if (e instanceof MetricsHttp.ResponseTooLargeException tooLarge) {
            return new MeasurementException(where + " answered with more than " + (tooLarge.limit() >> 20)
                    + " MiB, the limit for one response; make the query return fewer series (aggregate it with"
                    + " sum or topk)", e);
        }
        if (e instanceof ConnectException connect) {
            return new MeasurementException("cannot connect to " + where + ": " + connectFailure(connect), e);
        }
        if (e instanceof SSLException) {
            return new MeasurementException("TLS with " + where + " failed: " + auth.redact(e.getMessage())
                    + "; if its certificate is signed by a private CA, configure that CA certificate", e);
        }
        if (e instanceof CancellationException) {
            return new MeasurementException("the query to " + where + " was cancelled", e);
        }
        return new MeasurementException("the request to " + where + " failed: "
                + auth.redact(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    /** For the blocking callers (a preflight's isOnline, the CLI). */
    private static MetricValue await(CompletableFuture<MetricValue> pending) throws MeasurementException {
        try {
            return pending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MeasurementException measurement) {
                throw measurement;
            }
            throw new MeasurementException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new MeasurementException("interrupted while waiting for Prometheus", e);
        }
    }


    private HttpRequest buildRequest(URI target, String form) throws MeasurementException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        for (PrometheusSpec.Header header : headers) {
            try {
                builder.header(header.key(), header.value());
            } catch (IllegalArgumentException e) {
                throw new MeasurementException("the HTTP header '" + header.key() + "' cannot be sent: "
                        + e.getMessage(), e);
            }
        }
        String authorization = auth.authorizationHeader();
        if (authorization != null) {
            builder.setHeader("Authorization", authorization);
        }
        return builder.POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)).build();
    }

    private static String connectFailure(ConnectException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException) {
                return "unknown host";
            }
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? "connection refused" : e.getMessage();
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    /**
     * An HTTP client for one credentials configuration: HTTP/1.1, no redirects, a connect timeout, and TLS trusting
     * the configured CA certificate(s) (instead of the JVM's trust store) or, only when asked, anything.
     *
     * @throws IllegalArgumentException when the CA certificate is not valid PEM
     */
    public static HttpClient newHttpClient(PrometheusAuth auth) {
        PrometheusAuth tls = auth == null ? PrometheusAuth.none() : auth;
        // One client per TLS configuration in the JVM, on the shared pool: a JDK HttpClient has a selector thread
        // of its own, so one per analysis (or per measurement) would cost a thread each. The key holds no secret.
        return MetricsHttp.shared().client(new TlsKey(tls.caCertificatePem(), tls.insecureSkipTlsVerify()),
                builder -> builder
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(CONNECT_TIMEOUT)
                        .sslContext(sslContext(tls))
                        .build());
    }

    private record TlsKey(String caCertificatePem, boolean insecureSkipTlsVerify) { }

    /**
     * The TLS context for {@code auth}.
     *
     * @throws IllegalArgumentException when the CA certificate is not valid PEM
     */
    public static SSLContext sslContext(PrometheusAuth auth) {
        try {
            if (auth.insecureSkipTlsVerify()) {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustEverything()}, null);
                return context;
            }
            if (auth.caCertificatePem() == null) {
                return SSLContext.getDefault();
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (Certificate certificate : readCertificates(auth.caCertificatePem())) {
                trusted.setCertificateEntry("prometheus-ca-" + index++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS for Prometheus: " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> readCertificates(String pem) throws CertificateException {
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        if (certificates.isEmpty()) {
            throw new CertificateException("the CA certificate holds no PEM certificate"
                    + " (-----BEGIN CERTIFICATE----- ...)");
        }
        return certificates;
    }

    /**
     * Accepts any certificate and, being an {@link X509ExtendedTrustManager}, any host name: JSSE leaves endpoint
     * identification to such a trust manager. Only for {@code insecureSkipTlsVerify}.
     */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
