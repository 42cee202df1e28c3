package io.jenkins.plugins.progressivedelivery.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The doctor, hooks and drainSeconds of a plan: each mistake named by its field, with the fix. */
class SafetyValidationTest {
    private static final String CANARY = """
            target: {namespace: demo, deployment: web, container: app, image: web:2.0}
            steps: [{setWeight: 100}]
            """;

    private static String errors(String extra) {
        try {
            PlanLoader.loadCanary(CANARY + extra, "plan.yaml");
        } catch (InvalidPlanException e) {
            return e.getMessage();
        }
        throw new AssertionError("valid: " + extra);
    }

    @Test
    void aFullPlanLoadsAndRoundTrips() {
        CanaryPlan plan = PlanLoader.loadCanary(CANARY + """
                drainSeconds: 20
                doctor:
                  required: [readiness-probe, prestop-hook]
                  skip: [hpa]
                  endpointPropagationSeconds: 8
                  traffic:
                    prometheus: {address: "http://prometheus:9090", query: "sum(rate(http_requests_total[5m]))"}
                    minimumRequests: 200
                hooks:
                  preRollout:
                  - name: expand
                    deadline: 5m
                    job: {spec: {template: {spec: {containers: [{name: m, image: "m:1"}]}}}}
                  postPromotion:
                  - name: contract
                    cronJob: db-contract
                  onRollback:
                  - name: page
                    webhook: {url: "https://hooks.example.com/rollback", timeout: 5s, credentialsId: HOOK_TOKEN}
                """, "plan.yaml");

        assertThat(plan.effectiveDoctor().isRequired("prestop-hook")).isTrue();
        assertThat(plan.effectiveDoctor().effectiveEndpointPropagationSeconds()).isEqualTo(8);
        assertThat(plan.effectiveHooks().of(HooksSpec.Phase.POST_PROMOTION)).extracting(HooksSpec.Hook::cronJob)
                .containsExactly("db-contract");
        assertThat(PlanLoader.loadCanary(PlanLoader.toYaml(plan), "again.yaml")).isEqualTo(plan);
        assertThat(PlanLoader.loadCanary(CANARY, "plain.yaml").effectiveHooks().isEmpty()).isTrue();
        assertThat(PlanLoader.toYaml(PlanLoader.loadCanary(CANARY, "plain.yaml")))
                .doesNotContain("doctor", "hooks", "drainSeconds");
    }

    @Test
    void unknownChecksAreNamedWithTheKnownOnes() {
        assertThat(errors("doctor: {required: [preStop]}\n")).contains("doctor.required: 'preStop' is not a check;"
                + " the checks are readiness-probe, startup-probe, prestop-hook");
        assertThat(errors("doctor: {required: [hpa], skip: [hpa]}\n"))
                .contains("doctor.skip: 'hpa' is also required");
    }

    @Test
    void aHookRunsExactlyOneThing() {
        assertThat(errors("hooks: {preRollout: [{name: x}]}\n")).contains("hooks.preRollout[0]: says nothing to run");
        assertThat(errors("hooks: {preRollout: [{name: x, cronJob: c, webhook: {url: \"https://a\"}}]}\n"))
                .contains("gives more than one thing to run");
        assertThat(errors("hooks: {prePromotion: [{name: x, job: {spec: {}}}]}\n"))
                .contains("hooks.prePromotion[0].job: needs spec.template");
        assertThat(errors("hooks: {onRollback: [{name: Bad_Name, webhook: {url: \"ftp://a\"}}]}\n"))
                .contains("hooks.onRollback[0].name: 'Bad_Name' must be a short Kubernetes name",
                        "hooks.onRollback[0].webhook.url: 'ftp://a' is not an http(s) URL");
        assertThat(errors("drainSeconds: -1\n")).contains("drainSeconds: must not be negative");
    }

    @Test
    void anUnknownFieldInAHookIsNamed() {
        assertThatThrownBy(() -> PlanLoader.loadCanary(CANARY + "hooks: {preRollout: [{name: x, jobb: {}}]}\n",
                "plan.yaml")).hasMessageContaining("hooks.preRollout[0].jobb: unknown field");
    }
}
