package io.jenkins.plugins.progressivedelivery.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the analysis adds to a plan and to a measurement crosses an agent channel: only engine and JDK value types
 * (a Job spec and a web body are JSON text, not a library's node classes).
 */
class AnalysisValuesSerializedTest {
    @Test
    void aPlanWithJobWebTemplatesAndBackgroundAnalysisIsReadBack() {
        CanaryPlan plan = PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: web, image: "web:2"}
                analysis:
                  startingStep: 1
                  templates: [{templateName: success-rate}, {templateName: latency, clusterScope: true}]
                  args: [{name: service-name, value: web}]
                steps:
                  - setWeight: 10
                  - analysis:
                      metrics:
                        - name: smoke
                          provider:
                            job:
                              metadata: {labels: {team: shop}}
                              spec:
                                backoffLimit: 0
                                template: {spec: {restartPolicy: Never, containers: [{name: t, image: "smoke:1"}]}}
                        - name: status
                          successCondition: "result.ok and all(result.items, # > 0)"
                          provider:
                            web:
                              url: https://status.example/api
                              method: POST
                              jsonBody: {check: smoke, depth: 2}
                              jsonPath: "{$.data}"
                  - setWeight: 100
                """, "canary.yaml");

        CanaryPlan back = Serialized.fromBytes(Serialized.toBytes(plan), CanaryPlan.class);

        assertThat(back).isEqualTo(plan);
    }

    @Test
    void measurementValuesAreReadBack() {
        for (MetricValue value : List.of(MetricValue.document("{\"ok\":true}"),
                MetricValue.outcome(AnalysisPhase.FAILED, "Job demo/smoke-1 failed"),
                MetricValue.vector(List.of(Double.NaN, 1.0)).withWarnings(List.of("might not be a counter")))) {
            assertThat(Serialized.fromBytes(Serialized.toBytes(value), MetricValue.class)).isEqualTo(value);
        }
    }
}
