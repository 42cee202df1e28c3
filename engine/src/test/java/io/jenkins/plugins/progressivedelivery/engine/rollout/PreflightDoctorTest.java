package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.doctor.DoctorPreflight;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The doctor in a canary's preflight: warnings are logged and the rollout goes on; a required check stops it. */
class PreflightDoctorTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();
    private static MockCluster cluster;
    private RolloutHarness harness;

    private static final String PLAN = """
            target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            steps: [{setWeight: 20}, {setWeight: 100}]
            """;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void setUp() {
        harness = new RolloutHarness(cluster.reset()).withHostSplit();
    }

    @Test
    void warningsAreLoggedWithTheWholeReportAndTheRolloutGoesOn() {
        harness.start(PlanLoader.loadCanary(PLAN, "plan.yaml"));
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        // the fixture's stable Deployment has no probes and no preStop hook, and the route retries
        assertThat(harness.log).contains(
                "[doctor] deployment/demo/web: warning readiness-probe: container app has no readiness probe"
                        + " (spec.template.spec.containers[app].readinessProbe)",
                "[doctor] virtualservice/demo/web: warning route-retries: the route retries 3 time(s) on"
                        + " connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
                        + " (spec.http[primary].retries)");
        AuditEvent summary = harness.trail.events().stream().filter(e -> e.action() == AuditAction.DOCTOR
                && e.details().containsKey(DoctorPreflight.REPORT_DETAIL)).findFirst().orElseThrow();
        assertThat(summary.details().get(DoctorPreflight.REPORT_DETAIL))
                .startsWith("Doctor: canary of deployment/demo/web: ").contains("#  SEVERITY  CHECK");
        assertThat(Integer.parseInt(summary.details().get("warnings"))).isPositive();
    }

    @Test
    void aRequiredCheckThatFailsEndsTheRolloutBeforeAnyWrite() {
        cluster.takeRequests();
        harness.start(PlanLoader.loadCanary(PLAN + "doctor: {required: [readiness-probe]}\n", "plan.yaml"));
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(result.message()).startsWith("the doctor's required checks failed (nothing was changed):\n"
                + "  - readiness-probe deployment/demo/web spec.template.spec.containers[app].readinessProbe:"
                + " container app has no readiness probe");
        assertThat(MockCluster.writes(cluster.takeRequests())).isEmpty();
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }
}
