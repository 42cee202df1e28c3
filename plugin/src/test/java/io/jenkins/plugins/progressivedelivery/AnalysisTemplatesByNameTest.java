package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.fakes.FakeBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code templates: [[templateName: ...], [templateName: ..., clusterScope: true]]} in {@code analysisGate} and in
 * {@code blueGreenSwitch}'s analyses: the AnalysisTemplates are read from the API server with the step's own
 * credential (flat {@code credentialsId}/{@code serverUrl}, declared once in {@link ConnectedStep}), merged as
 * {@code canaryRollout} merges them, and measured; on the controller and through a serialising agent channel.
 */
class AnalysisTemplatesByNameTest {
    private static final String NS = "demo";
    private final MockKubernetes kube = new MockKubernetes();
    private final SerialisingAgent agent = new SerialisingAgent();
    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private double value = 0.999;
    private final Harness harness = new Harness(new FakeCluster("unused"), (metric, at) -> {
        queries.add(metric.name() + ": " + metric.provider().prometheus().query());
        return MetricValue.vector(List.of(metric.name().equals("latency") ? 0.2 : value));
    }, (id, r) -> id.equals("k8s-token") ? new SecretText("k8s-token", "agent-token") : null);

    @BeforeEach
    void templates() throws Exception {
        kube.createAnalysisTemplate("""
                apiVersion: argoproj.io/v1alpha1
                kind: AnalysisTemplate
                metadata: {name: success-rate, namespace: demo}
                spec:
                  args:
                  - name: service
                  metrics:
                  - name: success-rate
                    interval: 1m
                    count: 2
                    successCondition: result[0] >= 0.99
                    provider:
                      prometheus:
                        address: http://prometheus:9090
                        query: sum(rate(ok{service="{{args.service}}"}[1m]))
                """);
        kube.createAnalysisTemplate("""
                apiVersion: argoproj.io/v1alpha1
                kind: ClusterAnalysisTemplate
                metadata: {name: latency}
                spec:
                  args:
                  - name: service
                  metrics:
                  - name: latency
                    successCondition: result[0] < 0.5
                    provider:
                      prometheus:
                        address: http://prometheus:9090
                        query: p95{service="{{args.service}}"}
                """);
        kube.takeRequests();
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    private AnalysisGateStep gate(List<Map<String, Object>> templates) {
        return Structs.instantiate(AnalysisGateStep.class, Map.of("name", "smoke", "templates", templates,
                "args", Map.of("service", "web"), "namespace", NS, "credentialsId", "k8s-token",
                "serverUrl", kube.url()));
    }

    private static List<Map<String, Object>> both() {
        return List.of(Map.of("templateName", "success-rate"),
                Map.of("templateName", "latency", "clusterScope", true));
    }

    @Test
    void analysisGateMergesANamespacedAndAClusterTemplateReadWithTheStepsCredential() throws Exception {
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
        AnalysisGateStep step = gate(both());
        assertThat(step.getCredentialsId()).as("flat credentialsId binds to the shared parameter")
                .isEqualTo("k8s-token");
        assertThat(new AnalysisGateStep.Execution(step, context, harness.runtime).start()).isFalse();
        harness.settle();
        harness.advance(Duration.ofMinutes(2));

        assertThat(context.success()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "Successful");
        assertThat(queries).containsExactly("success-rate: sum(rate(ok{service=\"web\"}[1m]))",
                "latency: p95{service=\"web\"}", "success-rate: sum(rate(ok{service=\"web\"}[1m]))");
        assertThat(log.text()).contains("analysis 'smoke': AnalysisTemplate demo/success-rate and"
                + " ClusterAnalysisTemplate latency from KubernetesConnection[token, server=" + kube.url())
                .contains("merged: 2 metric(s)").doesNotContain("agent-token");
        assertThat(kube.takeRequests()).as("read-only: the two templates, nothing written")
                .containsExactly("GET /apis/argoproj.io/v1alpha1/namespaces/demo/analysistemplates/success-rate",
                        "GET /apis/argoproj.io/v1alpha1/clusteranalysistemplates/latency");
    }

    @Test
    void insideNodeTheTemplatesAreReadOnTheAgent() throws Exception {
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars(), new FilePath(agent, "/home/agent/ws"));
        value = 0.5;
        assertThat(new AnalysisGateStep.Execution(gate(both()), context, harness.runtime).start()).isFalse();
        harness.settle();
        harness.advance(Duration.ofMinutes(2));

        assertThat(agent.calls()).as("the template read crossed the agent channel").isGreaterThanOrEqualTo(1);
        assertThat(context.failure()).isInstanceOf(AbortException.class)
                .hasMessageContaining("analysisGate 'smoke': Failed");
        assertThat(log.text()).contains("queries from agent /home/agent/ws");
    }

