package io.jenkins.plugins.progressivedelivery.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code judge(metrics: [...])} needs no address: the configured Prometheus server fills it in. */
class JudgeServerDefaultsTest {
    private static final PrometheusServer PROD = new PrometheusServer("prod", "https://prometheus.prod:9090");

    private static Map<String, Object> judge(Map<String, Object> judge) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("steps", new ArrayList<>(List.of(Map.of("setWeight", 10), Map.of("judge", judge))));
        return plan;
    }

    @Test
    void aJudgeWithoutAPrometheusGetsTheServerAsThePlansMetricsPrometheus() {
        Map<String, Object> plan = judge(new LinkedHashMap<>(Map.of("metrics", List.of("success-rate"))));

        PlanDefaults.applyJudgeServer(plan, PROD);

        assertThat(plan).containsEntry("metrics", Map.of("prometheus",
                Map.of("address", "https://prometheus.prod:9090")));
    }

    @Test
    void aJudgesOwnPrometheusWithoutAnAddressGetsTheServersAndOneWithAnAddressIsLeftAlone() {
        Map<String, Object> own = new LinkedHashMap<>(Map.of("timeout", "5s"));
        Map<String, Object> plan = judge(new LinkedHashMap<>(Map.of("metrics", List.of("success-rate"),
                "prometheus", own)));
        PlanDefaults.applyJudgeServer(plan, PROD);
        assertThat(own).containsEntry("address", "https://prometheus.prod:9090").containsEntry("timeout", "5s");
        assertThat(plan).doesNotContainKey("metrics");

        Map<String, Object> other = new LinkedHashMap<>(Map.of("address", "http://other:9090"));
        PlanDefaults.applyJudgeServer(judge(new LinkedHashMap<>(Map.of("metrics", List.of("success-rate"),
                "prometheus", other))), PROD);
        assertThat(other).containsExactly(Map.entry("address", "http://other:9090"));
    }

    @Test
    void builtinMetricsWithAThresholdGetTheServerToo() {
        Map<String, Object> canary = new LinkedHashMap<>();
        canary.put("steps", new ArrayList<>(List.of(Map.of("setWeight", 10), Map.of("analysis", Map.of("metrics",
                List.of(Map.of("name", "success-rate", "min", 99.0)))))));
        PlanDefaults.applyJudgeServer(canary, PROD);
        assertThat(canary).containsEntry("metrics", Map.of("prometheus",
                Map.of("address", "https://prometheus.prod:9090")));

        Map<String, Object> blueGreen = new LinkedHashMap<>(Map.of("postPromotionAnalysis", Map.of("metrics",
                List.of(Map.of("name", "p99", "builtin", "latency-p99", "max", 300.0)))));
        PlanDefaults.applyJudgeServer(blueGreen, PROD);
        assertThat(blueGreen).containsKey("metrics");

        // a metric with its own address, or a metric of your own, needs nothing
        Map<String, Object> own = new LinkedHashMap<>(Map.of("analysis", Map.of("metrics", List.of(
                Map.of("name", "success-rate", "min", 99.0, "provider", Map.of("prometheus",
                        Map.of("address", "http://other:9090"))),
                Map.of("name", "errors", "successCondition", "result[0] < 1", "provider", Map.of("prometheus",
                        Map.of("query", "up")))))));
        PlanDefaults.applyJudgeServer(own, PROD);
        assertThat(own).doesNotContainKey("metrics");
    }
}
