package io.jenkins.plugins.progressivedelivery.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ArgumentSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusDefaults;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Templates referenced by name and read from the cluster (fabric8's mock API server, CRUD mode). */
class ClusterAnalysisTemplatesTest {
    private static MockCluster cluster;

    private static final String SUCCESS_RATE = """
            apiVersion: argoproj.io/v1alpha1
            kind: AnalysisTemplate
            metadata:
              name: success-rate
              namespace: demo
              resourceVersion: "4711"
              uid: 0b6f3c1e-5c2a-4c1d-9b53-0d6a6e1a7f00
            spec:
              args:
              - name: service-name
              metrics:
              - name: success-rate
                interval: 1m
                count: 5
                successCondition: result[0] >= 0.95
                provider:
                  prometheus:
                    address: http://prometheus.monitoring:9090
                    query: sum(rate(ok{service="{{args.service-name}}"}[1m])) / sum(rate(all{service="{{args.service-name}}"}[1m]))
            """;
    private static final String LATENCY = """
            apiVersion: argoproj.io/v1alpha1
            kind: ClusterAnalysisTemplate
            metadata:
              name: latency
            spec:
              args:
              - name: service-name
              - name: threshold
                value: "500"
              metrics:
              - name: latency
                interval: 1m
                count: 5
                successCondition: 'all(result, # < asInt("{{args.threshold}}"))'
                provider:
                  prometheus:
                    address: http://prometheus.monitoring:9090
                    query: latency_ms{service="{{args.service-name}}"}
            """;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @BeforeEach
    void apply() {
        cluster.reset();
        cluster.client.genericKubernetesResources(ClusterAnalysisTemplates.TEMPLATES).inNamespace(MockCluster.NS)
                .resource(Serialization.unmarshal(SUCCESS_RATE, GenericKubernetesResource.class)).create();
        cluster.client.genericKubernetesResources(ClusterAnalysisTemplates.CLUSTER_TEMPLATES)
                .resource(Serialization.unmarshal(LATENCY, GenericKubernetesResource.class)).create();
    }

    private ClusterAnalysisTemplates templates() {
        return new ClusterAnalysisTemplates(cluster.client, MockCluster.NS);
    }

    @Test
    void templatesByNameAreMergedIntoOneAnalysisWithTheStepsArguments() {
        AnalysisSpec step = new AnalysisSpec(List.of(new ArgumentSpec("service-name", "checkout")), null, null, null,
                List.of(new AnalysisSpec.TemplateRef("success-rate", null),
                        new AnalysisSpec.TemplateRef("latency", true)), null);

        AnalysisSpec merged = templates().resolve(step, "steps[1].analysis");

        assertThat(merged.templates()).isEmpty();
        assertThat(merged.metrics()).extracting(MetricSpec::name).containsExactly("success-rate", "latency");
        assertThat(merged.args()).containsExactly(new ArgumentSpec("service-name", "checkout"),
                new ArgumentSpec("threshold", "500"));
    }

    @Test
    void aPlanStepNamingTemplatesIsResolvedBeforeTheRolloutStarts() {
        CanaryPlan plan = PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: web, image: registry.example/web:2.0}
                steps:
                  - setWeight: 20
                  - analysis:
                      templates:
                        - templateName: success-rate
                        - templateName: latency
                          clusterScope: true
                      args:
                        - name: service-name
                          value: checkout
                  - setWeight: 100
                """, "canary.yaml");

        CanaryPlan resolved = templates().resolve(plan);

        AnalysisSpec analysis = ((PlanStep.Analysis) resolved.steps().get(1)).analysis();
        assertThat(analysis.metrics()).hasSize(2);
        assertThat(resolved.steps().get(2)).isEqualTo(new PlanStep.SetWeight(100));
    }

    @Test
    void aTemplatesMetricsThatNameNoPrometheusGetTheDefaultServersAddressTimeoutAndHeaders() {
        cluster.client.genericKubernetesResources(ClusterAnalysisTemplates.TEMPLATES).inNamespace(MockCluster.NS)
                .resource(Serialization.unmarshal("""
                        apiVersion: argoproj.io/v1alpha1
                        kind: AnalysisTemplate
                        metadata: {name: errors, namespace: demo}
                        spec:
                          metrics:
                          - name: errors
                            successCondition: result[0] < 1
                            provider:
                              prometheus: {query: "sum(rate(errors[1m]))", headers: [{key: X-TENANT, value: own}]}
                        """, GenericKubernetesResource.class)).create();
        AnalysisSpec step = new AnalysisSpec(List.of(new ArgumentSpec("service-name", "checkout")), null, null, null,
                List.of(new AnalysisSpec.TemplateRef("errors", null), new AnalysisSpec.TemplateRef("latency", true)),
                null);
        PrometheusDefaults server = new PrometheusDefaults("https://prometheus.example.com", "10s",
                List.of(new PrometheusSpec.Header("X-Tenant", "shop"), new PrometheusSpec.Header("X-Region", "eu")));

        AnalysisSpec merged = templates().withPrometheusDefaults(server).resolve(step, "analysis");

        assertThat(merged.metrics().get(0).provider().prometheus()).isEqualTo(new PrometheusSpec(
                "https://prometheus.example.com", "sum(rate(errors[1m]))", java.time.Duration.ofSeconds(10),
                List.of(new PrometheusSpec.Header("X-Region", "eu"), new PrometheusSpec.Header("X-TENANT", "own"))));
        assertThat(merged.metrics().get(1).provider().prometheus())
                .as("its own address is another server: nothing of the default's")
                .extracting(PrometheusSpec::address, PrometheusSpec::timeout, PrometheusSpec::headers)
                .containsExactly("http://prometheus.monitoring:9090", null, List.of());
    }

    @Test
    void aMissingTemplateADuplicateMetricAndAnUndeclaredArgumentAreClearErrors() {
        AnalysisSpec missing = new AnalysisSpec(List.of(), null, null, null,
                List.of(new AnalysisSpec.TemplateRef("latency", null)), null);
        assertThatThrownBy(() -> templates().resolve(missing, "steps[1].analysis"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("steps[1].analysis.templates[0].templateName: AnalysisTemplate demo/latency"
                        + " does not exist (a ClusterAnalysisTemplate needs clusterScope: true)");

        AnalysisSpec twice = new AnalysisSpec(List.of(new ArgumentSpec("service-name", "x")), null, null, null,
                List.of(new AnalysisSpec.TemplateRef("success-rate", null),
                        new AnalysisSpec.TemplateRef("success-rate", null)), null);
        assertThatThrownBy(() -> templates().resolve(twice, "a"))
                .hasMessageContaining("two metrics have the same name 'success-rate'");

        AnalysisSpec typo = new AnalysisSpec(List.of(new ArgumentSpec("service", "x")), null, null, null,
                List.of(new AnalysisSpec.TemplateRef("success-rate", null)), null);
        assertThatThrownBy(() -> templates().resolve(typo, "a"))
                .hasMessageContaining("argument 'service' is not declared by AnalysisTemplate demo/success-rate");
    }
}
