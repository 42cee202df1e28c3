package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.EnvVars;
import io.jenkins.plugins.progressivedelivery.config.ProgressiveDeliveryConfiguration;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialLookup;
import io.jenkins.plugins.progressivedelivery.config.SystemPage;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.fakes.FakeBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import io.jenkins.plugins.progressivedelivery.remote.PrometheusAccess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus server of Manage Jenkins » System (URL, timeout, default headers, credential, CA) applies to the
 * metrics of AnalysisTemplates read from the cluster ({@code templates: [[templateName: ...]]}) exactly as to the
 * metrics written in the Jenkinsfile, in {@code canaryRollout}, {@code blueGreenSwitch} and {@code analysisGate}:
 * asserted on the query the engine measures and the credential it measures with.
 */
class TemplateServerDefaultsTest {
    private static final String NS = "demo";
    private static final String SERVER = "https://prometheus.example.com";
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    private static final String TENANT_KEY = "tenant-key-7f3a9c"; // a header value no log line may show

    private final MockKubernetes kube = new MockKubernetes();
    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    /** What was measured, by metric name: the Prometheus query as the engine sent it. */
    private final Map<String, PrometheusSpec> measured = new ConcurrentHashMap<>();
    private final List<PrometheusAccess> accesses = new CopyOnWriteArrayList<>();
    private SystemPage systemPage;

    @BeforeEach
    void configure() throws Exception {
        ProgressiveDeliveryConfiguration config = new ProgressiveDeliveryConfiguration();
        Structs.inject(config, Map.of("prometheusServers", List.of(Map.of("name", "prod", "url", SERVER,
                "credentialsId", "prom-token", "caCertificate", CA, "timeout", "10s",
                "headers", List.of(Map.of("key", "X-Scope-OrgID", "value", "shop"),
                        Map.of("key", "X-Tenant-Key", "value", TENANT_KEY))))));
        systemPage = SystemPage.configured(config);
        // a template written for Argo's controller default: no address, no timeout, no headers
        kube.createAnalysisTemplate("""
                apiVersion: argoproj.io/v1alpha1
                kind: AnalysisTemplate
                metadata: {name: errors, namespace: demo}
                spec:
                  metrics:
                  - name: errors
                    successCondition: result[0] < 1
                    provider:
                      prometheus: {query: "sum(rate(errors[1m]))"}
                """);
        // one that says its own timeout and tenant, to the configured server by its address
        kube.createAnalysisTemplate("""
                apiVersion: argoproj.io/v1alpha1
                kind: ClusterAnalysisTemplate
                metadata: {name: latency}
                spec:
                  metrics:
                  - name: latency
                    successCondition: result[0] < 0.5
                    provider:
                      prometheus:
                        address: https://prometheus.example.com
                        query: p95
                        timeout: 3s
                        headers: [{key: x-scope-orgid, value: payments}]
                """);
        kube.takeRequests();
    }

    @AfterEach
    void stop() {
        systemPage.close();
        kube.close();
    }

    private static List<Map<String, Object>> templates() {
        return List.of(Map.of("templateName", "errors"), Map.of("templateName", "latency", "clusterScope", true));
    }

    /** A metric written in the Jenkinsfile, with no address: the configured server's. */
    private static Map<String, Object> inline() {
        return Map.of("name", "inline", "successCondition", "result[0] < 1",
                "provider", Map.of("prometheus", Map.of("query", "sum(rate(inline[1m]))")));
    }

    /** The step's runtime: on {@code harness}' clock, measuring into {@link #measured}, credentials looked up. */
    private StepRuntime runtime;

    private Harness harness(FakeCluster canary, FakeBlueGreenCluster blueGreen) {
        MeasurementSource source = (metric, at) -> {
            measured.put(metric.name(), metric.provider().prometheus());
            return MetricValue.vector(List.of(0.0));
        };
        CredentialLookup credentials = (id, r) -> new SecretText(id, "secret-of-" + id);
        Harness harness = new Harness((where, access, plan) -> canary, (where, access, plan) -> blueGreen, source,
                credentials);
        runtime = new StepRuntime(harness.scheduler, harness.io, credentials, (where, access, plan) -> canary,
                (where, access, plan) -> blueGreen, (where, access, jobs) -> {
                    accesses.add(access);
                    return source;
                });
        return harness;
    }

    @Test
    void canaryRolloutTemplateMetricsGetTheServersTimeoutAndHeadersAsJenkinsfileMetricsDo() throws Exception {
        Harness harness = harness(new FakeCluster("web:2.0"), null);
        Map<String, Object> parameters = new LinkedHashMap<>(Map.of("namespace", NS, "deployment", "web",
                "container", "web", "image", "web:2.0", "virtualService", "web", "stableService", "web-stable",
                "canaryService", "web-canary", "credentialsId", "k8s-token", "serverUrl", kube.url()));
        parameters.put("steps", List.of(Map.of("setWeight", 20), Map.of("analysis", Map.of("templates", templates())),
                Map.of("analysis", Map.of("metrics", List.of(inline()))), Map.of("setWeight", 100)));
        CanaryRolloutStep step = Structs.instantiate(CanaryRolloutStep.class, parameters);
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
        assertThat(new CanaryRolloutStep.Execution(step, context, runtime).start()).isFalse();
        harness.settle();
        harness.advance(Duration.ofMinutes(5));

        assertServerDefaultsApplied();
    }

