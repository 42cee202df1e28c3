package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.fakes.ModelWalk;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import io.jenkins.plugins.progressivedelivery.parameters.PauseStep;
import io.jenkins.plugins.progressivedelivery.parameters.SetWeightStep;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The steps' parameters as Pipeline binds them (structs' {@code DescribableModel}, emulated by {@link Structs}): every
 * Jenkinsfile literal that bound before still binds, the symbol forms the Snippet Generator writes bind to the same
 * plan, and the graph has nothing structs cannot describe.
 */
class StepParametersTest {
    private static final String QUERY = "sum(rate(http_requests_total{service=\"{{args.service}}\"}[2m]))";

    @Test
    void structsCanDescribeEveryParameterOfEveryStep() {
        for (Class<?> step : List.of(CanaryRolloutStep.class, BlueGreenSwitchStep.class, AnalysisGateStep.class)) {
            assertThat(ModelWalk.problems(step)).as(step.getSimpleName()).isEmpty();
        }
        assertThat(ModelWalk.types(CanaryRolloutStep.class)).extracting(Class::getSimpleName)
                .contains("SetWeightStep", "PauseStep", "AnalysisStep", "Metric", "PrometheusQuery",
                        "AnalysisArgument", "HttpHeader", "PodLabel", "JudgeStep", "JudgeMetric", "SetHeaderRouteStep",
                        "SetMirrorRouteStep", "SetCanaryScaleStep", "HeaderMatch", "RouteMatch", "StringMatch",
                        "WebQuery", "JobQuery", "RangeQuery", "AnalysisTemplateRef", "DryRunMetric",
                        "MeasurementRetention", "BackgroundAnalysis", "BuiltinMetrics", "RequestMetric",
                        "GatewayApiRoute", "NginxIngress", "Hooks", "Hook", "Webhook", "DoctorOptions",
                        "TrafficVolume");
        assertThat(ModelWalk.types(BlueGreenSwitchStep.class)).extracting(Class::getSimpleName)
                .contains("BlueGreenGatewayApiRoute", "Hooks", "DoctorOptions");
    }

    @Test
    void everyDescribedTypeHasAFormAndHelp() {
        for (Class<?> step : List.of(CanaryRolloutStep.class, BlueGreenSwitchStep.class, AnalysisGateStep.class)) {
            for (Class<?> type : ModelWalk.types(step)) {
                assertThat(type.getResource(type.getSimpleName() + "/config.jelly")).as(type + " config.jelly")
                        .isNotNull();
            }
        }
    }

