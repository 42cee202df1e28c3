package io.jenkins.plugins.progressivedelivery.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The router sections of {@code traffic} and the route and scale steps: read, validated with field paths, written back. */
class TrafficRoutingPlanTest {
    private static final String TARGET = """
            target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
            """;

    private static final String GATEWAY = TARGET + """
            traffic:
              gatewayAPI: {httpRoute: web, rule: primary, stableService: web-stable, canaryService: web-canary}
            steps:
              - setCanaryScale: {replicas: 2}
              - setHeaderRoute:
                  name: testers
                  match:
                    - headerName: X-Canary
                      headerValue: {exact: always}
              - setMirrorRoute:
                  name: shadow
                  percentage: 20
                  match:
                    - method: {exact: GET}
                      path: {prefix: /api}
                      headers: {X-Debug: {regex: "1|yes"}}
              - setWeight: 10
              - setCanaryScale: {weight: 25}
              - setCanaryScale: {matchTrafficWeight: true}
              - setHeaderRoute: {name: testers}
            """;

    private static List<ValidationError> errors(String yaml) {
        try {
            PlanLoader.loadCanary(yaml, "canary.yaml");
        } catch (InvalidPlanException e) {
            return e.errors();
        }
        throw new AssertionError("the plan is valid");
    }

    @Test
    void readsAGatewayApiPlanWithEveryRouteAndScaleStepAndWritesItBack() {
        CanaryPlan plan = PlanLoader.loadCanary(GATEWAY, "canary.yaml");

        assertThat(plan.traffic().gatewayAPI()).isEqualTo(new GatewayApiSpec("web", null, "primary", "web-stable",
                "web-canary"));
        assertThat(plan.traffic().isReplicaRatio()).isFalse();
        assertThat(plan.steps().get(0)).isEqualTo(new PlanStep.SetCanaryScale(2, null, null));
        assertThat(plan.steps().get(1)).isEqualTo(new PlanStep.SetHeaderRoute("testers", List.of(
                new PlanStep.HeaderMatch("X-Canary", new PlanStep.StringMatch("always", null, null)))));
        PlanStep.SetMirrorRoute mirror = (PlanStep.SetMirrorRoute) plan.steps().get(2);
        assertThat(mirror.effectivePercentage()).isEqualTo(20);
        assertThat(mirror.match().get(0).path()).isEqualTo(new PlanStep.StringMatch(null, "/api", null));
        assertThat(mirror.match().get(0).headers()).containsEntry("X-Debug", new PlanStep.StringMatch(null, null,
                "1|yes"));
        assertThat(((PlanStep.SetHeaderRoute) plan.steps().get(6)).removes()).isTrue();

        assertThat(PlanLoader.loadCanary(PlanLoader.toYaml(plan), "again.yaml")).isEqualTo(plan);
        assertThat(EngineJson.read(EngineJson.write(plan, "plan"), CanaryPlan.class, "plan")).isEqualTo(plan);
    }

    @Test
    void theCanaryScaleFollowsTheLatestSetCanaryScaleUntilMatchTrafficWeight() {
        List<PlanStep> steps = PlanLoader.loadCanary(GATEWAY, "canary.yaml").steps();

        assertThat(CanaryScale.at(steps, 0)).isEqualTo(new CanaryScale.Size(2, null, 0));
        assertThat(CanaryScale.at(steps, 3)).isEqualTo(new CanaryScale.Size(2, null, 10));
        assertThat(CanaryScale.at(steps, 4)).isEqualTo(new CanaryScale.Size(null, 25, 10));
        assertThat(CanaryScale.at(steps, 5)).isEqualTo(new CanaryScale.Size(null, null, 10));
    }

    @Test
    void readsAnNginxPlan() {
        CanaryPlan plan = PlanLoader.loadCanary(TARGET + """
                traffic:
                  nginx:
                    stableIngress: web
                    stableService: web-stable
                    canaryService: web-canary
                    additionalIngressAnnotations: {canary-by-cookie: beta}
                steps: [{setWeight: 10}]
                """, "canary.yaml");

        assertThat(plan.traffic().nginx().canaryIngress()).isEqualTo("web-canary");
        assertThat(plan.traffic().nginx().additionalIngressAnnotations()).containsEntry("canary-by-cookie", "beta");
    }

