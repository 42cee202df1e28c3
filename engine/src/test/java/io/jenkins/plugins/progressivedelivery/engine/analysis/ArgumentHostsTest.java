package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ArgumentSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.WebSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credentials only go to a host the analysis itself names: run arguments cannot choose where requests go. */
class ArgumentHostsTest {
    private static AnalysisSpec prometheus(String address, ArgumentSpec... args) {
        return new AnalysisSpec(List.of(args), List.of(new MetricSpec("m", null, null, null, "result[0] > 0", null,
                null, null, null, new MetricProviderSpec(new PrometheusSpec(address, "up", null, null)))));
    }

    @Test
    void aPortOrPathFromARunArgumentIsFine() {
        AnalysisSpec spec = prometheus("http://prometheus.monitoring:{{args.port}}/{{args.prefix}}",
                new ArgumentSpec("port", null), new ArgumentSpec("prefix", "prom"));

        AnalysisSpec resolved = Arguments.resolve(spec, Map.of("port", "9091", "prefix", "tenant-a"));

        assertThat(resolved.metrics().get(0).provider().prometheus().address())
                .isEqualTo("http://prometheus.monitoring:9091/tenant-a");
    }

    @Test
    void aRunArgumentCannotMoveTheDefaultHost() {
        AnalysisSpec spec = prometheus("http://{{args.host}}:9090", new ArgumentSpec("host", "prometheus.monitoring"));

        assertThat(Arguments.resolve(spec, Map.of()).metrics().get(0).provider().prometheus().address())
                .isEqualTo("http://prometheus.monitoring:9090");
        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("host", "collector.evil.example")))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("from host prometheus.monitoring to collector.evil.example");
    }

    @Test
    void aHostWithoutADefaultCannotComeFromTheRun() {
        AnalysisSpec spec = prometheus("{{args.address}}", new ArgumentSpec("address", null));

        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("address", "http://collector.evil.example")))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("the host of this address comes from a run argument without a default");
    }

    @Test
    void theSameRuleHoldsForAWebUrl() {
        AnalysisSpec spec = new AnalysisSpec(List.of(new ArgumentSpec("url", "https://status.shop.example/api")),
                List.of(new MetricSpec("w", null, null, null, "result.ok", null, null, null, null,
                        new MetricProviderSpec(null, new WebSpec("{{args.url}}", null, null, null, null, null, null,
                                null), null))));

        assertThat(Arguments.resolve(spec, Map.of("url", "https://status.shop.example/api?service=web")).metrics()
                .get(0).provider().web().url()).isEqualTo("https://status.shop.example/api?service=web");
        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("url", "https://elsewhere.example/api")))
                .hasMessageContaining("to elsewhere.example");
    }
}