    @Test
    void aMissingTemplateStopsTheGateBeforeAnyMeasurementNamingIt() throws Exception {
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
        new AnalysisGateStep.Execution(gate(List.of(Map.of("templateName", "success-rate"),
                Map.of("templateName", "error-rate"))), context, harness.runtime).start();
        harness.settle();

        assertThat(context.failure()).hasMessageContaining("templates[1].templateName")
                .hasMessageContaining("AnalysisTemplate demo/error-rate does not exist");
        assertThat(queries).as("nothing measured").isEmpty();
    }

    @Test
    void blueGreenPrePromotionAnalysisByTemplateNameGatesThePromotion() throws Exception {
        FakeBlueGreenCluster cluster = new FakeBlueGreenCluster("payments:2.0");
        Harness blueGreen = new Harness(Harness.START, cluster, (metric, at) -> {
            queries.add(metric.name() + ": " + metric.provider().prometheus().query());
            return MetricValue.vector(List.of(metric.name().equals("latency") ? 0.2 : value));
        }, (id, r) -> id.equals("k8s-token") ? new SecretText("k8s-token", "agent-token") : null);
        Map<String, Object> parameters = new java.util.LinkedHashMap<>(Map.of(
                "namespace", NS, "deployment", "payments", "container", "app", "image", "payments:2.0",
                "activeService", "payments", "previewService", "payments-preview", "autoPromotionSeconds", 0));
        parameters.putAll(Map.of("analysisArgs", Map.of("service", "payments-preview"),
                "prePromotionAnalysis", Map.of("templates", both()),
                "credentialsId", "k8s-token", "serverUrl", kube.url()));
        BlueGreenSwitchStep step = Structs.instantiate(BlueGreenSwitchStep.class, parameters);
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
        assertThat(new BlueGreenSwitchStep.Execution(step, context, blueGreen.runtime).start()).isFalse();
        blueGreen.settle();
        blueGreen.advance(Duration.ofMinutes(5));

        assertThat(queries).contains("success-rate: sum(rate(ok{service=\"payments-preview\"}[1m]))",
                "latency: p95{service=\"payments-preview\"}");
        assertThat(cluster.production()).as("promoted after the templates' analysis passed")
                .isEqualTo(Colour.GREEN);
        assertThat(kube.takeRequests()).allMatch(request -> request.startsWith("GET "));
    }

    @Test
    void aJobMetricOfTheGateRunsWithTheStepsClusterInItsNamespace() throws Exception {
        List<io.jenkins.plugins.progressivedelivery.remote.JobAccess> given = new CopyOnWriteArrayList<>();
        StepRuntime runtime = new StepRuntime(harness.scheduler, harness.io,
                (id, r) -> id.equals("k8s-token") ? new SecretText("k8s-token", "agent-token") : null,
                (where, access, plan) -> null, (where, access, plan) -> null, (where, access, jobs) -> {
                    given.add(jobs);
                    return (metric, at) -> MetricValue.outcome(
                            io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase.SUCCESSFUL,
                            "Job smoke-1 succeeded");
                });
        AnalysisGateStep step = Structs.instantiate(AnalysisGateStep.class, Map.of("name", "smoke",
                "namespace", NS, "credentialsId", "k8s-token", "serverUrl", kube.url(),
                "metrics", List.of(Map.of("name", "smoke", "provider", Map.of("job", Map.of("spec",
                        "template: {spec: {restartPolicy: Never, containers: [{name: t, image: 'smoke:1'}]}}"))))));
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
        new AnalysisGateStep.Execution(step, context, runtime).start();
        harness.settle();

        assertThat(context.success()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "Successful");
        assertThat(given).hasSize(1);
        assertThat(given.get(0).namespace()).isEqualTo(NS);
        assertThat(given.get(0).toString()).contains(kube.url()).doesNotContain("agent-token");
    }