    /** The canary of the root Jenkinsfile, as its literal maps. */
    private static Map<String, Object> rootJenkinsfileCanary() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("namespace", "shop");
        args.put("deployment", "checkout");
        args.put("container", "app");
        args.put("image", "registry.example.com/shop/checkout:2.4.1");
        args.put("virtualService", "checkout");
        args.put("route", "primary");
        args.put("stableService", "checkout-stable");
        args.put("canaryService", "checkout-canary");
        args.put("analysisArgs", Map.of("service", "checkout-canary"));
        args.put("abortScaleDownDelay", "1m");
        args.put("returnResult", true);
        args.put("steps", List.of(
                Map.of("setWeight", 5),
                Map.of("pause", "5m"),
                Map.of("analysis", Map.of(
                        "args", List.of(Map.of("name", "service")),
                        "metrics", List.of(Map.of("name", "error-ratio", "interval", "1m", "count", 5,
                                "failureLimit", 1, "successCondition", "result[0] <= 0.01",
                                "provider", Map.of("prometheus", Map.of("address", "http://prometheus:9090",
                                        "query", QUERY)))))),
                Map.of("setWeight", 25),
                Map.of("pause", Map.of("duration", "10m")),
                Map.of("pause", Map.of()),
                Map.of("pause", 30)));
        return args;
    }

    /** The same canary as the Snippet Generator writes it: symbols. */
    private static Map<String, Object> sameCanaryWithSymbols() {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("analysisArgs", List.of(Structs.symbol("arg", Map.of("name", "service", "value", "checkout-canary"))));
        args.put("steps", List.of(
                Structs.symbol("setWeight", 5),
                Structs.symbol("pause", "5m"),
                Structs.symbol("analysis", Map.of(
                        "args", List.of(Structs.symbol("arg", "service")),
                        "metrics", List.of(Structs.symbol("metric", Map.of("name", "error-ratio", "interval", "1m",
                                "count", 5, "failureLimit", 1, "successCondition", "result[0] <= 0.01",
                                "provider", Structs.symbol("prometheus", Map.of("address", "http://prometheus:9090",
                                        "query", QUERY))))))),
                Structs.symbol("setWeight", "25"),
                Structs.symbol("pause", Map.of("duration", "10m")),
                Structs.symbol("pause", Map.of()),
                Structs.symbol("pause", "30s")));
        return args;
    }

    @Test
    void aCanaryBindsFromTheLiteralMapsAndFromSymbolsToTheSamePlan() throws Exception {
        CanaryRolloutStep fromMaps = Structs.instantiate(CanaryRolloutStep.class, rootJenkinsfileCanary());
        CanaryRolloutStep fromSymbols = Structs.instantiate(CanaryRolloutStep.class, sameCanaryWithSymbols());

        CanaryPlan plan = fromMaps.loadPlan(null);
        assertThat(fromSymbols.loadPlan(null)).isEqualTo(plan);
        assertThat(plan.steps()).hasSize(7);
        assertThat(plan.steps().get(0)).isEqualTo(new PlanStep.SetWeight(5));
        assertThat(plan.steps().get(1)).isEqualTo(new PlanStep.Pause(Duration.ofMinutes(5)));
        assertThat(plan.steps().get(4)).isEqualTo(new PlanStep.Pause(Duration.ofMinutes(10)));
        assertThat(plan.steps().get(5)).isEqualTo(new PlanStep.Pause(null));
        assertThat(plan.steps().get(6)).isEqualTo(new PlanStep.Pause(Duration.ofSeconds(30)));
        PlanStep.Analysis analysis = (PlanStep.Analysis) plan.steps().get(2);
        assertThat(analysis.analysis().metrics().get(0).provider().prometheus().query()).isEqualTo(QUERY);
        assertThat(analysis.analysis().metrics().get(0).count()).isEqualTo(5);
        assertThat(fromMaps.analysisArguments()).isEqualTo(Map.of("service", "checkout-canary"));
        assertThat(fromSymbols.analysisArguments()).isEqualTo(Map.of("service", "checkout-canary"));
        assertThat(fromMaps.getSteps().get(0)).isInstanceOf(SetWeightStep.class);
        assertThat(fromMaps.getSteps().get(5)).isInstanceOf(PauseStep.class);
    }

    /**
     * What the Snippet Generator writes for a configured step (structs' uninstantiate: symbols, defaults left out)
     * binds back to the same plan: the generated call works.
     */
    @Test
    void whatTheSnippetGeneratorWritesBindsBackToTheSamePlan() throws Exception {
        CanaryRolloutStep canary = Structs.instantiate(CanaryRolloutStep.class, rootJenkinsfileCanary());
        Map<String, Object> snippet = Structs.uninstantiate2(canary);
        assertThat(snippet).doesNotContainKeys("planFile", "credentialsId", "canaryReplicas");
        @SuppressWarnings("unchecked")
        List<org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable> steps =
                (List<org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable>) snippet.get("steps");
        assertThat(steps).extracting(org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable::getSymbol)
                .containsExactly("setWeight", "pause", "analysis", "setWeight", "pause", "pause", "pause");
        assertThat(steps.get(5).getArguments()).as("pause() for an indefinite pause").isEmpty();
        assertThat(Structs.instantiate(CanaryRolloutStep.class, snippet).loadPlan(null))
                .isEqualTo(canary.loadPlan(null));

        Map<String, Object> gateArgs = Map.of("name", "smoke", "args", Map.of("service", "web"),
                "metrics", List.of(Map.of("name", "m", "successCondition", "result[0] > 0",
                        "provider", Map.of("prometheus", Map.of("address", "http://p:9090", "query", QUERY)))));
        AnalysisGateStep gate = Structs.instantiate(AnalysisGateStep.class, gateArgs);
        assertThat(Structs.instantiate(AnalysisGateStep.class, Structs.uninstantiate2(gate)).loadSpec(null))
                .isEqualTo(gate.loadSpec(null));
    }

    @Test
    void canaryLabelsBindFromAMapAndReachThePlan() throws Exception {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("canaryLabels", Map.of("track", "canary-v2"));
        CanaryPlan plan = Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null);
        assertThat(plan.target().canaryLabels()).isEqualTo(Map.of("track", "canary-v2"));
    }

    @Test
    void aBlueGreenSwitchBindsItsAnalysesFromMaps() throws Exception {
        Map<String, Object> analysis = Map.of("args", List.of(Map.of("name", "preview")),
                "metrics", List.of(Map.of("name", "preview-probe", "interval", "30s", "count", 6, "failureLimit", 0,
                        "successCondition", "len(result) > 0 && result[0] >= 1",
                        "provider", Map.of("prometheus", Map.of("address", "http://prometheus:9090",
                                "query", "min(probe_success{service=\"{{args.preview}}\"})")))));
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("namespace", "pay");
        args.put("deployment", "payments");
        args.put("container", "app");
        args.put("image", "payments:5.12.0");
        args.put("activeService", "payments");
        args.put("previewService", "payments-preview");
        args.put("analysisArgs", Map.of("preview", "payments-preview", "service", "payments"));
        args.put("prePromotionAnalysis", analysis);
        args.put("postPromotionAnalysis", analysis);
        args.put("scaleDownDelaySeconds", 900);
        BlueGreenSwitchStep step = Structs.instantiate(BlueGreenSwitchStep.class, args);

        BlueGreenPlan plan = step.loadPlan(null);
        assertThat(plan.prePromotionAnalysis().metrics().get(0).name()).isEqualTo("preview-probe");
        assertThat(plan.postPromotionAnalysis().args().get(0).name()).isEqualTo("preview");
        assertThat(plan.scaleDownDelaySeconds()).isEqualTo(900);
        assertThat(step.analysisArguments()).containsEntry("service", "payments");
    }

    @Test
    void anAnalysisGateBindsArgsFromAMapAndMetricsFromMapsOrSymbols() throws Exception {
        Map<String, Object> metric = Map.of("name", "success-rate", "interval", "30s", "count", 4,
                "successCondition", "result[0] >= 0.99",
                "provider", Map.of("prometheus", Map.of("address", "http://prometheus:9090", "query", QUERY,
                        "headers", Map.of("X-Scope-OrgID", "shop"))));
        AnalysisGateStep fromMaps = Structs.instantiate(AnalysisGateStep.class, Map.of("name", "staging smoke",
                "args", Map.of("service", "checkout-staging"), "metrics", List.of(metric)));
        AnalysisGateStep fromSymbols = Structs.instantiate(AnalysisGateStep.class, Map.of("name", "staging smoke",
                "args", List.of(Structs.symbol("arg", Map.of("name", "service", "value", "checkout-staging"))),
                "metrics", List.of(Structs.symbol("metric", Map.of("name", "success-rate", "interval", "30s",
                        "count", 4, "successCondition", "result[0] >= 0.99",
                        "provider", Structs.symbol("prometheus", Map.of("address", "http://prometheus:9090",
                                "query", QUERY, "headers", List.of(Structs.symbol("header",
                                        Map.of("key", "X-Scope-OrgID", "value", "shop"))))))))));

        assertThat(fromSymbols.loadSpec(null)).isEqualTo(fromMaps.loadSpec(null));
        assertThat(fromMaps.loadSpec(null).metrics().get(0).provider().prometheus().query())
                .isEqualTo("sum(rate(http_requests_total{service=\"checkout-staging\"}[2m]))");
        assertThat(fromMaps.loadSpec(null).metrics().get(0).provider().prometheus().headers().get(0).key())
                .isEqualTo("X-Scope-OrgID");
    }

    @Test
    void aMisspeltParameterIsRejectedWithItsName() {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("steps", List.of(Map.of("setWieght", 5)));
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, args))
                .hasMessageContaining("setWieght");
        Map<String, Object> metric = Map.of("name", "m", "sucessCondition", "true");
        assertThatThrownBy(() -> Structs.instantiate(AnalysisGateStep.class, Map.of("metrics", List.of(metric))))
                .as("structs would only warn and drop it: the plugin refuses it")
                .hasMessageContaining("metric: unknown parameter 'sucessCondition'")
                .hasMessageContaining("successCondition");
        Map<String, Object> misspeltStepParameter = rootJenkinsfileCanary();
        misspeltStepParameter.put("analysisArg", Map.of("service", "web"));
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, misspeltStepParameter))
                .hasMessageContaining("canaryRollout: unknown parameter 'analysisArg'");
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, Map.of("steps",
                List.of(Map.of("pause", Map.of("duraton", "5m"))))))
                .hasMessageContaining("pause: unknown parameter 'duraton'; its parameters are duration");
        assertThat(Structs.WARNINGS).isEmpty();
    }

    @Test
    void numbersWhereTheEngineReadsThemBindToTheStringParameters() throws Exception {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("abortScaleDownDelay", 45);
        args.put("analysisArgs", Map.of("service", "checkout-canary", "port", 8080));
        args.put("steps", List.of(Map.of("analysis", Map.of(
                "args", List.of(Map.of("name", "service"), Map.of("name", "port", "value", 9090)),
                "metrics", List.of(Map.of("name", "m", "interval", 60, "count", "3", "successCondition", "true",
                        "provider", Map.of("prometheus", Map.of("address", "http://p:9090", "query", "up",
                                "timeout", 5))))))));
        CanaryRolloutStep step = Structs.instantiate(CanaryRolloutStep.class, args);
        CanaryPlan plan = step.loadPlan(null);
        assertThat(plan.abortScaleDownDelay()).isEqualTo(Duration.ofSeconds(45));
        PlanStep.Analysis analysis = (PlanStep.Analysis) plan.steps().get(0);
        assertThat(analysis.analysis().metrics().get(0).interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(analysis.analysis().metrics().get(0).count()).isEqualTo(3);
        assertThat(analysis.analysis().metrics().get(0).provider().prometheus().timeout())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(analysis.analysis().args().get(1).value()).isEqualTo("9090");
        assertThat(step.analysisArguments()).containsEntry("port", "8080");
    }

    @Test
    void anInvalidValueIsTheEnginesErrorNamingTheField() {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("steps", List.of(Map.of("setWeight", 140)));
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null))
                .hasMessageContaining("steps[0].setWeight");
    }

    // ---- the engine features of i8, i9, i10, i13, i14: each binds from its map literal and from symbols ----------

    /** The steps' plan maps, as the engine's loader reads them. */
    @SuppressWarnings("unchecked")
    private static List<Object> planSteps(CanaryRolloutStep step) throws Exception {
        return (List<Object>) step.planMap(null).get("steps");
    }

    private static CanaryRolloutStep canaryWithSteps(List<?> steps) {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("steps", steps);
        return Structs.instantiate(CanaryRolloutStep.class, args);
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void theNewCanaryStepKindsBindFromMapsAndFromSymbolsToTheEnginesShapes() throws Exception {
        List<Object> fromMaps = planSteps(canaryWithSteps(List.of(
                map("judge", map("metrics", List.of("success-rate", map("name", "latency-p99", "high", 1.2,
                                "critical", true)), "window", "10m", "pass", 90, "removeOutliers", true,
                        "prometheus", map("address", "http://prometheus:9090", "timeout", "5s"))),
                map("setHeaderRoute", map("name", "testers", "match", List.of(map("headerName", "X-Canary",
                        "headerValue", map("exact", "always"))))),
                map("setHeaderRoute", map("name", "testers")),
                map("setMirrorRoute", map("name", "shadow", "percentage", 20, "match", List.of(map(
                        "method", map("exact", "GET"), "path", map("prefix", "/api"),
                        "headers", map("X-Debug", map("regex", "1|yes")))))),
                map("setCanaryScale", map("replicas", 2)),
                map("setCanaryScale", map("matchTrafficWeight", true)))));
        List<Object> fromSymbols = planSteps(canaryWithSteps(List.of(
                Structs.symbol("judge", map("metrics", List.of(Structs.symbol("judgeMetric", "success-rate"),
                                Structs.symbol("judgeMetric", map("name", "latency-p99", "high", 1.2, "critical", true))),
                        "window", "10m", "pass", 90.0, "removeOutliers", true,
                        "address", "http://prometheus:9090", "timeout", "5s")),
                Structs.symbol("setHeaderRoute", map("name", "testers", "match", List.of(Structs.symbol(
                        "headerMatch", map("headerName", "X-Canary", "headerValue",
                                Structs.symbol("stringMatch", map("exact", "always"))))))),
                Structs.symbol("setHeaderRoute", "testers"),
                Structs.symbol("setMirrorRoute", map("name", "shadow", "percentage", 20, "match", List.of(
                        Structs.symbol("routeMatch", map("method", Structs.symbol("stringMatch", map("exact", "GET")),
                                "path", Structs.symbol("stringMatch", map("prefix", "/api")),
                                "headers", List.of(Structs.symbol("headerMatch", map("headerName", "X-Debug",
                                        "headerValue", Structs.symbol("stringMatch", map("regex", "1|yes")))))))))),
                Structs.symbol("setCanaryScale", map("replicas", 2)),
                Structs.symbol("setCanaryScale", map("matchTrafficWeight", true)))));

        assertThat(fromSymbols).isEqualTo(fromMaps);
        assertThat(fromMaps).containsExactly(
                Map.of("judge", map("metrics", List.of("success-rate", map("name", "latency-p99", "critical", true,
                                "high", 1.2)),
                        "prometheus", map("address", "http://prometheus:9090", "timeout", "5s"),
                        "window", "10m", "removeOutliers", true, "pass", 90.0)),
                Map.of("setHeaderRoute", map("name", "testers", "match", List.of(map("headerName", "X-Canary",
                        "headerValue", map("exact", "always"))))),
                Map.of("setHeaderRoute", map("name", "testers")),
                Map.of("setMirrorRoute", map("name", "shadow", "percentage", 20, "match", List.of(map(
                        "method", map("exact", "GET"), "path", map("prefix", "/api"),
                        "headers", map("X-Debug", map("regex", "1|yes")))))),
                Map.of("setCanaryScale", map("replicas", 2)),
                Map.of("setCanaryScale", map("matchTrafficWeight", true)));
    }

    @Test
    void theNewProvidersAndAnalysisFieldsBindFromMapsAndFromSymbols() throws Exception {
        String jobSpec = "template:\n  spec:\n    restartPolicy: Never\n    containers:\n"
                + "      - {name: smoke, image: 'curlimages/curl:8.10.1', args: ['-fsS', 'http://web-canary/health']}\n";
        Map<String, Object> jobSpecMap = map("template", map("spec", map("restartPolicy", "Never", "containers",
                List.of(map("name", "smoke", "image", "curlimages/curl:8.10.1",
                        "args", List.of("-fsS", "http://web-canary/health"))))));
        List<Object> fromMaps = planSteps(canaryWithSteps(List.of(map("analysis", map(
                "templates", List.of(map("templateName", "success-rate"), map("templateName", "latency",
                        "clusterScope", true)),
                "args", List.of(map("name", "service")),
                "dryRun", List.of(map("metricName", "latency.*")),
                "measurementRetention", List.of(map("metricName", ".*", "limit", 20)),
                "conditionLanguage", "cel",
                "metrics", List.of(
                        map("name", "health", "interval", "30s", "count", 4, "failureLimit", -1,
                                "consecutiveSuccessLimit", 3, "successCondition", "result.ok == true",
                                "provider", map("web", map("url", "https://status.example.com/{{args.service}}",
                                        "method", "POST", "headers", map("Accept", "application/json"),
                                        "jsonBody", map("probe", "deep"), "timeoutSeconds", 5,
                                        "jsonPath", "{$.data}"))),
                        map("name", "smoke", "provider", map("job", map("spec", jobSpecMap,
                                "metadata", map("labels", map("team", "shop"))))),
                        map("name", "p99", "successCondition", "all(result, {# < 0.5})",
                                "provider", map("prometheus", map("query", "histogram_quantile(0.99, x)",
                                        "rangeQuery", map("start", "now() - duration(\"5m\")", "end", "now()",
                                                "step", "1m"))))))))));
        List<Object> fromSymbols = planSteps(canaryWithSteps(List.of(Structs.symbol("analysis", map(
                "templates", List.of(Structs.symbol("templateRef", "success-rate"),
                        Structs.symbol("templateRef", map("templateName", "latency", "clusterScope", true))),
                "args", List.of(Structs.symbol("arg", "service")),
                "dryRun", List.of(Structs.symbol("dryRunMetric", "latency.*")),
                "measurementRetention", List.of(Structs.symbol("measurementRetention",
                        map("metricName", ".*", "limit", 20))),
                "conditionLanguage", "cel",
                "metrics", List.of(
                        Structs.symbol("metric", map("name", "health", "interval", "30s", "count", 4,
                                "failureLimit", -1, "consecutiveSuccessLimit", 3,
                                "successCondition", "result.ok == true",
                                "provider", Structs.symbol("web", map("url",
                                        "https://status.example.com/{{args.service}}", "method", "POST",
                                        "headers", List.of(Structs.symbol("header", map("key", "Accept",
                                                "value", "application/json"))),
                                        "jsonBody", "{\"probe\": \"deep\"}", "timeoutSeconds", 5,
                                        "jsonPath", "{$.data}")))),
                        Structs.symbol("metric", map("name", "smoke", "provider", Structs.symbol("job",
                                map("spec", jobSpec, "metadata", "labels: {team: shop}")))),
                        Structs.symbol("metric", map("name", "p99", "successCondition", "all(result, {# < 0.5})",
                                "provider", Structs.symbol("prometheus", map("query", "histogram_quantile(0.99, x)",
                                        "rangeQuery", Structs.symbol("rangeQuery", map("start",
                                                "now() - duration(\"5m\")", "end", "now()", "step", "1m"))))))))))));

        assertThat(fromSymbols).isEqualTo(fromMaps);
        @SuppressWarnings("unchecked")
        Map<String, Object> analysis = (Map<String, Object>) ((Map<String, Object>) fromMaps.get(0)).get("analysis");
        assertThat(analysis).containsEntry("templates", List.of(map("templateName", "success-rate"),
                        map("templateName", "latency", "clusterScope", true)))
                .containsEntry("dryRun", List.of(map("metricName", "latency.*")))
                .containsEntry("measurementRetention", List.of(map("metricName", ".*", "limit", 20)))
                .containsEntry("conditionLanguage", "cel");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) analysis.get("metrics");
        assertThat(metrics.get(0)).containsEntry("failureLimit", -1).containsEntry("consecutiveSuccessLimit", 3)
                .containsEntry("provider", Map.of("web", map("url", "https://status.example.com/{{args.service}}",
                        "method", "POST", "headers", List.of(map("key", "Accept", "value", "application/json")),
                        "jsonBody", map("probe", "deep"), "timeoutSeconds", 5, "jsonPath", "{$.data}")));
        assertThat(metrics.get(1)).containsEntry("provider", Map.of("job", map("metadata",
                map("labels", map("team", "shop")), "spec", jobSpecMap)));
        assertThat(metrics.get(2)).containsEntry("provider", Map.of("prometheus", map("query",
                "histogram_quantile(0.99, x)", "rangeQuery", map("start", "now() - duration(\"5m\")", "end", "now()",
                        "step", "1m"))));
    }

    /** The plan-level options of the canary: router, baseline and built-in metrics, background analysis, drift. */
    private static Map<String, Object> canaryPlanOptions(boolean symbols) {
        Map<String, Object> args = rootJenkinsfileCanary();
        for (String istio : List.of("virtualService", "route", "stableService", "canaryService")) {
            args.remove(istio);
        }
        args.put("nginx", symbols
                ? Structs.symbol("nginx", map("stableIngress", "checkout", "stableService", "checkout-stable",
                        "canaryService", "checkout-canary", "additionalIngressAnnotations", List.of(
                                Structs.symbol("ingressAnnotation", map("name", "canary-by-header",
                                        "value", "X-Canary")))))
                : map("stableIngress", "checkout", "stableService", "checkout-stable", "canaryService",
                        "checkout-canary", "additionalIngressAnnotations", map("canary-by-header", "X-Canary")));
        args.put("baseline", true);
        args.put("metrics", symbols
                ? Structs.symbol("builtinMetrics", map("prometheus", Structs.symbol("prometheusEndpoint",
                                map("address", "http://prometheus:9090")), "minRequests", 100,
                        "requests", Structs.symbol("requestMetric", map("workloadLabel", "version",
                                "workloads", Structs.symbol("requestWorkloads", map("stable", "v1", "canary", "v2")),
                                "labels", List.of(Structs.symbol("seriesLabel", map("name", "app",
                                        "value", "checkout")))))))
                : map("prometheus", map("address", "http://prometheus:9090"), "minRequests", 100,
                        "requests", map("workloadLabel", "version", "workloads", map("stable", "v1", "canary", "v2"),
                                "labels", map("app", "checkout"))));
        args.put("analysis", symbols
                ? Structs.symbol("backgroundAnalysis", map("startingStep", 1, "templates",
                        List.of(Structs.symbol("templateRef", "success-rate")),
                        "args", List.of(Structs.symbol("arg", "service"))))
                : map("startingStep", 1, "templates", List.of(map("templateName", "success-rate")),
                        "args", List.of(map("name", "service"))));
        args.put("onDrift", "abort");
        args.put("rollbackTimeout", "15m");
        args.put("drainSeconds", 20);
        args.put("doctor", symbols
                ? Structs.symbol("doctorOptions", map("required", "prestop-hook, readiness-probe", "skip", "hpa",
                        "longestRequestSeconds", 30, "traffic", Structs.symbol("trafficVolume", map(
                                "prometheus", Structs.symbol("prometheus", map("address", "http://prometheus:9090",
                                        "query", "sum(rate(http_requests_total[5m]))")), "minimumRequests", 200))))
                : map("required", List.of("prestop-hook", "readiness-probe"), "skip", List.of("hpa"),
                        "longestRequestSeconds", 30, "traffic", map("prometheus", map("address",
                                "http://prometheus:9090", "query", "sum(rate(http_requests_total[5m]))"),
                                "minimumRequests", 200)));
        Map<String, Object> migrateJob = map("spec", map("template", map("spec", map("restartPolicy", "Never",
                "containers", List.of(map("name", "migrate", "image", "shop/migrate:7"))))));
        args.put("hooks", symbols
                ? Structs.symbol("hooks", map(
                        "preRollout", List.of(Structs.symbol("hook", map("name", "expand", "cronJob", "db-expand"))),
                        "postPromotion", List.of(Structs.symbol("hook", map("name", "contract", "deadline", "20m",
                                "job", "spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
                                        + "        - {name: migrate, image: 'shop/migrate:7'}\n"))),
                        "onRollback", List.of(Structs.symbol("hook", map("name", "notify", "webhook",
                                Structs.symbol("webhook", map("url", "https://chat.example.com/hook",
                                        "credentialsId", "chat-token", "timeout", "10s")))))))
                : map("preRollout", List.of(map("name", "expand", "cronJob", "db-expand")),
                        "postPromotion", List.of(map("name", "contract", "job", migrateJob, "deadline", "20m")),
                        "onRollback", List.of(map("name", "notify", "webhook", map("url",
                                "https://chat.example.com/hook", "credentialsId", "chat-token", "timeout", "10s")))));
        return args;
    }

    @Test
    void theCanarysNewPlanOptionsBindFromMapsAndFromSymbolsToTheEnginesShapes() throws Exception {
        Map<String, Object> fromMaps = Structs.instantiate(CanaryRolloutStep.class, canaryPlanOptions(false))
                .planMap(null);
        Map<String, Object> fromSymbols = Structs.instantiate(CanaryRolloutStep.class, canaryPlanOptions(true))
                .planMap(null);

        assertThat(fromSymbols).isEqualTo(fromMaps);
        assertThat(fromMaps.get("traffic")).isEqualTo(Map.of("nginx", map("stableIngress", "checkout",
                "stableService", "checkout-stable", "canaryService", "checkout-canary",
                "additionalIngressAnnotations", map("canary-by-header", "X-Canary"))));
        assertThat(fromMaps).containsEntry("baseline", true)
                .containsEntry("metrics", map("prometheus", map("address", "http://prometheus:9090"),
                        "requests", map("workloadLabel", "version", "workloads", map("stable", "v1", "canary", "v2"),
                                "labels", map("app", "checkout")), "minRequests", 100))
                .containsEntry("analysis", map("startingStep", 1, "templates",
                        List.of(map("templateName", "success-rate")), "args", List.of(map("name", "service"))))
                .containsEntry("onDrift", "abort")
                .containsEntry("rollbackTimeout", "15m")
                .containsEntry("drainSeconds", 20)
                .containsEntry("doctor", map("required", List.of("prestop-hook", "readiness-probe"),
                        "skip", List.of("hpa"), "longestRequestSeconds", 30, "traffic", map("prometheus",
                                map("address", "http://prometheus:9090", "query", "sum(rate(http_requests_total[5m]))"),
                                "minimumRequests", 200)))
                .containsEntry("hooks", map(
                        "preRollout", List.of(map("name", "expand", "cronJob", "db-expand")),
                        "postPromotion", List.of(map("name", "contract", "job", map("spec", map("template",
                                map("spec", map("restartPolicy", "Never", "containers", List.of(map("name", "migrate",
                                        "image", "shop/migrate:7")))))), "deadline", "20m")),
                        "onRollback", List.of(map("name", "notify", "webhook", map("url",
                                "https://chat.example.com/hook", "timeout", "10s", "credentialsId", "chat-token")))));
    }

    @Test
    void aCanaryOnAGatewayApiRouteAndABlueGreenSwitchOfOneBindFromMapsAndSymbols() throws Exception {
        Map<String, Object> canary = rootJenkinsfileCanary();
        for (String istio : List.of("virtualService", "route", "stableService", "canaryService")) {
            canary.remove(istio);
        }
        canary.put("gatewayAPI", map("httpRoute", "checkout", "rule", "primary", "stableService", "checkout-stable",
                "canaryService", "checkout-canary"));
        Map<String, Object> canarySymbols = new LinkedHashMap<>(canary);
        canarySymbols.put("gatewayAPI", Structs.symbol("gatewayAPI", map("httpRoute", "checkout", "rule", "primary",
                "stableService", "checkout-stable", "canaryService", "checkout-canary")));
        Map<String, Object> plan = Structs.instantiate(CanaryRolloutStep.class, canary).planMap(null);
        assertThat(Structs.instantiate(CanaryRolloutStep.class, canarySymbols).planMap(null)).isEqualTo(plan);
        assertThat(plan.get("traffic")).isEqualTo(Map.of("gatewayAPI", map("httpRoute", "checkout", "rule", "primary",
                "stableService", "checkout-stable", "canaryService", "checkout-canary")));

        Map<String, Object> blueGreen = map("namespace", "pay", "deployment", "payments", "container", "app",
                "image", "payments:5.12.0", "previewService", "payments-preview",
                "rollbackTimeout", "10m", "drainSeconds", 15,
                "gatewayAPI", map("grpcRoute", "payments", "blueService", "payments-blue",
                        "greenService", "payments-green"),
                "hooks", map("prePromotion", List.of(map("name", "smoke", "webhook", map("url",
                        "https://qa.example.com/gate", "headers", map("X-Team", "pay"))))),
                "doctor", map("required", "all"));
        Map<String, Object> blueGreenSymbols = new LinkedHashMap<>(blueGreen);
        blueGreenSymbols.put("gatewayAPI", Structs.symbol("blueGreenGatewayAPI", map("grpcRoute", "payments",
                "blueService", "payments-blue", "greenService", "payments-green")));
        blueGreenSymbols.put("hooks", Structs.symbol("hooks", map("prePromotion", List.of(Structs.symbol("hook",
                map("name", "smoke", "webhook", Structs.symbol("webhook", map("url", "https://qa.example.com/gate",
                        "headers", List.of(Structs.symbol("header", map("key", "X-Team", "value", "pay")))))))))));
        blueGreenSymbols.put("doctor", Structs.symbol("doctorOptions", map("required", "all")));
        Map<String, Object> bluePlan = Structs.instantiate(BlueGreenSwitchStep.class, blueGreen).planMap(null);
        assertThat(Structs.instantiate(BlueGreenSwitchStep.class, blueGreenSymbols).planMap(null))
                .isEqualTo(bluePlan);
        assertThat(bluePlan).containsEntry("traffic", Map.of("gatewayAPI", map("grpcRoute", "payments",
                        "blueService", "payments-blue", "greenService", "payments-green")))
                .containsEntry("rollbackTimeout", "10m").containsEntry("drainSeconds", 15)
                .containsEntry("doctor", map("required", List.of("all")))
                .containsEntry("hooks", map("prePromotion", List.of(map("name", "smoke", "webhook", map("url",
                        "https://qa.example.com/gate", "headers", List.of(map("key", "X-Team", "value", "pay")))))));
    }

    @Test
    void anAnalysisGateBindsDryRunRetentionAndTheConditionLanguage() {
        Map<String, Object> metric = map("name", "m", "successCondition", "true",
                "provider", map("prometheus", map("address", "http://p:9090", "query", "up")));
        AnalysisGateStep fromMaps = Structs.instantiate(AnalysisGateStep.class, map("metrics", List.of(metric),
                "dryRun", List.of(map("metricName", "m")), "measurementRetention",
                List.of(map("metricName", "m", "limit", 5)), "conditionLanguage", "cel"));
        AnalysisGateStep fromSymbols = Structs.instantiate(AnalysisGateStep.class, map("metrics", List.of(metric),
                "dryRun", List.of(Structs.symbol("dryRunMetric", "m")), "measurementRetention",
                List.of(Structs.symbol("measurementRetention", map("metricName", "m", "limit", 5))),
                "conditionLanguage", "cel"));
        for (AnalysisGateStep gate : List.of(fromMaps, fromSymbols)) {
            assertThat(gate.getDryRun()).extracting(d -> d.toPlan()).containsExactly(map("metricName", "m"));
            assertThat(gate.getMeasurementRetention()).extracting(r -> r.toPlan())
                    .containsExactly(map("metricName", "m", "limit", 5));
            assertThat(gate.getConditionLanguage()).isEqualTo("cel");
        }
    }

    @Test
    void theSnippetGeneratorsCallForTheNewParametersBindsBackToTheSamePlan() throws Exception {
        CanaryRolloutStep options = Structs.instantiate(CanaryRolloutStep.class, canaryPlanOptions(false));
        assertThat(Structs.instantiate(CanaryRolloutStep.class, Structs.uninstantiate2(options)).planMap(null))
                .isEqualTo(options.planMap(null));
        CanaryRolloutStep kinds = canaryWithSteps(List.of(
                map("judge", map("metrics", List.of("success-rate", map("name", "latency-p99", "high", 1.2)))),
                map("setMirrorRoute", map("name", "shadow", "match", List.of(map("headers",
                        map("X-Debug", map("exact", "1")))))),
                map("analysis", map("metrics", List.of(map("name", "smoke", "provider", map("job", map("spec",
                        map("template", map("spec", map("restartPolicy", "Never")))))))))));
        Map<String, Object> snippet = Structs.uninstantiate2(kinds);
        @SuppressWarnings("unchecked")
        List<org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable> steps =
                (List<org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable>) snippet.get("steps");
        assertThat(steps).extracting(org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable::getSymbol)
                .containsExactly("judge", "setMirrorRoute", "analysis");
        assertThat(planSteps(Structs.instantiate(CanaryRolloutStep.class, snippet))).isEqualTo(planSteps(kinds));
    }

    @Test
    void aMisspeltNameInTheNewTypesIsRejectedWithItsName() {
        assertThatThrownBy(() -> canaryWithSteps(List.of(map("setHeaderRoute", map("name", "t", "mach", List.of())))))
                .hasMessageContaining("setHeaderRoute: unknown parameter 'mach'");
        assertThatThrownBy(() -> canaryWithSteps(List.of(map("judge", map("metrics", List.of("success-rate"),
                "windw", "5m")))))
                .hasMessageContaining("judge: unknown parameter 'windw'").hasMessageContaining("window");
        Map<String, Object> hooks = rootJenkinsfileCanary();
        hooks.put("hooks", map("preRolout", List.of()));
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, hooks))
                .hasMessageContaining("hooks: unknown parameter 'preRolout'");
        assertThat(Structs.WARNINGS).isEmpty();
    }

    @Test
    void aHookJobThatIsNotYamlIsAClearErrorBeforeAnythingRuns() {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("hooks", map("preRollout", List.of(map("name", "expand", "job", "spec: [unclosed"))));
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, args).planMap(null))
                .isInstanceOf(hudson.AbortException.class)
                .hasMessageContaining("hooks: hook 'expand': job: is not valid YAML or JSON");
    }

    // ---- end to end through the engine's loader, for the features that have landed on main -----------------------

    @Test
    void aCanaryOverAGatewayApiRouteWithRouteAndScaleStepsLoadsThroughTheEngine() throws Exception {
        Map<String, Object> args = rootJenkinsfileCanary();
        for (String istio : List.of("virtualService", "route", "stableService", "canaryService")) {
            args.remove(istio);
        }
        args.put("gatewayAPI", Structs.symbol("gatewayAPI", map("httpRoute", "checkout", "stableService",
                "checkout-stable", "canaryService", "checkout-canary")));
        args.put("steps", List.of(
                Structs.symbol("setCanaryScale", map("replicas", 1)),
                Structs.symbol("setHeaderRoute", map("name", "testers", "match", List.of(Structs.symbol(
                        "headerMatch", map("headerName", "X-Canary", "headerValue",
                                Structs.symbol("stringMatch", map("exact", "always"))))))),
                map("setWeight", 10),
                map("setMirrorRoute", map("name", "shadow", "percentage", 20, "match", List.of(map(
                        "path", map("prefix", "/api"), "headers", map("X-Debug", map("exact", "1")))))),
                map("pause", "5m"),
                map("setHeaderRoute", map("name", "testers")),
                map("setMirrorRoute", map("name", "shadow", "percentage", 0)),
                map("setCanaryScale", map("matchTrafficWeight", true)),
                map("setWeight", 50)));
        CanaryPlan plan = Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null);

        assertThat(plan.traffic().gatewayAPI().routeName()).isEqualTo("checkout");
        assertThat(plan.traffic().gatewayAPI().canaryService()).isEqualTo("checkout-canary");
        assertThat(plan.steps().get(0)).isEqualTo(new PlanStep.SetCanaryScale(1, null, null));
        PlanStep.SetHeaderRoute testers = (PlanStep.SetHeaderRoute) plan.steps().get(1);
        assertThat(testers.match().get(0).headerName()).isEqualTo("X-Canary");
        assertThat(testers.match().get(0).headerValue().exact()).isEqualTo("always");
        PlanStep.SetMirrorRoute shadow = (PlanStep.SetMirrorRoute) plan.steps().get(3);
        assertThat(shadow.percentage()).isEqualTo(20);
        assertThat(shadow.match().get(0).path().prefix()).isEqualTo("/api");
        assertThat(shadow.match().get(0).headers().get("X-Debug").exact()).isEqualTo("1");
        assertThat(((PlanStep.SetHeaderRoute) plan.steps().get(5)).removes()).isTrue();
        assertThat(((PlanStep.SetMirrorRoute) plan.steps().get(6)).removes()).isTrue();
        assertThat(((PlanStep.SetCanaryScale) plan.steps().get(7)).matchesTraffic()).isTrue();
    }

    @Test
    void aCanaryOverIngressNginxLoadsThroughTheEngineAndAMirrorThereIsTheEnginesError() throws Exception {
        Map<String, Object> args = rootJenkinsfileCanary();
        for (String istio : List.of("virtualService", "route", "stableService", "canaryService")) {
            args.remove(istio);
        }
        args.put("nginx", map("stableIngress", "checkout", "stableService", "checkout-stable",
                "canaryService", "checkout-canary"));
        args.put("steps", List.of(map("setWeight", 10), map("pause", "1m"), map("setWeight", 50)));
        CanaryPlan plan = Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null);
        assertThat(plan.traffic().nginx().canaryIngress()).isEqualTo("checkout-canary");

        args.put("steps", List.of(map("setWeight", 10), map("setMirrorRoute", map("name", "shadow"))));
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null))
                .hasMessageContaining("steps[1].setMirrorRoute").hasMessageContaining("traffic.nginx");
    }

    @Test
    void aBlueGreenSwitchOverAGatewayApiRouteLoadsThroughTheEngine() throws Exception {
        Map<String, Object> args = map("namespace", "pay", "deployment", "payments", "container", "app",
                "image", "payments:5.12.0", "previewService", "payments-preview",
                "gatewayAPI", map("httpRoute", "payments", "blueService", "payments-blue",
                        "greenService", "payments-green"));
        BlueGreenPlan plan = Structs.instantiate(BlueGreenSwitchStep.class, args).loadPlan(null);
        assertThat(plan.traffic().gatewayAPI().httpRoute()).isEqualTo("payments");
        assertThat(plan.traffic().gatewayAPI().greenService()).isEqualTo("payments-green");
    }

    @Test
    void onDriftAndRollbackTimeoutLoadThroughTheEngine() throws Exception {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("onDrift", "overwrite");
        args.put("rollbackTimeout", "15m");
        CanaryPlan plan = Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null);
        assertThat(plan.onDrift()).isEqualTo(CanaryPlan.OnDrift.OVERWRITE);
        assertThat(plan.rollbackTimeout()).isEqualTo(Duration.ofMinutes(15));

        args.put("onDrift", "ignore");
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null))
                .hasMessageContaining("onDrift").hasMessageContaining("pause, abort, overwrite");

        BlueGreenPlan blueGreen = Structs.instantiate(BlueGreenSwitchStep.class, map("namespace", "pay",
                "deployment", "payments", "container", "app", "image", "payments:5.12.0", "activeService", "payments",
                "previewService", "payments-preview", "rollbackTimeout", "10m")).loadPlan(null);
        assertThat(blueGreen.rollbackTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aBlueGreenAnalysisNamingClusterTemplatesKeepsThemForTheSwitchToRead() throws Exception {
        Map<String, Object> args = map("namespace", "pay", "deployment", "payments", "container", "app",
                "image", "payments:5.12.0", "activeService", "payments", "previewService", "payments-preview",
                "prePromotionAnalysis", map("templates", List.of(map("templateName", "smoke"),
                        map("templateName", "latency", "clusterScope", true))));
        BlueGreenPlan plan = Structs.instantiate(BlueGreenSwitchStep.class, args).loadPlan(null);
        assertThat(plan.prePromotionAnalysis().templates()).extracting(t -> t.templateName() + "/" + t.cluster())
                .containsExactly("smoke/false", "latency/true");
    }

    @Test
    void backgroundAnalysisTemplatesAndTheNewProvidersLoadThroughTheEngine() throws Exception {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("analysis", map("startingStep", 1, "templates", List.of(map("templateName", "success-rate")),
                "args", List.of(map("name", "service")),
                "dryRun", List.of(map("metricName", "p99")),
                "measurementRetention", List.of(map("metricName", ".*", "limit", 5)),
                "metrics", List.of(map("name", "p99", "interval", "1m", "successCondition", "all(result, {# < 0.5})",
                        "provider", map("prometheus", map("address", "http://prometheus:9090",
                                "query", "histogram_quantile(0.99, x)", "rangeQuery", map("start",
                                        "now() - duration(\"5m\")", "end", "now()", "step", "1m")))))));
        args.put("steps", List.of(map("setWeight", 10),
                map("analysis", map("args", List.of(map("name", "service")),
                        "templates", List.of(map("templateName", "latency", "clusterScope", true)),
                        "metrics", List.of(
                                map("name", "health", "count", 3, "interval", "10s", "failureLimit", -1,
                                        "consecutiveSuccessLimit", 2, "successCondition", "result.ok == true",
                                        "provider", map("web", map("url", "https://status.example.com/health",
                                                "method", "POST", "headers", map("Accept", "application/json"),
                                                "jsonBody", map("probe", "deep"), "timeoutSeconds", 5,
                                                "jsonPath", "{$.data}"))),
                                map("name", "smoke", "provider", map("job", map("metadata", map("labels",
                                        map("team", "shop")), "spec", map("backoffLimit", 0, "template", map("spec",
                                        map("restartPolicy", "Never", "containers", List.of(map("name", "smoke",
                                                "image", "curlimages/curl:8.10.1"))))))))))),
                map("setWeight", 50)));
        CanaryPlan plan = Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null);

        assertThat(plan.analysis().startingStep()).isEqualTo(1);
        assertThat(plan.analysis().templates().get(0).templateName()).isEqualTo("success-rate");
        assertThat(plan.analysis().dryRun().get(0).metricName()).isEqualTo("p99");
        assertThat(plan.analysis().measurementRetention().get(0).limit()).isEqualTo(5);
        assertThat(plan.analysis().metrics().get(0).provider().prometheus().rangeQuery().step()).isEqualTo("1m");
        PlanStep.Analysis step = (PlanStep.Analysis) plan.steps().get(1);
        assertThat(step.analysis().templates().get(0).cluster()).isTrue();
        assertThat(step.analysis().metrics().get(0).consecutiveSuccessLimit()).isEqualTo(2);
        assertThat(step.analysis().metrics().get(0).failureLimitApplies()).isFalse();
        assertThat(step.analysis().metrics().get(0).provider().web().jsonBody()).isEqualTo("{\"probe\":\"deep\"}");
        assertThat(step.analysis().metrics().get(0).provider().web().headers().get(0).key()).isEqualTo("Accept");
        assertThat(step.analysis().metrics().get(1).provider().job().spec()).contains("curlimages/curl:8.10.1");
    }

    @Test
    void anAnalysisGatesDryRunRetentionAndConditionLanguageLoadThroughTheEngine() throws Exception {
        AnalysisGateStep gate = Structs.instantiate(AnalysisGateStep.class, map("metrics", List.of(map("name", "m",
                        "successCondition", "true", "provider", map("prometheus", map("address", "http://p:9090",
                                "query", "up")))),
                "dryRun", List.of(Structs.symbol("dryRunMetric", "m")),
                "measurementRetention", List.of(map("metricName", "m", "limit", 3)), "conditionLanguage", "cel"));
        var spec = gate.loadSpec(null);
        assertThat(spec.isDryRun("m")).isTrue();
        assertThat(spec.retention("m", 10)).isEqualTo(3);
        assertThat(spec.conditionLanguage()).isEqualTo("cel");
    }

    @Test
    void aJudgedCanaryWithABaselineAndTheBuiltInMetricsLoadsThroughTheEngine() throws Exception {
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("baseline", true);
        args.put("metrics", Structs.symbol("builtinMetrics", map("prometheus", Structs.symbol("prometheusEndpoint",
                        map("address", "http://prometheus:9090")), "minRequests", 80,
                "requests", Structs.symbol("requestMetric", map("workloadLabel", "version",
                        "workloads", map("stable", "v1", "canary", "v2", "baseline", "v1b"),
                        "labels", map("app", "checkout"))))));
        args.put("steps", List.of(map("setWeight", 10), map("pause", "5m"),
                map("judge", map("metrics", List.of("success-rate", map("name", "latency-p99", "high", 1.2,
                        "critical", true)), "window", "5m", "pass", 90)),
                map("setWeight", 50)));
        CanaryPlan plan = Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null);

        assertThat(plan.baseline()).isTrue();
        assertThat(plan.metrics().prometheus().address()).isEqualTo("http://prometheus:9090");
        assertThat(plan.metrics().minRequests()).isEqualTo(80);
        assertThat(plan.metrics().requests().workloadLabel()).isEqualTo("version");
        assertThat(plan.metrics().requests().workloads()).containsEntry("baseline", "v1b");
        assertThat(plan.metrics().requests().labels()).isEqualTo(Map.of("app", "checkout"));
        PlanStep.Judge judge = (PlanStep.Judge) plan.steps().get(2);
        assertThat(judge.judge().pass()).isEqualTo(90.0);
        assertThat(judge.judge().metrics().get(1).effectiveCritical()).isTrue();
    }

    @Test
    void hooksTheDrainWindowAndTheDoctorsOptionsLoadThroughTheEngine() throws Exception {
        Map<String, Object> hooks = map("preRollout", List.of(map("name", "expand", "cronJob", "db-expand")),
                "prePromotion", List.of(map("name", "smoke", "deadline", "5m", "job", map("spec", map("template",
                        map("spec", map("restartPolicy", "Never", "containers", List.of(map("name", "smoke",
                                "image", "curlimages/curl:8.10.1")))))))),
                "postPromotion", List.of(map("name", "contract", "job", "template:\n  spec:\n    restartPolicy: Never\n"
                        + "    containers: [{name: contract, image: 'shop/migrate:7'}]\n")),
                "onRollback", List.of(map("name", "notify", "webhook", map("url", "https://chat.example.com/hook",
                        "timeout", "10s", "headers", map("X-Team", "shop"), "credentialsId", "chat-token"))));
        Map<String, Object> doctor = map("required", List.of("prestop-hook", "readiness-probe"), "skip", "hpa",
                "endpointPropagationSeconds", 7, "longestRequestSeconds", 20, "slowStartSeconds", 40,
                "traffic", map("prometheus", map("address", "http://prometheus:9090",
                        "query", "sum(rate(http_requests_total[5m]))"), "minimumRequests", 150));
        Map<String, Object> args = rootJenkinsfileCanary();
        args.put("hooks", hooks);
        args.put("drainSeconds", 12);
        args.put("doctor", doctor);
        CanaryPlan plan = Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null);

        assertThat(plan.hooks().preRollout().get(0).cronJob()).isEqualTo("db-expand");
        assertThat(plan.hooks().prePromotion().get(0).deadline()).isEqualTo(Duration.ofMinutes(5));
        assertThat(plan.hooks().postPromotion().get(0).job()).containsKey("template");
        assertThat(plan.hooks().onRollback().get(0).webhook().credentialsId()).isEqualTo("chat-token");
        assertThat(plan.hooks().onRollback().get(0).webhook().headers().get(0).key()).isEqualTo("X-Team");
        assertThat(plan.drainSeconds()).isEqualTo(12);
        assertThat(plan.doctor().required()).containsExactly("prestop-hook", "readiness-probe");
        assertThat(plan.doctor().skip()).containsExactly("hpa");
        assertThat(plan.doctor().effectiveLongestRequestSeconds()).isEqualTo(20);
        assertThat(plan.doctor().traffic().minimumRequests()).isEqualTo(150);

        BlueGreenPlan blueGreen = Structs.instantiate(BlueGreenSwitchStep.class, map("namespace", "pay",
                "deployment", "payments", "container", "app", "image", "payments:5.12.0", "activeService", "payments",
                "previewService", "payments-preview", "hooks", Structs.symbol("hooks", map("prePromotion",
                        List.of(Structs.symbol("hook", map("name", "smoke", "cronJob", "payments-smoke"))))),
                "drainSeconds", 3, "doctor", Structs.symbol("doctorOptions", map("required", "all"))))
                .loadPlan(null);
        assertThat(blueGreen.drainSeconds()).isEqualTo(3);
        assertThat(blueGreen.doctor().isRequired("hpa")).isTrue();
        assertThat(blueGreen.hooks().prePromotion().get(0).cronJob()).isEqualTo("payments-smoke");

        Map<String, Object> badCheck = rootJenkinsfileCanary();
        badCheck.put("doctor", map("required", "prestop"));
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, badCheck).loadPlan(null))
                .hasMessageContaining("doctor.required").hasMessageContaining("'prestop' is not a check");
    }
}