    @Test
    void blueGreenTemplateMetricsGetTheServersTimeoutAndHeadersAsJenkinsfileMetricsDo() throws Exception {
        FakeBlueGreenCluster cluster = new FakeBlueGreenCluster("payments:2.0");
        Harness harness = harness(null, cluster);
        Map<String, Object> parameters = new LinkedHashMap<>(Map.of("namespace", NS, "deployment", "payments",
                "container", "app", "image", "payments:2.0", "activeService", "payments",
                "previewService", "payments-preview", "autoPromotionSeconds", 0, "credentialsId", "k8s-token",
                "serverUrl", kube.url()));
        parameters.put("prePromotionAnalysis", Map.of("templates", templates()));
        parameters.put("postPromotionAnalysis", Map.of("metrics", List.of(inline())));
        BlueGreenSwitchStep step = Structs.instantiate(BlueGreenSwitchStep.class, parameters);
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
        assertThat(new BlueGreenSwitchStep.Execution(step, context, runtime).start()).isFalse();
        harness.settle();
        harness.advance(Duration.ofMinutes(5));

        assertServerDefaultsApplied();
    }

    @Test
    void analysisGateTemplateMetricsGetTheServersTimeoutAndHeadersAsJenkinsfileMetricsDo() throws Exception {
        Harness harness = harness(null, null);
        AnalysisGateStep gate = Structs.instantiate(AnalysisGateStep.class, Map.of("name", "smoke",
                "templates", templates(), "namespace", NS, "credentialsId", "k8s-token", "serverUrl", kube.url()));
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
        assertThat(new AnalysisGateStep.Execution(gate, context, runtime).start()).isFalse();
        harness.settle();
        AnalysisGateStep inlineGate = Structs.instantiate(AnalysisGateStep.class, Map.of("name", "inline",
                "metrics", List.of(inline())));
        FakeStepContext inlineContext = new FakeStepContext(run, log, new EnvVars());
        assertThat(new AnalysisGateStep.Execution(inlineGate, inlineContext, runtime).start()).isFalse();
        harness.settle();

        assertThat(context.success()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "Successful");
        assertServerDefaultsApplied();
    }

    @Test
    void aTemplateFileOfSeveralTemplatesGetsTheServerOnEachAsOneTemplateDoes(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path workspace) throws Exception {
        java.nio.file.Files.writeString(workspace.resolve("several.yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: AnalysisTemplate
                metadata: {name: errors}
                spec:
                  metrics:
                  - name: errors
                    successCondition: result[0] < 1
                    provider:
                      prometheus: {query: "sum(rate(errors[1m]))"}
                ---
                apiVersion: argoproj.io/v1alpha1
                kind: AnalysisTemplate
                metadata: {name: latency}
                spec:
                  metrics:
                  - name: latency
                    successCondition: result[0] < 0.5
                    provider:
                      prometheus:
                        address: https://prometheus.example.com
                        query: p95
                        timeout: 3s
                        headers: [{key: x-scope-orgid, value: payments}]
                """);
        java.nio.file.Files.writeString(workspace.resolve("one.yaml"), """
                kind: AnalysisTemplate
                spec:
                  metrics:
                  - name: inline
                    successCondition: result[0] < 1
                    provider:
                      prometheus: {query: "sum(rate(inline[1m]))"}
                """);
        Harness harness = harness(null, null);
        for (String file : List.of("several.yaml", "one.yaml")) {
            AnalysisGateStep gate = Structs.instantiate(AnalysisGateStep.class, Map.of("name", file,
                    "templateFile", file));
            FakeStepContext context = new FakeStepContext(run, log, new EnvVars(),
                    new hudson.FilePath(workspace.toFile()));
            assertThat(new AnalysisGateStep.Execution(gate, context, runtime).start()).isFalse();
            harness.settle();
            assertThat(context.success()).as(file).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("verdict", "Successful");
        }

        assertServerDefaultsApplied();
    }

    private void assertServerDefaultsApplied() {
        List<PrometheusSpec.Header> serverHeaders = List.of(new PrometheusSpec.Header("X-Scope-OrgID", "shop"),
                new PrometheusSpec.Header("X-Tenant-Key", TENANT_KEY));
        assertThat(measured).containsOnlyKeys("errors", "latency", "inline");
        assertThat(measured.get("inline")).as("the Jenkinsfile's metric: the server's address, timeout, headers")
                .extracting(PrometheusSpec::address, PrometheusSpec::timeout, PrometheusSpec::headers)
                .containsExactly(SERVER, Duration.ofSeconds(10), serverHeaders);
        assertThat(measured.get("errors")).as("the template's metric that says nothing: the same")
                .extracting(PrometheusSpec::address, PrometheusSpec::timeout, PrometheusSpec::headers)
                .containsExactly(SERVER, Duration.ofSeconds(10), serverHeaders);
        assertThat(measured.get("latency")).as("the template's own timeout and header win (header names in any case)")
                .extracting(PrometheusSpec::address, PrometheusSpec::timeout, PrometheusSpec::headers)
                .containsExactly(SERVER, Duration.ofSeconds(3), List.of(
                        new PrometheusSpec.Header("X-Tenant-Key", TENANT_KEY),
                        new PrometheusSpec.Header("x-scope-orgid", "payments")));
        assertThat(accesses).as("measured with the server's credential and CA").isNotEmpty()
                .allSatisfy(access -> assertThat(access).extracting(PrometheusAccess::bearerToken,
                        PrometheusAccess::caCertificatePem).containsExactly("secret-of-prom-token", CA));
        assertThat(log.text()).as("no header value, no secret in the build log").doesNotContain(TENANT_KEY)
                .doesNotContain("secret-of-");
    }
}