    @Test
    void theConnectionParametersBindFlatOnAllFourStepsAsJenkinsfilesWriteThem() {
        Map<String, Object> connection = Map.of("credentialsId", "k8s", "serverUrl", "https://api:6443",
                "caCertificate", "-----BEGIN CERTIFICATE-----", "context", "prod", "prometheusCredentialsId", "prom",
                "prometheus", "main");
        for (Class<? extends ConnectedStep> type : List.of(CanaryRolloutStep.class, BlueGreenSwitchStep.class,
                DeliveryDoctorStep.class, AnalysisGateStep.class)) {
            ConnectedStep step = Structs.instantiate(type, connection);
            assertThat(List.of(step.getCredentialsId(), step.getServerUrl(), step.getCaCertificate(),
                    step.getContext(), step.getPrometheusCredentialsId(), step.getPrometheus()))
                    .as(type.getSimpleName()).containsExactly("k8s", "https://api:6443",
                            "-----BEGIN CERTIFICATE-----", "prod", "prom", "main");
        }
    }

    @Test
    void aTemplateWithoutAPrometheusAddressUsesTheConfiguredServerAsArgoUsesItsControllersDefault() throws Exception {
        kube.createAnalysisTemplate("""
                apiVersion: argoproj.io/v1alpha1
                kind: AnalysisTemplate
                metadata: {name: no-address, namespace: demo}
                spec:
                  metrics:
                  - name: errors
                    successCondition: result[0] < 1
                    provider:
                      prometheus: {query: "sum(rate(errors[1m]))"}
                """);
        io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec named =
                new io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec(List.of(), List.of(), null, null,
                        List.of(new io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec.TemplateRef(
                                "no-address", null)), null);
        try (io.jenkins.plugins.progressivedelivery.remote.RemoteAnalysisTemplates templates =
                     new io.jenkins.plugins.progressivedelivery.remote.RemoteAnalysisTemplates(
                             io.jenkins.plugins.progressivedelivery.remote.Where.agent(agent, "linux-1"),
                             io.jenkins.plugins.progressivedelivery.remote.ClusterAccess.of(
                                     io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection.token(
                                             kube.url(), "agent-token", null)))) {
            assertThat(templates.resolve(named, NS, "",
                    new io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusDefaults(
                            "https://prometheus.example.com", null, null)).spec().metrics().get(0)
                    .provider().prometheus().address()).isEqualTo("https://prometheus.example.com");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> templates.resolve(named, NS, "", null))
                    .hasMessageContaining("templates[0] (AnalysisTemplate demo/no-address)")
                    .hasMessageContaining("address");
        }
    }

    @Test
    void canaryRolloutReadsItsStepsTemplatesThroughTheSameResolver() throws Exception {
        FakeCluster cluster = new FakeCluster("web:2.0");
        Harness canary = new Harness(cluster, (metric, at) -> {
            queries.add(metric.name() + ": " + metric.provider().prometheus().query());
            return MetricValue.vector(List.of(metric.name().equals("latency") ? 0.2 : value));
        }, (id, r) -> id.equals("k8s-token") ? new SecretText("k8s-token", "agent-token") : null);
        CanaryRolloutStep step = Structs.instantiate(CanaryRolloutStep.class, Map.of("namespace", NS,
                "deployment", "web", "container", "web", "image", "web:2.0", "virtualService", "web",
                "stableService", "web-stable", "canaryService", "web-canary", "credentialsId", "k8s-token",
                "serverUrl", kube.url(), "steps", List.of(Map.of("setWeight", 20),
                        Map.of("analysis", Map.of("templates", both(), "args", List.of(Map.of("name", "service",
                                "value", "web-canary")))), Map.of("setWeight", 100))));
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
        assertThat(new CanaryRolloutStep.Execution(step, context, canary.runtime).start()).isFalse();
        canary.settle();
        canary.advance(Duration.ofMinutes(5));

        assertThat(queries).contains("success-rate: sum(rate(ok{service=\"web-canary\"}[1m]))",
                "latency: p95{service=\"web-canary\"}");
        assertThat(kube.takeRequests()).allMatch(request -> request.startsWith("GET "));
    }
}
