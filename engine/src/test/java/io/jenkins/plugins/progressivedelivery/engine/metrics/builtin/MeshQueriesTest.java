package io.jenkins.plugins.progressivedelivery.engine.metrics.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.judge.Direction;
import io.jenkins.plugins.progressivedelivery.engine.plan.RequestMetricSpec;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshQueriesTest {

    @Test
    void istioLatencyIsInMillisecondsFromTheDestinationsHistogram() {
        assertThat(BuiltinMetric.LATENCY_P90.query(MeshQueries.istio("shop"), "checkout-canary",
                Duration.ofSeconds(30))).isEqualTo("histogram_quantile(0.9, sum by (le) (rate("
                + "istio_request_duration_milliseconds_bucket{reporter=\"destination\","
                + "destination_workload_namespace=\"shop\",destination_workload=\"checkout-canary\"}[30s])))");
        assertThat(MeshQueries.istio("shop").requestCount("checkout", Duration.ofMinutes(5))).isEqualTo(
                "sum(increase(istio_requests_total{reporter=\"destination\",destination_workload_namespace=\"shop\","
                        + "destination_workload=\"checkout\"}[5m])) or vector(0)");
    }

    @Test
    void anApplicationsMetricIsSelectedByItsLabelsOnceGivenAndConvertedToMilliseconds() {
        RequestMetricSpec spec = new RequestMetricSpec("app_requests_total", "status", "app_latency_seconds", null,
                "instance_of", Map.of(), Map.of("team", "pay\"ments", "app", "checkout"));
        MeshQueries own = MeshQueries.requests(spec, Map.of("canary", "checkout-canary", "stable", "checkout"));

        assertThat(own.latency(0.99, "checkout-canary", Duration.ofMinutes(1))).isEqualTo("histogram_quantile(0.99,"
                + " sum by (le) (rate(app_latency_seconds_bucket{app=\"checkout\",team=\"pay\\\"ments\","
                + "instance_of=\"checkout-canary\"}[1m]))) * 1000");
        assertThat(own.successRate("checkout", Duration.ofMinutes(1))).contains("status!~\"5..\"")
                .contains("instance_of=\"checkout\"");
        assertThat(own.source()).isEqualTo("app_requests_total");
    }

    @Test
    void theCatalogueKnowsEachMetricsBadDirection() {
        assertThat(BuiltinMetric.names()).isEqualTo("success-rate, latency-p50, latency-p90, latency-p99");
        assertThat(BuiltinMetric.byName("success-rate").orElseThrow().direction()).isEqualTo(Direction.DECREASE);
        assertThat(BuiltinMetric.byName("latency-p99").orElseThrow().direction()).isEqualTo(Direction.INCREASE);
        assertThat(BuiltinMetric.byName("error-rate")).isEmpty();
    }
}
