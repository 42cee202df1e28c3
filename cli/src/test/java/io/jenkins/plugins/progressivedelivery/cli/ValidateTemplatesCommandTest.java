package io.jenkins.plugins.progressivedelivery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code validate} against the cluster: the AnalysisTemplates a plan names are read (GET only, the server's request
 * log says so) and every problem of each is reported in one list; without the cluster, what was not checked is said.
 */
class ValidateTemplatesCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()), false);
        server.init();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(server.url("/"))
                .withOauthToken("fixture").build()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private void create(String yaml) {
        GenericKubernetesResource template = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        boolean cluster = "ClusterAnalysisTemplate".equals(template.getKind());
        ResourceDefinitionContext type = new ResourceDefinitionContext.Builder().withGroup("argoproj.io")
                .withVersion("v1alpha1").withKind(template.getKind())
                .withPlural(cluster ? "clusteranalysistemplates" : "analysistemplates").withNamespaced(!cluster)
                .build();
        if (cluster) {
            client.genericKubernetesResources(type).resource(template).create();
        } else {
            client.genericKubernetesResources(type).inNamespace("demo").resource(template).create();
        }
    }

    private List<String> requests() throws InterruptedException {
        List<String> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            requests.add(request.getMethod() + " " + request.getPath());
        }
        return requests;
    }

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path kubeconfig(Path dir) throws Exception {
        return Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n"
                + "clusters:\n- name: mock\n  cluster:\n    server: " + server.url("/") + "\n"
                + "users:\n- name: ci\n  user: {token: validate-token}\n"
                + "contexts:\n- name: mock\n  context: {cluster: mock, user: ci, namespace: demo}\n"
                + "current-context: mock\n");
    }

    private static final String PLAN = """
            target: {namespace: demo, deployment: web, container: web, image: "web:2.0"}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            steps:
              - setWeight: 20
              - analysis:
                  templates:
                    - templateName: success-rate
                    - templateName: latency
                      clusterScope: true
                    - templateName: error-rate
                  args:
                    - name: service
                      value: web-canary
              - setWeight: 100
            """;

    @Test
    void everyProblemOfEveryTemplateInOneListReadOnlyExit2(@TempDir Path dir) throws Exception {
        create("""
                apiVersion: argoproj.io/v1alpha1
                kind: AnalysisTemplate
                metadata: {name: success-rate}
                spec:
                  args: [{name: service}]
                  metrics:
                  - name: success-rate
                    interval: 1m
                    count: 2
                    failureLimit: 3
                    successCondition: result[0] >= 0.99 &&
                    provider:
                      prometheus: {address: "ftp://prometheus:9090", query: "ok{service='{{args.service}}'}"}
                """);
        create("""
                apiVersion: argoproj.io/v1alpha1
                kind: ClusterAnalysisTemplate
                metadata: {name: latency}
                spec:
                  args: [{name: service}, {name: quantile}]
                  metrics:
                  - name: latency
                    successCondition: result[0] < 0.5
                    provider:
                      prometheus: {address: "http://prometheus:9090", query: "p{{args.quantile}}{service='{{args.service}}'}"}
                """);
        Path plan = Files.writeString(dir.resolve("canary.yaml"), PLAN);
        requests();

        int exit = run("validate", plan.toString(), "--kubeconfig", kubeconfig(dir).toString());

        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("canary.yaml is invalid")
                .contains("steps[1].analysis.templates[0] (AnalysisTemplate demo/success-rate) metrics[0]"
                        + ".successCondition")
                .contains("steps[1].analysis.templates[0] (AnalysisTemplate demo/success-rate) metrics[0]"
                        + ".provider.prometheus.address")
                .contains("steps[1].analysis.templates[0] (AnalysisTemplate demo/success-rate) metrics[0]"
                        + ".failureLimit")
                .contains("steps[1].analysis.templates[2].templateName: AnalysisTemplate demo/error-rate does not"
                        + " exist");
        assertThat(requests()).as("validate only reads").isNotEmpty()
                .allMatch(request -> request.startsWith("GET "))
                .contains("GET /apis/argoproj.io/v1alpha1/namespaces/demo/analysistemplates/success-rate",
                        "GET /apis/argoproj.io/v1alpha1/clusteranalysistemplates/latency",
                        "GET /apis/argoproj.io/v1alpha1/namespaces/demo/analysistemplates/error-rate");
    }

    @Test
    void whenEveryTemplateLoadsTheMergedAnalysisAndItsArgumentsAreChecked(@TempDir Path dir) throws Exception {
        create("""
                apiVersion: argoproj.io/v1alpha1
                kind: ClusterAnalysisTemplate
                metadata: {name: latency}
                spec:
                  args: [{name: service}, {name: quantile}]
                  metrics:
                  - name: latency
                    interval: 1m
                    successCondition: result[0] < 0.5
                    provider:
                      prometheus: {address: "http://prometheus:9090", query: "p{{args.quantile}}{service='{{args.service}}'}"}
                """);
        Path plan = Files.writeString(dir.resolve("canary.yaml"), PLAN
                .replace("        - templateName: success-rate\n", "")
                .replace("        - templateName: error-rate\n", ""));
        assertThat(Files.readString(plan)).doesNotContain("error-rate").contains("clusterScope: true");

        int exit = run("validate", plan.toString(), "--kubeconfig", kubeconfig(dir).toString());

        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("steps[1].analysis.metrics[0].count")
                .contains("args.quantile has no value");

        err.getBuffer().setLength(0);
        int withArgs = run("validate", plan.toString(), "--kubeconfig", kubeconfig(dir).toString(),
                "--arg", "quantile=99", "--arg", "quantil=95");
        assertThat(withArgs).isEqualTo(2);
        assertThat(err.toString()).doesNotContain("args.quantile has no value")
                .contains("--arg quantil: is not declared by any analysis of the plan (declared: quantile, service)");

    }

    @Test
    void withoutTheClusterItSaysWhichReferencesItCouldNotCheck(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("canary.yaml"), PLAN);
        requests();

        int exit = run("validate", plan.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("valid as far as it can be checked without the cluster")
                .contains("steps[1].analysis.templates[0]: AnalysisTemplate demo/success-rate")
                .contains("steps[1].analysis.templates[1]: ClusterAnalysisTemplate latency")
                .contains("give --kubeconfig FILE or --context NAME");
        assertThat(requests()).as("no cluster touched").isEmpty();
    }

    @Test
    void anUnreachableClusterIsNotAnInvalidPlan(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("canary.yaml"), PLAN);
        Path kubeconfig = kubeconfig(dir);
        stop();

        int exit = run("validate", plan.toString(), "--kubeconfig", kubeconfig.toString());

        assertThat(exit).as(out.toString()).isEqualTo(ValidateCommand.UNCHECKED);
        assertThat(err.toString()).contains("not every AnalysisTemplate could be read")
                .contains("steps[1].analysis.templates[0].templateName");
        start();
    }
}
