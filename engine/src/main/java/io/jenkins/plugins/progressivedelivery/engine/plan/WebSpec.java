package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * An HTTP request whose JSON answer (or the part {@code jsonPath} selects) the conditions judge, as Argo Rollouts'
 * {@code provider.web}. Credentials do not belong here: an {@code Authorization} header comes from the runtime's
 * credentials, and is only sent to the host this spec names.
 *
 * @param method         GET (default), POST or PUT
 * @param body           a request body as text
 * @param jsonBody       a request body as a JSON object (Argo's {@code jsonBody}), kept as JSON text; sent as
 *                       {@code application/json}
 * @param timeoutSeconds the whole request's deadline; default 10 s as in Argo
 * @param jsonPath       a JSONPath such as {@code {$.data.ok}} or {@code $.data.ok}; absent: the whole document
 * @param insecure       not supported: TLS is always verified (configure a CA certificate instead)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record WebSpec(String url, String method, List<PrometheusSpec.Header> headers, String body,
                      @JsonSerialize(using = JsonText.Writer.class) @JsonDeserialize(using = JsonText.Reader.class) String jsonBody,
                      Integer timeoutSeconds, String jsonPath, Boolean insecure) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public WebSpec {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public String effectiveMethod() {
        return method == null || method.isBlank() ? "GET" : method.trim().toUpperCase(java.util.Locale.ROOT);
    }

    public Duration effectiveTimeout() {
        return timeoutSeconds == null || timeoutSeconds <= 0 ? DEFAULT_TIMEOUT : Duration.ofSeconds(timeoutSeconds);
    }

    public WebSpec withRequest(String newUrl, List<PrometheusSpec.Header> newHeaders, String newBody) {
        return new WebSpec(newUrl, method, newHeaders, newBody, jsonBody, timeoutSeconds, jsonPath, insecure);
    }
}
