package io.jenkins.plugins.progressivedelivery.engine.plan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Prometheus server a query goes to when it names none, and what such a query takes from it: in Jenkins the
 * configured server, as Argo's controller takes its address from {@code ARGO_ROLLOUTS_PROMETHEUS_ADDRESS}. One rule for
 * every source of a query (the Jenkinsfile, a plan file, a configured template, an AnalysisTemplate read from the
 * cluster), applied to its raw form before it is loaded, so that validation sees the query that will be sent:
 * <ul>
 *   <li>no {@code address}: the server's;</li>
 *   <li>the server's address (filled in or written): the server's {@code timeout} unless the query gives one, and its
 *       headers before the query's own, except those the query names too (case-insensitively: the query's win);</li>
 *   <li>another address: another server, none of this applies.</li>
 * </ul>
 * Applying it twice changes nothing.
 *
 * @param timeout as a plan writes it ({@code 10s}); null: the query's own, else the engine's default
 */
public record PrometheusDefaults(String address, String timeout, List<PrometheusSpec.Header> headers)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public PrometheusDefaults {
        Objects.requireNonNull(address, "address");
        address = address.trim();
        timeout = timeout == null || timeout.isBlank() ? null : timeout.trim();
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /**
     * Fills in one query ({@code provider.prometheus} as nested maps), in place.
     *
     * @param query a mutable map
     */
    public void fill(Map<String, Object> query) {
        Object own = query.get("address");
        if (own == null || own.toString().isBlank()) {
            query.put("address", address);
        } else if (!own.toString().trim().equals(address)) {
            return;
        }
        if (query.get("timeout") == null && timeout != null) {
            query.put("timeout", timeout);
        }
        if (headers.isEmpty()) {
            return;
        }
        List<Object> given = query.get("headers") instanceof List<?> list ? new ArrayList<>(list) : List.of();
        Set<String> named = new HashSet<>();
        for (Object header : given) {
            if (header instanceof Map<?, ?> map) {
                named.add(String.valueOf(map.get("key")).toLowerCase(Locale.ROOT));
            }
        }
        List<Object> merged = new ArrayList<>();
        for (PrometheusSpec.Header header : headers) {
            if (!named.contains(String.valueOf(header.key()).toLowerCase(Locale.ROOT))) {
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("key", header.key());
                map.put("value", header.value());
                merged.add(map);
            }
        }
        merged.addAll(given);
        query.put("headers", merged);
    }

    /**
     * Fills in every Prometheus query of an analysis' metrics ({@code spec.metrics[].provider.prometheus} of an
     * AnalysisTemplate, as nested maps), in place.
     */
    @SuppressWarnings("unchecked")
    public void fillMetrics(Object analysisSpec) {
        if (!(analysisSpec instanceof Map<?, ?> spec) || !(spec.get("metrics") instanceof List<?> metrics)) {
            return;
        }
        for (Object metric : metrics) {
            if (metric instanceof Map<?, ?> map && map.get("provider") instanceof Map<?, ?> provider
                    && provider.get("prometheus") instanceof Map<?, ?> query) {
                fill((Map<String, Object>) query);
            }
        }
    }

    /** Header names only: a header's value may be a tenant's key and is never printed. */
    @Override
    public String toString() {
        return "PrometheusDefaults[address=" + address + ", timeout=" + timeout + ", headers="
                + headers.stream().map(PrometheusSpec.Header::key).toList() + "]";
    }
}
