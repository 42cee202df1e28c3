package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Result;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalysisGateStepTest {
    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    private final FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
    private final List<String> queries = new ArrayList<>();
    private double value = 0.999;
    private final Harness harness = new Harness(new FakeCluster("unused"), (metric, at) -> {
        queries.add(metric.provider().prometheus().query());
        return MetricValue.vector(List.of(value));
    }, (id, r) -> null);

    private static Map<String, Object> successRate(String failureCondition) {
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("name", "success-rate");
        metric.put("interval", "30s");
        metric.put("count", 3);
        metric.put("successCondition", "result[0] >= 0.99");
        if (failureCondition != null) {
            metric.put("failureCondition", failureCondition);
        }
        metric.put("provider", Map.of("prometheus", Map.of("address", "http://prometheus:9090",
                "query", "sum(rate(ok{service=\"{{args.service}}\"}[1m])) / sum(rate(all{service=\"{{args.service}}\"}[1m]))")));
        return metric;
    }

    private AnalysisGateStep step(Map<String, Object> metric, boolean returnResult) {
        AnalysisGateStep step = new AnalysisGateStep();
        step.setName("smoke");
        AnalysisGateStep bound = Structs.instantiate(AnalysisGateStep.class, Map.of("metrics", List.of(metric),
                "args", Map.of("service", "web")));
        step.setMetrics(bound.getMetrics());
        step.setArgs(bound.getArgs());
        step.setReturnResult(returnResult);
        return step;
    }

    private void start(AnalysisGateStep step) throws Exception {
        AnalysisGateStep.Execution execution = new AnalysisGateStep.Execution(step, context, harness.runtime);
        assertThat(execution.start()).isFalse();
    }

    @Test
    void blocksWithoutAThreadUntilTheVerdictAndReturnsIt() throws Exception {
        start(step(successRate(null), false));
        harness.settle();
        assertThat(queries).hasSize(1);
        assertThat(queries.get(0)).contains("service=\"web\"").doesNotContain("{{");
        assertThat(harness.io.pending()).isZero();
        assertThat(harness.scheduler.nextDueIn()).as("the next measurement is a timer").contains(Duration.ofSeconds(30));
        assertThat(context.completions()).isZero();

        harness.advance(Duration.ofMinutes(1));
        assertThat(queries).hasSize(3);
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.success();
        assertThat(result).containsEntry("verdict", "Successful").containsEntry("name", "smoke");
        CanaryRolloutStepTest.assertOnlyJdkTypes(result);
        assertThat(run.getAction(DeliveryAction.class).getVerdict()).isEqualTo("Successful");
        assertThat(run.getResult()).isNull();
    }

    @Test
    void aFailedAnalysisFailsTheBuildUnlessOnlyTheResultIsWanted() throws Exception {
        value = 0.5;
        start(step(successRate(null), false));
        harness.advance(Duration.ofMinutes(2));
        assertThat(context.failure()).isInstanceOf(AbortException.class).hasMessageContaining("'smoke': Failed");
    }

    @Test
    void returnResultOnlyReturnsAFailedVerdict() throws Exception {
        value = 0.5;
        start(step(successRate(null), true));
        harness.advance(Duration.ofMinutes(2));
        assertThat(context.failure()).isNull();
        assertThat(context.success()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "Failed");
    }

    @Test
    void anInconclusiveAnalysisMarksTheBuildUnstable() throws Exception {
        value = 0.95; // neither >= 0.99 nor < 0.9
        start(step(successRate("result[0] < 0.9"), false));
        harness.advance(Duration.ofMinutes(2));
        assertThat(context.failure()).isNull();
        assertThat(run.getResult()).isEqualTo(Result.UNSTABLE);
        assertThat(context.success()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "Inconclusive");
    }

    @Test
    void anArgoAnalysisTemplateFromTheWorkspaceWithArguments(@org.junit.jupiter.api.io.TempDir java.nio.file.Path ws)
            throws Exception {
        java.nio.file.Files.createDirectories(ws.resolve("deploy"));
        java.nio.file.Files.writeString(ws.resolve("deploy/success-rate.yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: AnalysisTemplate
                metadata: {name: success-rate}
                spec:
                  args:
                  - name: service-name
                  metrics:
                  - name: success-rate
                    interval: 1m
                    count: 2
                    successCondition: result[0] >= 0.95
                    provider:
                      prometheus:
                        address: http://prometheus.example.com:9090
                        query: sum(rate(ok{service="{{args.service-name}}"}[5m]))
                """);
        context.put(new hudson.FilePath(ws.toFile()));
        AnalysisGateStep step = new AnalysisGateStep();
        step.setTemplateFile("deploy/success-rate.yaml");
        step.setArgs(Structs.instantiate(AnalysisGateStep.class, Map.of("args", Map.of("service-name", "checkout")))
                .getArgs());
        start(step);
        harness.advance(Duration.ofMinutes(2));
        assertThat(queries).hasSize(2).allSatisfy(q -> assertThat(q).isEqualTo("sum(rate(ok{service=\"checkout\"}[5m]))"));
        assertThat(context.success()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "Successful");
    }

    @Test
    void aMissingArgumentIsAnErrorBeforeAnythingIsMeasured() throws Exception {
        AnalysisGateStep step = step(successRate(null), false);
        step.setArgs(List.of());
        start(step);
        harness.settle();
        assertThat(context.failure()).isInstanceOf(AbortException.class).hasMessageContaining("service");
        assertThat(queries).isEmpty();
    }
}
