package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ArgumentSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisValidationTest {
    private static final String PREFIX = "steps[2].analysis";

    @Test
    void aTypicalTemplateIsValid() {
        AnalysisSpec spec = new AnalysisSpec(List.of(new ArgumentSpec("service", null)), List.of(
                new MetricSpec("success-rate", Duration.ofMinutes(1), 5, Duration.ofSeconds(30),
                        "len(result) == 0 || result[0] >= 0.95", null, 1, null, null,
                        prometheus("http://prometheus.monitoring:9090",
                                "sum(rate(http_requests_total{service=\"{{args.service}}\",code!~\"5..\"}[1m]))"
                                        + " / sum(rate(http_requests_total{service=\"{{args.service}}\"}[1m]))"))));

        assertThat(AnalysisValidation.validate(spec, PREFIX, true)).isEmpty();
    }

    @Test
    void reportsEveryProblemWithItsPathAndFix() {
        AnalysisSpec spec = new AnalysisSpec(List.of(new ArgumentSpec("window", "5 m")), List.of(
                new MetricSpec("error-rate", null, 3, null, "all(result, # < )", "result[0] > {{args.limit}}",
                        -1, 4, -2, prometheus("ftp://prometheus", "rate(x[{{args.window}}])")),
                new MetricSpec("error-rate", Duration.ofMinutes(1), null, Duration.ofSeconds(-1), null, null,
                        null, null, null, new MetricProviderSpec(null)),
                new MetricSpec("", Duration.ZERO, 0, null, null, null, null, null, null,
                        prometheus("http://user:secret@prometheus:9090", " "))));

        List<ValidationError> errors = AnalysisValidation.validate(spec, PREFIX, true);

        assertThat(errors).extracting(ValidationError::path).containsExactlyInAnyOrder(
                "steps[2].analysis.metrics[0].interval",
                "steps[2].analysis.metrics[0].failureLimit",
                "steps[2].analysis.metrics[0].consecutiveErrorLimit",
                "steps[2].analysis.metrics[0].inconclusiveLimit",
                "steps[2].analysis.metrics[0].successCondition",
                "steps[2].analysis.metrics[0].failureCondition",
                "steps[2].analysis.metrics[0].provider.prometheus.address",
                "steps[2].analysis.metrics[0].provider.prometheus.query",
                "steps[2].analysis.metrics[1].name",
                "steps[2].analysis.metrics[1].initialDelay",
                "steps[2].analysis.metrics[1].count",
                "steps[2].analysis.metrics[1].provider",
                "steps[2].analysis.metrics[2].name",
                "steps[2].analysis.metrics[2].count",
                "steps[2].analysis.metrics[2].interval",
                "steps[2].analysis.metrics[2].provider.prometheus.address",
                "steps[2].analysis.metrics[2].provider.prometheus.query");
        assertThat(message(errors, "metrics[0].interval")).contains("is required when count > 1");
        assertThat(message(errors, "metrics[0].successCondition")).contains("column");
        assertThat(message(errors, "metrics[0].failureLimit")).contains("consecutiveSuccessLimit");
        assertThat(message(errors, "metrics[0].failureCondition")).contains("{{args.limit}} refers to args.limit, which is not declared");
        assertThat(message(errors, "metrics[0].provider.prometheus.query")).contains("args.window: '5 m' is used outside a quoted string");
        assertThat(message(errors, "metrics[0].provider.prometheus.address")).contains("not an http or https URL");
        assertThat(message(errors, "metrics[0].inconclusiveLimit")).contains("more than count 3");
        assertThat(message(errors, "metrics[1].name")).contains("'error-rate' is used by another metric");
        assertThat(message(errors, "metrics[1].count")).contains("an analysis step must end");
        assertThat(message(errors, "metrics[2].provider.prometheus.address")).contains("contains credentials")
                .doesNotContain("secret");
    }

    @Test
    void aBackgroundAnalysisMayMeasureUntilStopped() {
        AnalysisSpec spec = new AnalysisSpec(List.of(), List.of(new MetricSpec("m", Duration.ofMinutes(1), null,
                null, "result[0] > 0", null, null, null, null, prometheus("https://prometheus", "up"))));

        assertThat(AnalysisValidation.validate(spec, "", false)).isEmpty();
        assertThat(AnalysisValidation.validate(spec, "", true)).extracting(ValidationError::path)
                .containsExactly("metrics[0].count");
    }

    @Test
    void anAddressFromAnArgumentIsCheckedWhenItHasADefault() {
        AnalysisSpec withDefault = new AnalysisSpec(List.of(new ArgumentSpec("prometheus", "prometheus:9090")),
                List.of(metric("{{args.prometheus}}")));
        AnalysisSpec fromRun = new AnalysisSpec(List.of(new ArgumentSpec("prometheus", null)),
                List.of(metric("{{args.prometheus}}")));
        AnalysisSpec hostFromRun = new AnalysisSpec(List.of(new ArgumentSpec("host", null)),
                List.of(metric("http://{{args.host}}:9090")));

        assertThat(AnalysisValidation.validate(withDefault, "", false)).extracting(Object::toString)
                .containsExactly("metrics[0].provider.prometheus.address: 'prometheus:9090' is not an http or https"
                        + " URL; write one like http://prometheus.monitoring:9090");
        assertThat(AnalysisValidation.validate(fromRun, "", false)).isEmpty();
        assertThat(AnalysisValidation.validate(hostFromRun, "", false)).isEmpty();
    }

    @Test
    void headersCannotCarryCredentialsOrClientManagedFields() {
        AnalysisSpec spec = new AnalysisSpec(List.of(), List.of(new MetricSpec("m", null, null, null,
                "result[0] > 0", null, null, null, null, new MetricProviderSpec(new PrometheusSpec("http://p", "up",
                null, List.of(new PrometheusSpec.Header("Authorization", "Bearer abc"),
                        new PrometheusSpec.Header("Host", "x"), new PrometheusSpec.Header("Bad Header", "x")))))));

        assertThat(AnalysisValidation.validate(spec, "", false)).extracting(ValidationError::path).containsExactly(
                "metrics[0].provider.prometheus.headers[0].key",
                "metrics[0].provider.prometheus.headers[1].key",
                "metrics[0].provider.prometheus.headers[2].key");
    }

    @Test
    void anEmptyAnalysisNeedsMetrics() {
        assertThat(AnalysisValidation.validate(new AnalysisSpec(List.of(), List.of()), PREFIX, true))
                .extracting(Object::toString)
                .containsExactly("steps[2].analysis.metrics: no metrics; add at least one metric with a provider and a"
                        + " successCondition or failureCondition");
    }

    private static MetricSpec metric(String address) {
        return new MetricSpec("m", null, null, null, "result[0] > 0", null, null, null, null, prometheus(address, "up"));
    }

    private static MetricProviderSpec prometheus(String address, String query) {
        return new MetricProviderSpec(new PrometheusSpec(address, query, null, List.of()));
    }

    private static String message(List<ValidationError> errors, String pathSuffix) {
        return errors.stream().filter(e -> e.path().endsWith(pathSuffix)).map(ValidationError::message)
                .findFirst().orElseThrow(() -> new AssertionError("no error at " + pathSuffix + " in " + errors));
    }
}
