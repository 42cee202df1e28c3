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
}
