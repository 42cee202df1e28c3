package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A PromQL query, as in Argo's {@code provider.prometheus}. Credentials and the CA are not part of the plan: they
 * come from the runtime (Jenkins credentials, CLI flags) so a plan never carries a secret.
 *
 * @param timeout    per query; default 30s
 * @param headers    extra HTTP headers (for a tenant id, say)
 * @param rangeQuery when set, a range query from {@code start} to {@code end} every {@code step}; every value of
 *                   every series is one element of {@code result}, as in Argo
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PrometheusSpec(String address, String query, Duration timeout, List<Header> headers,
                             RangeQuery rangeQuery) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public PrometheusSpec {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public PrometheusSpec(String address, String query, Duration timeout, List<Header> headers) {
        this(address, query, timeout, headers, null);
    }

    public Duration effectiveTimeout() {
        return timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** One HTTP header. */
    public record Header(String key, String value) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Argo's {@code rangeQuery}: {@code start} and {@code end} are {@code now()}, or {@code now() - duration("5m")}
     * (expr-lang time arithmetic, relative to the measurement time); {@code step} a duration such as {@code 1m}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RangeQuery(String start, String end, String step) implements Serializable {
        private static final long serialVersionUID = 1L;
    }
}
