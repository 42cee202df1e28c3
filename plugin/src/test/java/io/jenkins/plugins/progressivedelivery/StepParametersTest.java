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
                        "AnalysisArgument", "HttpHeader", "PodLabel");
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
}