    @Test
    void everyMistakeInTheRouterSectionsIsNamedByItsPath() {
        assertThat(errors(TARGET + """
                traffic:
                  gatewayAPI: {httpRoute: web, grpcRoute: web, stableService: web, canaryService: web}
                steps: [{setWeight: 10}]
                """)).extracting(ValidationError::path)
                .containsExactly("traffic.gatewayAPI", "traffic.gatewayAPI.canaryService");
        assertThat(errors(TARGET + """
                traffic:
                  gatewayAPI: {stableService: web-stable, canaryService: web-canary, rule: Primary_Rule}
                steps: [{setWeight: 10}]
                """)).extracting(ValidationError::path)
                .containsExactly("traffic.gatewayAPI.httpRoute", "traffic.gatewayAPI.rule");
        assertThat(errors(TARGET + """
                traffic:
                  istio: {virtualService: web, stableService: web-stable, canaryService: web-canary}
                  nginx: {stableIngress: web, stableService: web-stable, canaryService: web-canary}
                steps: [{setWeight: 10}]
                """)).singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("traffic");
                    assertThat(e.message()).contains("keep exactly one of istio, gatewayAPI and nginx");
                });
        assertThat(errors(TARGET + """
                traffic:
                  nginx: {stableIngress: web, canaryService: web-canary,
                          additionalIngressAnnotations: {nginx.ingress.kubernetes.io/canary-weight: "5"}}
                steps: [{setWeight: 10}]
                """)).extracting(ValidationError::path).containsExactly("traffic.nginx.stableService",
                "traffic.nginx.additionalIngressAnnotations.nginx.ingress.kubernetes.io/canary-weight");
        assertThat(errors(TARGET + """
                traffic:
                  gatewayAPI: {httpRoute: web, stableService: web-stable, canaryService: web-canary, weights: 5}
                steps: [{setWeight: 10}]
                """)).singleElement().satisfies(e -> assertThat(e.path()).isEqualTo("traffic.gatewayAPI.weights"));
    }

    @Test
    void everyMistakeInTheNewStepsIsNamedByItsPath() {
        List<ValidationError> errors = errors(TARGET + """
                traffic:
                  gatewayAPI: {httpRoute: web, stableService: web-stable, canaryService: web-canary}
                steps:
                  - setHeaderRoute:
                      name: Testers
                      match: [{headerName: "X Canary", headerValue: {exact: a, prefix: b}}]
                  - setMirrorRoute: {name: testers, percentage: 120, match: [{}]}
                  - setCanaryScale: {replicas: 2, weight: 10}
                  - setCanaryScale: {matchTrafficWeight: false}
                  - setHeaderRoute: {name: ok, match: [{headerName: X-Canary, headerValue: {regex: "(unclosed"}}]}
                """);

        assertThat(errors).extracting(ValidationError::path).containsExactly(
                "steps[0].setHeaderRoute.name",
                "steps[0].setHeaderRoute.match[0].headerName",
                "steps[0].setHeaderRoute.match[0].headerValue",
                "steps[1].setMirrorRoute.percentage",
                "steps[1].setMirrorRoute.match[0]",
                "steps[2].setCanaryScale",
                "steps[3].setCanaryScale.matchTrafficWeight",
                "steps[4].setHeaderRoute.match[0].headerValue.regex",
                "steps[0].setHeaderRoute",
                "steps[1].setMirrorRoute");
        assertThat(errors.get(8).message()).contains("comes before any setWeight or setCanaryScale, when the canary"
                + " has no pods yet");
        assertThat(errors(TARGET + """
                steps:
                  - setHeaderRoute: {name: a, matches: []}
                """)).singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("steps[0].setHeaderRoute.matches");
                    assertThat(e.message()).contains("unknown field; known fields here are match, name");
                });
    }

    @Test
    void routeAndScaleStepsNeedARouterThatCanCarryThemOut() {
        assertThat(errors(TARGET + """
                steps:
                  - setCanaryScale: {replicas: 1}
                  - setHeaderRoute: {name: a, match: [{headerName: X-A, headerValue: {exact: "1"}}]}
                  - setWeight: 10
                """)).extracting(ValidationError::path).containsExactly("steps[0]", "steps[1]");
        assertThat(errors(TARGET + """
                traffic:
                  nginx: {stableIngress: web, stableService: web-stable, canaryService: web-canary}
                steps:
                  - setWeight: 10
                  - setMirrorRoute: {name: a}
                """)).extracting(ValidationError::path).containsExactly("steps[1].setMirrorRoute");
        assertThat(errors(TARGET + """
                traffic:
                  istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
                steps:
                  - setCanaryScale: {replicas: 1}
                  - setMirrorRoute: {name: a}
                  - setHeaderRoute: {name: a, match: [{headerName: X-A, headerValue: {exact: "1"}}]}
                """)).extracting(ValidationError::path).containsExactly("steps[2].setHeaderRoute.name");
    }
}
