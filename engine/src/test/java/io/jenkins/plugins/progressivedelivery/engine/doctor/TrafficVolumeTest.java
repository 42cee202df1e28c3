package io.jenkins.plugins.progressivedelivery.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The traffic-volume check against the real Prometheus, with the backfilled request rates. */
class TrafficVolumeTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();

    private final ProviderMeasurementSource metrics = new ProviderMeasurementSource(PrometheusAuth.none());

    private DeliveryPlan canary(String app, int firstWeight) {
        return PlanLoader.load("""
                target: {namespace: demo, deployment: web, container: app, image: web:2.0}
                doctor:
                  traffic:
                    prometheus: {address: "%s", query: 'sum(rate(http_requests_total{app="%s"}[1m]))'}
                steps:
                - setWeight: %d
                - analysis:
                    metrics:
                    - name: errors
                      interval: 1m
                      count: 3
                      successCondition: result[0] < 0.01
                      provider: {prometheus: {address: "http://unused:9090", query: "vector(0)"}}
                - setWeight: 100
                """.formatted(PROMETHEUS.url(), app.replace("\"", "\\\""), firstWeight), "plan.yaml");
    }

    @Test
    void aBusyServiceGivesACanaryAt5PercentEnoughRequests() {
        // checkout serves 100 requests a second: 5 % of it is 300 requests in a 1m measurement
        assertThat(TrafficVolume.check(canary("checkout", 5), metrics, BackfilledPrometheus.T0)).isEmpty();
    }

    @Test
    void aQuietServiceIsTooQuietForACanaryAt5Percent() {
        // we"ird serves 1 request a second: 5 % of it is 3 requests a minute
        List<Finding> findings = TrafficVolume.check(canary("we\"ird", 5), metrics, BackfilledPrometheus.T0);

        assertThat(findings).hasSize(1);
        Finding finding = findings.get(0);
        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.field()).isEqualTo("steps[0].setWeight");
        assertThat(finding.problem()).isEqualTo("this service is too quiet for a canary at 5 %: about 3.0 requests"
                + " per minute would reach it, 3 in each 1m measurement, and its analysis needs 100; use a higher"
                + " first weight, a longer window, or blueGreenSwitch");
        assertThat(finding.fix()).isEqualTo("""
                steps:
                - setWeight: 100   # first weight
                # or keep 5 % and measure over 34m (interval and query range)
                # or use blueGreenSwitch, which judges the new version at all of production's traffic""");
    }

    @Test
    void anIdleServiceCannotBeJudgedAtAnyWeight() {
        List<Finding> findings = TrafficVolume.check(canary("idle", 50), metrics, BackfilledPrometheus.T0);

        assertThat(findings).extracting(Finding::problem).singleElement().asString()
                .startsWith("this service is too quiet for a canary at 50 %: about 0.0 requests per minute");
    }

    @Test
    void anUnreachablePrometheusIsANoteNotAFailure() {
        DeliveryPlan plan = PlanLoader.load(PlanLoader.toYaml(canary("checkout", 5))
                .replace(PROMETHEUS.url(), "http://127.0.0.1:1"), "plan.yaml");

        assertThat(TrafficVolume.check(plan, metrics, BackfilledPrometheus.T0)).extracting(Finding::severity)
                .containsExactly(Severity.NOTE);
    }
}
