package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Result;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each of Argo Rollouts' example templates ({@code ../shared/argo-analysis-templates}, read where they are, never
 * copied) through {@code analysisGate}: as a {@code templateFile} in the workspace, and by name from the cluster
 * ({@code templates:}) after {@code kubectl apply} of the same file. Measurements are scripted (the engine's
 * ArgoExamplesTest runs them against a real Prometheus): 0.99 for every Prometheus query, {@code {"Status":0}} for
 * the web provider, Successful for Jobs. What a user notices is asserted: the verdict, when it came, the build result.
 */
class AnalysisGateArgoExamplesTest {
    private static final Path DIR = Path.of(System.getProperty("argo.templates.dir",
            "../../shared/argo-analysis-templates")).toAbsolutePath().normalize();

    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    private final List<String> measured = new CopyOnWriteArrayList<>();
    private final Harness harness = new Harness(new FakeCluster("unused"), (metric, at) -> {
        measured.add(metric.name());
        if (metric.provider().web() != null) {
            return MetricValue.document("{\"Status\":0}");
        }
        if (metric.provider().job() != null) {
            return MetricValue.outcome(AnalysisPhase.SUCCESSFUL, "Job succeeded");
        }
        return MetricValue.vector(List.of(0.99));
    }, (id, r) -> id.equals("k8s-token") ? new SecretText("k8s-token", "t") : null);

    /**
     * @param verdict what the gate returns within 30 minutes, or {@code until stopped} (background templates: no
     *                count, measured until the build stops the step), or {@code refused: <message>}
     */
    @ParameterizedTest(name = "{0} by {1}")
    @CsvSource(delimiter = '|', textBlock = """
            01-docs-background-success-rate.yaml               | file    | service-name=web                          | until stopped
            01-docs-background-success-rate.yaml               | cluster | service-name=web                          | until stopped
            02-docs-inline-success-rate-single-measurement.yaml | file    | service-name=web                          | Successful
            02-docs-inline-success-rate-single-measurement.yaml | cluster | service-name=web                          | Successful
            03-docs-multiple-templates-success-and-error-rate.yaml | file | service-name=web                         | Failed
            03-docs-multiple-templates-success-and-error-rate.yaml | cluster | service-name=web                      | Failed
            04-docs-prometheus-success-rate-timeout-headers.yaml | file  | service-name=web                          | until stopped
            04-docs-prometheus-success-rate-timeout-headers.yaml | cluster | service-name=web                        | until stopped
            05-docs-prometheus-range-query-latency.yaml        | file    | service-name=web,lookback-duration=10m    | Successful
            05-docs-prometheus-range-query-latency.yaml        | cluster | service-name=web,lookback-duration=10m    | Successful
            06-examples-appmesh-success-rate.yaml              | file    | envoy_cluster_name=web                    | until stopped
            06-examples-appmesh-success-rate.yaml              | cluster | envoy_cluster_name=web                    | until stopped
            07-e2e-analysisrun-prometheus-bad-server.yaml      | file    |                                           | refused: query
            08-docs-fragment-total-errors-failure-limit.yaml   | file    |                                           | refused: metrics[0]
            09-e2e-web-background-inconclusive.yaml            | file    |                                           | Inconclusive
            09-e2e-web-background-inconclusive.yaml            | cluster |                                           | Inconclusive
            10-examples-job-pass-and-random-fail.yaml          | file    |                                           | Successful
            10-examples-job-pass-and-random-fail.yaml          | cluster |                                           | Successful
            """)
    void everyExampleThroughAnalysisGate(String file, String source, String args, String verdict) throws Exception {
        assumeTrue(Files.isDirectory(DIR), "Argo's example templates are not at " + DIR);
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars(), new FilePath(DIR.toFile()));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("name", file.substring(0, 2));
        if (args != null) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (String pair : args.split(",")) {
                values.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            parameters.put("args", values);
        }
        try (MockKubernetes kube = new MockKubernetes()) {
            if (source.equals("file")) {
                parameters.put("templateFile", file);
            } else {
                parameters.put("templates", apply(kube, DIR.resolve(file)));
                parameters.put("namespace", "demo");
                parameters.put("credentialsId", "k8s-token");
                parameters.put("serverUrl", kube.url());
            }
            AnalysisGateStep step = Structs.instantiate(AnalysisGateStep.class, parameters);
            AnalysisGateStep.Execution execution = new AnalysisGateStep.Execution(step, context, harness.runtime);
            execution.start();
            harness.settle();
            harness.advance(Duration.ofMinutes(30));

            if (verdict.startsWith("refused: ")) {
                assertThat(context.failure()).as(log.text()).hasMessageContaining(verdict.substring(9));
                assertThat(measured).as("nothing measured").isEmpty();
                return;
            }
            if (verdict.equals("until stopped")) {
                assertThat(context.completions()).as("a background template measures until stopped: " + log.text())
                        .isZero();
                assertThat(measured).hasSizeGreaterThanOrEqualTo(7);
                execution.stop(new FlowInterruptedException(Result.ABORTED));
                harness.settle();
                assertThat(context.completions()).as("the step ends when the build stops it").isEqualTo(1);
                return;
            }
            assertThat(context.failure() == null ? null : context.failure().getMessage()).as(log.text())
                    .satisfiesAnyOf(message -> assertThat(message).isNull(),
                            message -> assertThat(message).contains(": " + verdict));
            if (context.failure() == null) {
                assertThat(context.success()).as(log.text()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                        .containsEntry("verdict", verdict);
            }
            assertThat(run.getResult()).isEqualTo(verdict.equals("Inconclusive") ? Result.UNSTABLE : null);
            assertThat(log.text()).contains("analysis '" + file.substring(0, 2) + "': " + verdict);
        }
    }

    /** {@code kubectl apply -f FILE -n demo}: each template of the file, and the references to them. */
    private static List<Map<String, Object>> apply(MockKubernetes kube, Path file) throws Exception {
        List<Map<String, Object>> references = new ArrayList<>();
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("#"))) {
                continue;
            }
            GenericKubernetesResource template = Serialization.unmarshal(document, GenericKubernetesResource.class);
            boolean cluster = "ClusterAnalysisTemplate".equals(template.getKind());
            if (!cluster) {
                template.getMetadata().setNamespace("demo");
            }
            kube.createAnalysisTemplate(Serialization.asYaml(template));
            Map<String, Object> reference = new LinkedHashMap<>();
            reference.put("templateName", template.getMetadata().getName());
            if (cluster) {
                reference.put("clusterScope", true);
            }
            references.add(reference);
        }
        return references;
    }
}
