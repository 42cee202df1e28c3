package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus.ISTIO_SERVICE;
import static io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.plan.WebSpec;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Argo Rollouts' own example templates ({@code ../shared/argo-analysis-templates}, read unchanged, never copied),
 * loaded as a migrating user loads them and run through the real engine: against the real, backfilled Prometheus,
 * and for the web example against a local HTTP server. The only change is where requests go: the templates name
 * hosts such as {@code prometheus.example.com}, which this source sends to the local servers (as DNS would).
 */
class ArgoExamplesTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();

    private static final Path DIR = Path.of(System.getProperty("argo.templates.dir",
            "../../shared/argo-analysis-templates"));
    private static HttpServer web;
    private static final List<String> webRequests = new CopyOnWriteArrayList<>();

    private final ManualScheduler scheduler = new ManualScheduler(T0);
    private final AuditTrail audit = new AuditTrail();
    private final List<AnalysisResult> completed = new ArrayList<>();
    private final List<MetricSpec> asked = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startWebServer() throws IOException {
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/resolve", exchange -> {
            webRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] body = "{\"Status\":0,\"TC\":false,\"Question\":[{\"name\":\"google.com.\",\"type\":1}],\"Answer\":[{\"data\":\"142.250.1.1\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
    }

    @AfterAll
    static void stopWebServer() {
        web.stop(0);
    }

    private static String read(String file) throws IOException {
        assumeTrue(Files.isDirectory(DIR), "Argo's example templates are not at " + DIR);
        return Files.readString(DIR.resolve(file));
    }

    /** Sends every Prometheus and web request of a metric to the local servers, leaving the spec as loaded. */
    private MeasurementSource routedToLocalServers() {
        ProviderMeasurementSource real = new ProviderMeasurementSource(PrometheusAuth.none());
        return (metric, at) -> {
            asked.add(metric);
            MetricProviderSpec provider = metric.provider();
            MetricProviderSpec local = provider;
            if (provider.prometheus() != null) {
                PrometheusSpec p = provider.prometheus();
                local = new MetricProviderSpec(new PrometheusSpec(PROMETHEUS.url(), p.query(), p.timeout(), p.headers(),
                        p.rangeQuery()));
            } else if (provider.web() != null) {
                WebSpec w = provider.web();
                URI original = URI.create(w.url());
                String url = "http://127.0.0.1:" + web.getAddress().getPort() + original.getRawPath()
                        + (original.getRawQuery() == null ? "" : "?" + original.getRawQuery());
                local = new MetricProviderSpec(null, w.withRequest(url, w.headers(), w.body()), null);
            }
            return real.measure(metric.withConditionsAndProvider(metric.successCondition(), metric.failureCondition(),
                    local), at);
        };
    }

    private AnalysisRun run(String name, AnalysisSpec loaded, Map<String, String> args) {
        AnalysisSpec resolved = Arguments.resolve(loaded, args);
        return AnalysisRun.start(name, resolved, routedToLocalServers(), scheduler, Runnable::run, audit,
                completed::add);
    }

    private static List<String> stepProblems(AnalysisSpec spec) {
        return AnalysisValidation.validate(spec, "steps[1].analysis", true).stream().map(ValidationError::toString)
                .toList();
    }

    private MetricResult metric(AnalysisRun run, String name) {
        return run.result().metric(name).orElseThrow();
    }

    @Test
    void backgroundSuccessRateMeasuresEveryFiveMinutesUntilStopped() throws IOException {
        AnalysisSpec spec = PlanLoader.loadAnalysis(read("01-docs-background-success-rate.yaml"), "01");
        AnalysisRun run = run("01", spec, Map.of("service-name", ISTIO_SERVICE));

        scheduler.advance(Duration.ofMinutes(30));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.RUNNING);
        assertThat(metric(run, "success-rate").successful()).isEqualTo(7);
        assertThat(metric(run, "success-rate").measurements().get(0).value()).hasToString("[0.99]");
        run.terminate("rollout finished");
        assertThat(completed).extracting(AnalysisResult::phase).containsExactly(AnalysisPhase.SUCCESSFUL);
        // as an inline step, Argo refuses a metric that runs indefinitely; so does the engine
        assertThat(stepProblems(spec)).singleElement().asString().contains("metrics[0].count")
                .contains("background analysis");
    }

    @Test
    void singleMeasurementWithTheArgumentDefaultInTheAddress() throws IOException {
        AnalysisSpec spec = PlanLoader.loadAnalysis(read("02-docs-inline-success-rate-single-measurement.yaml"), "02");
        assertThat(spec.args().get(1).value()).isEqualTo("9090");
        AnalysisRun run = run("02", spec, Map.of("service-name", ISTIO_SERVICE));

        scheduler.runDue();

        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(asked).extracting(m -> m.provider().prometheus().address())
                .containsExactly("http://prometheus.example.com:9090");
        assertThat(stepProblems(spec)).isEmpty();
        // a run argument may not send the query (and its credentials) to another host
        assertThatThrownBy(() -> Arguments.resolve(spec, Map.of("service-name", "x", "prometheus-port",
                "9090@evil.example")))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("evil.example");
    }

    @Test
    void twoTemplatesInOneFileAreMergedIntoOneRunAndMeasuredTogether() throws IOException {
        AnalysisSpec spec = PlanLoader.loadAnalysis(read("03-docs-multiple-templates-success-and-error-rate.yaml"),
                "03");
        assertThat(spec.metrics()).extracting(MetricSpec::name).containsExactly("success-rate", "error-rate");
        assertThat(spec.args()).hasSize(1);
        AnalysisRun run = run("03", spec, Map.of("service-name", ISTIO_SERVICE));

        scheduler.advance(Duration.ofMinutes(10));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.RUNNING);
        assertThat(metric(run, "success-rate").measurements()).extracting(Measurement::startedAt)
                .containsExactly(T0, T0.plusSeconds(300), T0.plusSeconds(600));
        assertThat(metric(run, "error-rate").measurements()).extracting(Measurement::startedAt)
                .containsExactly(T0, T0.plusSeconds(300), T0.plusSeconds(600));
        assertThat(metric(run, "error-rate").measurements().get(0).value()).hasToString("[0.01]");
        run.terminate("done");
        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    }

    @Test
    void timeoutInSecondsAndATenantHeader() throws IOException {
        AnalysisSpec spec = PlanLoader.loadAnalysis(read("04-docs-prometheus-success-rate-timeout-headers.yaml"), "04");
        PrometheusSpec prometheus = spec.metrics().get(0).provider().prometheus();
        assertThat(prometheus.effectiveTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(prometheus.headers()).containsExactly(new PrometheusSpec.Header("X-Scope-OrgID", "tenant_a"));
        AnalysisRun run = run("04", spec, Map.of("service-name", ISTIO_SERVICE));

        scheduler.advance(Duration.ofMinutes(5));

        assertThat(metric(run, "success-rate").successful()).isEqualTo(2);
    }

    @Test
    void rangeQueryWithExprTimesAndAnAllPredicate() throws IOException {
        AnalysisSpec spec = PlanLoader.loadAnalysis(read("05-docs-prometheus-range-query-latency.yaml"), "05");
        AnalysisRun run = run("05", spec, Map.of("service-name", "checkout"));

        scheduler.runDue();

        assertThat(run.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        // now() - duration("5m") to now(), step 1m: six points, flattened
        assertThat(metric(run, "success-rate").measurements().get(0).value())
                .hasToString("[120,120,120,120,120,120]");
        assertThat(stepProblems(spec)).isEmpty();
    }

    @Test
    void appMeshSuccessRate() throws IOException {
        AnalysisSpec spec = PlanLoader.loadAnalysis(read("06-examples-appmesh-success-rate.yaml"), "06");
        AnalysisRun run = run("06", spec, Map.of("envoy_cluster_name", "checkout"));

        scheduler.advance(Duration.ofMinutes(15));

        assertThat(metric(run, "success-rate").successful()).isEqualTo(4);
        assertThat(metric(run, "success-rate").measurements().get(0).value()).hasToString("[0.995]");
    }

    @Test
    void anAnalysisRunWithoutAQueryIsRefusedWhenLoadedInsteadOfErringForFortySeconds() throws IOException {
        // Argo: 5 Error measurements 10 s apart, then Error. Here the mistake is reported before the build runs it.
        String run = read("07-e2e-analysisrun-prometheus-bad-server.yaml");
        assertThatThrownBy(() -> PlanLoader.loadAnalysis(run, "07"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("spec.metrics[0].provider.prometheus.query: is empty");
    }

    @Test
    void aMetricsFragmentJoinsTheTemplateThatDeclaresItsArguments() throws IOException {
        // the docs' fragment uses {{args.service-name}}, declared by the template it is part of
        AnalysisSpec spec = PlanLoader.loadAnalysis(read("01-docs-background-success-rate.yaml") + "\n---\n"
                + read("08-docs-fragment-total-errors-failure-limit.yaml"), "01+08");
        AnalysisRun run = run("08", spec, Map.of("service-name", ISTIO_SERVICE));

        scheduler.advance(Duration.ofMinutes(20));

        // 1 error per second is below the failureCondition result[0] >= 10
        assertThat(metric(run, "total-errors").successful()).isEqualTo(5);
        assertThat(run.phase()).isEqualTo(AnalysisPhase.RUNNING);
        assertThatThrownBy(() -> PlanLoader.loadAnalysis(read("08-docs-fragment-total-errors-failure-limit.yaml"),
                "08")).hasMessageContaining("args.service-name, which is not declared");
    }

    @Test
    void webMetricWhoseConditionsNeverHoldIsInconclusiveOnTheFourthMeasurement() throws IOException {
        AnalysisSpec spec = PlanLoader.loadAnalysis(read("09-e2e-web-background-inconclusive.yaml"), "09");
        AnalysisRun run = run("09", spec, Map.of());

        scheduler.advance(Duration.ofMinutes(1));

        assertThat(run.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        MetricResult result = metric(run, "web");
        assertThat(result.inconclusive()).isEqualTo(4);
        assertThat(result.measurements()).extracting(Measurement::startedAt)
                .containsExactly(T0, T0.plusSeconds(5), T0.plusSeconds(10), T0.plusSeconds(15));
        assertThat(webRequests).contains("GET /resolve?name=google.com");
        assertThat(result.measurements().get(0).value().toString()).startsWith("{\"Status\":0");
    }

    @Test
    void jobTemplatesLoadAsTwoMergedMetricsAndMayGateAStep() throws IOException {
        // run against a Kubernetes API in JobProviderTest; here: they load, merge and are valid as a step
        AnalysisSpec spec = PlanLoader.loadAnalysis(read("10-examples-job-pass-and-random-fail.yaml"), "10");
        assertThat(spec.metrics()).extracting(MetricSpec::name).containsExactly("pass", "random-fail");
        assertThat(spec.metrics().get(1).provider().job().spec()).contains("\"backoffLimit\":0");
        // the plan holds only JDK value types, so it crosses an agent channel and Jenkins' class filter
        assertThat(PlanLoader.loadAnalysis(PlanLoader.toYaml(spec), "round trip")).isEqualTo(spec);
        assertThat(stepProblems(spec)).isEmpty();
    }
}
