package io.jenkins.plugins.progressivedelivery.engine.metrics.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.WebSpec;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Argo Rollouts' {@code web} provider: one HTTP request, its JSON answer (or the part {@code jsonPath} selects, read
 * with Jayway JsonPath) is the measurement's value; a status outside 2xx, an answer that is not JSON, or a path that
 * selects nothing is an Error. The {@code timeoutSeconds} deadline covers the whole request. It only turns a request
 * into a value; the analysis decides. Thread-safe.
 */
public final class WebProvider {
    /** Answers larger than this are an Error: a condition judges a status document, not a download. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(JSON))
            .mappingProvider(new JacksonMappingProvider(JSON))
            .build();

    private final HttpClient client;

    /** @param client TLS verified, no redirects (from {@code PrometheusProvider.newHttpClient}) */
    public WebProvider(HttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** Why a {@code jsonPath} cannot be used, or null. */
    public static String jsonPathProblem(String jsonPath) {
        try {
            JsonPath.compile(normalise(jsonPath));
            return null;
        } catch (InvalidPathException | IllegalArgumentException e) {
            return "'" + jsonPath + "' is not a JSONPath (" + e.getMessage() + "); write e.g. {$.data.ok}";
        }
    }

    /** Argo writes kubectl's form {@code {$.data.ok}} (or {@code {.data.ok}}); Jayway reads {@code $.data.ok}. */
    static String normalise(String jsonPath) {
        String path = jsonPath.trim();
        if (path.startsWith("{") && path.endsWith("}")) {
            path = path.substring(1, path.length() - 1).trim();
        }
        if (path.startsWith(".") || path.startsWith("[")) {
            path = "$" + path;
        }
        return path;
    }

    public MetricValue fetch(WebSpec spec) throws MeasurementException {
        URI uri;
        try {
            uri = URI.create(spec.url().trim());
        } catch (IllegalArgumentException e) {
            throw new MeasurementException("'" + spec.url() + "' is not a URL: " + e.getMessage(), e);
        }
        String where = "web metric " + uri.getScheme() + "://" + uri.getAuthority();
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(spec.effectiveTimeout())
                .header("Accept", "application/json");
        for (PrometheusSpec.Header header : spec.headers()) {
            try {
                builder.header(header.key(), header.value());
            } catch (IllegalArgumentException e) {
                throw new MeasurementException("the HTTP header '" + header.key() + "' cannot be sent: "
                        + e.getMessage(), e);
            }
        }
        String body = spec.jsonBody() != null ? spec.jsonBody() : spec.body();
        if (spec.jsonBody() != null) {
            builder.header("Content-Type", "application/json");
        }
        builder.method(spec.effectiveMethod(), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<byte[]> response;
        long deadline = spec.effectiveTimeout().toMillis();
        try {
            response = client.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
                    .get(deadline, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw timedOut(where, spec, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeasurementException("interrupted while asking " + where, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw timedOut(where, spec, cause);
            }
            String reason = cause instanceof ConnectException ? "cannot connect"
                    : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            throw new MeasurementException("the request to " + where + " failed: " + reason, cause);
        }
        if (response.statusCode() < 200 || response.statusCode() > 299) {
            throw new MeasurementException(where + " answered HTTP " + response.statusCode()
                    + " (Argo: received non 2xx response code)");
        }
        if (response.body().length > MAX_BODY_BYTES) {
            throw new MeasurementException(where + " answered " + response.body().length + " bytes, more than "
                    + MAX_BODY_BYTES);
        }
        return MetricValue.document(select(new String(response.body(), StandardCharsets.UTF_8), spec.jsonPath(),
                where));
    }

    private static MeasurementException timedOut(String where, WebSpec spec, Throwable cause) {
        return new MeasurementException(where + " did not answer within " + spec.effectiveTimeout().toSeconds()
                + "s (timeoutSeconds)", cause);
    }

    /** The JSON text of the document, or of what {@code jsonPath} selects in it. */
    static String select(String body, String jsonPath, String where) throws MeasurementException {
        JsonNode document;
        try {
            document = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MeasurementException(where + " did not answer JSON: " + e.getOriginalMessage());
        }
        if (document == null) {
            throw new MeasurementException(where + " answered an empty body");
        }
        if (jsonPath == null || jsonPath.isBlank()) {
            return document.toString();
        }
        try {
            JsonNode selected = JsonPath.using(JSON_PATH).parse(document).read(normalise(jsonPath), JsonNode.class);
            return selected == null ? "null" : selected.toString();
        } catch (JsonPathException e) {
            throw new MeasurementException("jsonPath " + jsonPath + " on the answer of " + where + ": "
                    + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "WebProvider";
    }

}
