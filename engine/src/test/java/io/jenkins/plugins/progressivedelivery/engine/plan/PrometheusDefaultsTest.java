package io.jenkins.plugins.progressivedelivery.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a query that names no Prometheus takes from the default server: the same for every source of a query. */
class PrometheusDefaultsTest {
    private static final PrometheusDefaults SERVER = new PrometheusDefaults(" https://prometheus.example.com ", "10s",
            List.of(new PrometheusSpec.Header("X-Scope-OrgID", "shop"),
                    new PrometheusSpec.Header("X-Tenant-Key", "k-7f3a")));

    private static Map<String, Object> query(Object... keysAndValues) {
        Map<String, Object> query = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            query.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return query;
    }

    private static Map<String, Object> header(String key, String value) {
        return query("key", key, "value", value);
    }

    @Test
    void aQueryWithoutAddressGetsTheServersAddressTimeoutAndHeaders() {
        Map<String, Object> query = query("query", "up");
        SERVER.fill(query);
        assertThat(query).isEqualTo(query("query", "up", "address", "https://prometheus.example.com",
                "timeout", "10s", "headers", List.of(header("X-Scope-OrgID", "shop"),
                        header("X-Tenant-Key", "k-7f3a"))));
    }

    @Test
    void theQuerysOwnTimeoutAndHeadersWinHeaderNamesInAnyCase() {
        Map<String, Object> query = query("address", "https://prometheus.example.com", "query", "up",
                "timeout", "3s", "headers", new ArrayList<>(List.of(header("x-scope-orgid", "payments"))));
        SERVER.fill(query);
        assertThat(query).containsEntry("timeout", "3s").containsEntry("headers",
                List.of(header("X-Tenant-Key", "k-7f3a"), header("x-scope-orgid", "payments")));
    }

    @Test
    void aQueryToAnotherServerIsLeftAlone() {
        Map<String, Object> query = query("address", "http://other:9090", "query", "up");
        SERVER.fill(query);
        assertThat(query).isEqualTo(query("address", "http://other:9090", "query", "up"));
    }

    @Test
    void applyingTwiceChangesNothing() {
        Map<String, Object> once = query("query", "up", "headers", List.of(header("X-Extra", "1")));
        SERVER.fill(once);
        Map<String, Object> twice = new LinkedHashMap<>(once);
        SERVER.fill(twice);
        assertThat(twice).isEqualTo(once);
    }

    @Test
    void everyPrometheusMetricOfATemplateSpecIsFilledOthersAreNot() {
        Map<String, Object> prometheus = query("query", "up");
        Map<String, Object> web = query("url", "https://status.example.com");
        Map<String, Object> spec = query("metrics", List.of(
                query("name", "a", "provider", query("prometheus", prometheus)),
                query("name", "b", "provider", query("web", web))));
        SERVER.fillMetrics(spec);
        assertThat(prometheus).containsEntry("timeout", "10s").containsKey("headers");
        assertThat(web).isEqualTo(query("url", "https://status.example.com"));
    }

    @Test
    void itsTextNamesTheHeadersButNeverTheirValues() {
        assertThat(SERVER.toString()).contains("https://prometheus.example.com", "10s", "X-Scope-OrgID",
                "X-Tenant-Key").doesNotContain("shop").doesNotContain("k-7f3a");
    }
}
