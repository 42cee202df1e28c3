package io.jenkins.plugins.progressivedelivery.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanLoaderTest {

    static final String VALID = """
            target:
              namespace: demo
              deployment: web
              container: web
              image: registry.example/web:2.0
            traffic:
              istio:
                virtualService: web
                route: primary
                stableService: web-stable
                canaryService: web-canary
            abortScaleDownDelay: 10s
            steps:
              - setWeight: 5
              - pause: 90s
              - pause: {duration: 2m}
              - analysis:
                  args:
                    - name: service
                      value: web-canary
                  metrics:
                    - name: error-ratio
                      interval: 30s
                      count: 3
                      successCondition: result[0] <= 0.01
                      provider:
                        prometheus:
                          address: http://prometheus:9090
                          query: sum(rate(http_requests_total{service="{{args.service}}",code=~"5.."}[1m]))
              - setWeight: 50
              - pause: {}
            """;

    @Test
    void loadsAnArgoStylePlanWithEveryKindOfStep() {
        CanaryPlan plan = PlanLoader.loadCanary(VALID, "canary.yaml");

        assertThat(plan.target().canaryDeployment()).isEqualTo("web-canary");
        assertThat(plan.target().canaryLabels()).containsEntry("track", "canary");
        assertThat(plan.traffic().istio().isSubsetSplit()).isFalse();
        assertThat(plan.steps()).hasSize(6);
        assertThat(plan.steps().get(0)).isEqualTo(new PlanStep.SetWeight(5));
        assertThat(plan.steps().get(1)).isEqualTo(new PlanStep.Pause(Duration.ofSeconds(90)));
        assertThat(plan.steps().get(2)).isEqualTo(new PlanStep.Pause(Duration.ofMinutes(2)));
        assertThat(((PlanStep.Pause) plan.steps().get(5)).indefinite()).isTrue();
        PlanStep.Analysis analysis = (PlanStep.Analysis) plan.steps().get(3);
        assertThat(analysis.analysis().metrics().get(0).interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(plan.effectiveAbortScaleDownDelay()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void writesYamlThatReadsBackToTheSamePlan() {
        CanaryPlan plan = PlanLoader.loadCanary(VALID, "canary.yaml");

        assertThat(PlanLoader.loadCanary(PlanLoader.toYaml(plan), "again.yaml")).isEqualTo(plan);
    }

    @Test
    void reportsEveryProblemWithItsFieldPathBeforeAnythingRuns() {
        String invalid = """
                target:
                  namespace: Demo_NS
                  deployment: web
                  container: web
                traffic:
                  istio:
                    virtualService: web
                    stableService: web
                    canaryService: web
                steps:
                  - setWeight: 5
                  - pause: 0s
                  - setWeight: 50
                  - setWeight: 140
                abortScaleDownDelay: 30s
                """;

        assertThatThrownBy(() -> PlanLoader.loadCanary(invalid, "canary.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors())
                        .extracting(ValidationError::toString)
                        .containsExactlyInAnyOrder(
                                "target.namespace: 'Demo_NS' is not a valid Kubernetes name (lower-case letters,"
                                        + " digits and '-', at most 63 characters)",
                                "target.image: is required: the new image, e.g. registry/app:2.0",
                                "traffic.istio.canaryService: must differ from stableService 'web'; for one"
                                        + " Service use a subset split with a destinationRule",
                                "steps[1].pause: must be positive, e.g. 90s; use {} to wait for promote",
                                "steps[3].setWeight: 140 is not in 0..100; it is the canary's percentage of"
                                        + " traffic"))
                .hasMessageStartingWith("canary.yaml is invalid:");
    }

    @Test
    void namesTheUnknownFieldAndTheFieldsThatExist() {
        String typo = VALID.replace("virtualService: web", "virtualSvc: web");

        assertThatThrownBy(() -> PlanLoader.loadCanary(typo, "canary.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> {
                    assertThat(e.errors()).hasSize(1);
                    assertThat(e.errors().get(0).path()).isEqualTo("traffic.istio.virtualSvc");
                    assertThat(e.errors().get(0).message()).contains("unknown field").contains("virtualService");
                });
    }

    @Test
    void pointsAtAStepWhoseValueHasTheWrongShape() {
        String badWeight = VALID.replace("- setWeight: 50", "- setWeight: half");
        String badPause = VALID.replace("- pause: 90s", "- pause: 90 seconds");

        assertThatThrownBy(() -> PlanLoader.loadCanary(badWeight, "canary.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors().get(0))
                        .hasToString("steps[4].setWeight: 'half' is not a whole number; write the canary's"
                                + " percentage of traffic, 0..100"));
        assertThatThrownBy(() -> PlanLoader.loadCanary(badPause, "canary.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors().get(0).path())
                        .isEqualTo("steps[1].pause"));
    }

    @Test
    void readsThePlanAJenkinsfilePassesAsMaps() {
        Map<String, Object> map = Map.of(
                "target", Map.of("namespace", "demo", "deployment", "web", "container", "web", "image", "web:2"),
                "steps", List.of(Map.of("setWeight", 10), Map.of("pause", "30s"), Map.of("setWeight", 100)));

        CanaryPlan plan = PlanLoader.fromMap(map, "canaryRollout");

        assertThat(plan.traffic().isReplicaRatio()).isTrue();
        assertThat(plan.steps()).containsExactly(new PlanStep.SetWeight(10),
                new PlanStep.Pause(Duration.ofSeconds(30)), new PlanStep.SetWeight(100));
    }

    @Test
    void rejectsAFixedCanarySizeWithoutAMeshAndSyntaxErrorsWithTheirLine() {
        Map<String, Object> map = Map.of(
                "target", Map.of("namespace", "demo", "deployment", "web", "container", "web", "image", "web:2",
                        "canaryReplicas", 2),
                "steps", List.of(Map.of("setWeight", 10)));

        assertThatThrownBy(() -> PlanLoader.fromMap(map, "canaryRollout"))
                .hasMessageContaining("target.canaryReplicas: cannot be fixed without a mesh");
        assertThatThrownBy(() -> PlanLoader.loadCanary("steps:\n  - setWeight: [5\n", "broken.yaml"))
                .hasMessageContaining("is not valid YAML or JSON at line");
    }

    @Test
    void aKeyGivenTwiceIsAnErrorNamingItsPathNeverTheSecondValueSilently() {
        String twice = VALID.replace("  image: registry.example/web:2.0\n",
                "  image: registry.example/web:2.0\n  image: evil.example/miner\n");
        String twiceInAStep = VALID.replace("interval: 30s\n", "interval: 30s\n          interval: 1s\n");
        String twiceInJson = "{\"target\": {\"image\": \"a\", \"image\": \"b\"}}";

        assertThatThrownBy(() -> PlanLoader.loadCanary(twice, "canary.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(error -> {
                            assertThat(error.path()).isEqualTo("target.image");
                            assertThat(error.message()).startsWith("is given twice at line 6").contains("delete one");
                        }));
        assertThatThrownBy(() -> PlanLoader.loadCanary(twiceInAStep, "canary.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors().get(0).path())
                        .isEqualTo("steps[3].analysis.metrics[0].interval"));
        assertThatThrownBy(() -> PlanLoader.loadCanary(twiceInJson, "canary.json"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> assertThat(e.errors().get(0).path())
                        .isEqualTo("target.image"));
        assertThatThrownBy(() -> PlanLoader.loadAnalysis("metrics: []\nmetrics: []\n", "template.yaml"))
                .hasMessageContaining("metrics: is given twice");
    }

    @Test
    void durationsReadGoAndArgoForms() {
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("40")).isEqualTo(Duration.ofSeconds(40));
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("is not a duration");
    }
}
