package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ArgumentSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void substitutesDefaultsAndRunArgumentsEverywhere() {
        AnalysisSpec spec = spec(List.of(new ArgumentSpec("service", "checkout"), new ArgumentSpec("window", "5m"),
                        new ArgumentSpec("threshold", "0.95"), new ArgumentSpec("host", "prometheus.monitoring"),
                        new ArgumentSpec("tenant", "team-a")),
                "sum(rate(http_requests_total{service=\"{{args.service}}\",code!~\"5..\"}[{{args.window}}]))",
                "http://{{args.host}}:9090", "result[0] >= {{args.threshold}}",
                List.of(new PrometheusSpec.Header("X-Scope-OrgID", "{{ args.tenant }}")));

        // the host is the template's (ArgumentHostsTest: a run argument cannot choose another)
        AnalysisSpec resolved = Arguments.resolve(spec, Map.of("window", "2m"));

        PrometheusSpec prometheus = resolved.metrics().get(0).provider().prometheus();
        assertThat(prometheus.query())
                .isEqualTo("sum(rate(http_requests_total{service=\"checkout\",code!~\"5..\"}[2m]))");
        assertThat(prometheus.address()).isEqualTo("http://prometheus.monitoring:9090");
        assertThat(prometheus.headers()).containsExactly(new PrometheusSpec.Header("X-Scope-OrgID", "team-a"));
        assertThat(prometheus.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(resolved.metrics().get(0).successCondition()).isEqualTo("result[0] >= 0.95");
        assertThat(resolved.args()).contains(new ArgumentSpec("window", "2m"), new ArgumentSpec("host", "prometheus.monitoring"));
    }

    @Test
    void aValueInsideALabelMatcherIsEscapedForThePromQlString() {
        String query = "sum(up{app=\"{{args.app}}\", team='{{args.app}}'})";
        AnalysisSpec resolved = Arguments.resolve(spec(List.of(new ArgumentSpec("app", null)), query,
                "http://p:9090", "result[0] > 0", List.of()), Map.of("app", "we\"ird'\\\nname"));

        assertThat(resolved.metrics().get(0).provider().prometheus().query())
                .isEqualTo("sum(up{app=\"we\\\"ird'\\\\\\nname\", team='we\"ird\\'\\\\\\nname'})");
    }

    @Test
    void anInjectionAttemptStaysInsideTheLabelValue() {
        String query = "up{app=\"{{args.app}}\"}";
        AnalysisSpec resolved = Arguments.resolve(spec(List.of(new ArgumentSpec("app", null)), query,
                "http://p:9090", "result[0] > 0", List.of()), Map.of("app", "x\"} or vector(1) or up{app=\""));

        assertThat(resolved.metrics().get(0).provider().prometheus().query())
                .isEqualTo("up{app=\"x\\\"} or vector(1) or up{app=\\\"\"}");
    }

    @Test
    void aValueWithSpacesOutsideQuotesIsRejectedNamingTheArgument() {
        AnalysisSpec spec = spec(List.of(new ArgumentSpec("window", "5m")),
                "rate(x[{{args.window}}])", "http://p:9090", "result[0] > 0", List.of());

        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("window", "5m]) or vector(1) #")))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("metrics[0].provider.prometheus.query: args.window:")
                .hasMessageContaining("outside a quoted string")
                .hasMessageContaining("[A-Za-z0-9_:.\\-]+");
    }

    @Test
    void conditionsAcceptOnlyPlainTokensOutsideStrings() {
        AnalysisSpec spec = spec(List.of(new ArgumentSpec("threshold", null)), "up", "http://p:9090",
                "result[0] >= {{args.threshold}}", List.of());

        assertThat(Arguments.resolve(spec, Map.of("threshold", "-0.5")).metrics().get(0).successCondition())
                .isEqualTo("result[0] >= -0.5");
        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("threshold", "0 || true")))
                .hasMessageContaining("metrics[0].successCondition: args.threshold");
    }

    @Test
    void backtickRawStringsCannotBeEscapedSoABacktickIsRejected() {
        AnalysisSpec spec = spec(List.of(new ArgumentSpec("re", null)), "up{job=~`{{args.re}}`}",
                "http://p:9090", "result[0] > 0", List.of());

        assertThat(Arguments.resolve(spec, Map.of("re", "api|web\\d")).metrics().get(0).provider().prometheus().query())
                .isEqualTo("up{job=~`api|web\\d`}");
        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("re", "x` or vector(1) or up{job=`")))
                .hasMessageContaining("args.re")
                .hasMessageContaining("raw string");
    }

    @Test
    void aHashStartsAPromQlCommentWhereQuotesDoNotCount() {
        AnalysisSpec spec = spec(List.of(new ArgumentSpec("x", null)), "up # don't \"{{args.x}}\"\n+ 1",
                "http://p:9090", "result[0] > 0", List.of());

        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("x", "a\nvector(1)")))
                .hasMessageContaining("outside a quoted string");
    }

    @Test
    void headerValuesCannotSmuggleLineBreaks() {
        AnalysisSpec spec = spec(List.of(new ArgumentSpec("tenant", null)), "up", "http://p:9090", "result[0] > 0",
                List.of(new PrometheusSpec.Header("X-Scope-OrgID", "{{args.tenant}}")));

        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("tenant", "a\r\nAuthorization: Bearer x")))
                .hasMessageContaining("headers[0].value: args.tenant: an HTTP header cannot contain line breaks");
    }

    @Test
    void missingAndUnknownArgumentsAreAllReported() {
        AnalysisSpec spec = spec(List.of(new ArgumentSpec("service", null)),
                "up{service=\"{{args.service}}\", pod=\"{{args.pod}}\"}", "http://p:9090", "result[0] > 0", List.of());

        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("servce", "checkout"), "steps[2].analysis"))
                .isInstanceOf(InvalidPlanException.class)
                .satisfies(e -> assertThat(((InvalidPlanException) e).errors()).extracting(Object::toString)
                        .containsExactlyInAnyOrder(
                                "steps[2].analysis.args: run argument 'servce' is not declared by the analysis;"
                                        + " declare it under args or remove it (declared: service)",
                                "steps[2].analysis.args[0]: args.service has no value: give it a 'value' in the"
                                        + " analysis or pass it as an argument when the analysis runs",
                                "steps[2].analysis.metrics[0].provider.prometheus.query: {{args.pod}} refers to"
                                        + " args.pod, which is not declared; add it under args (declared: service)"));
    }

    @Test
    void placeholdersOtherThanArgsAreRejected() {
        AnalysisSpec spec = spec(List.of(), "up{x=\"{{metric.name}}\"}", "http://p:9090", "result[0] > 0", List.of());

        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of()))
                .hasMessageContaining("unknown placeholder {{metric.name}}; only {{args.NAME}} is supported");
    }

    static AnalysisSpec spec(List<ArgumentSpec> args, String query, String address, String successCondition,
                             List<PrometheusSpec.Header> headers) {
        return new AnalysisSpec(args, List.of(new MetricSpec("m", null, null, null, successCondition, null, null,
                null, null, new MetricProviderSpec(new PrometheusSpec(address, query, Duration.ofSeconds(5), headers)))));
    }
}
