package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.jenkins.plugins.progressivedelivery.actions.DoctorAction;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import io.jenkins.plugins.progressivedelivery.remote.RemoteBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.remote.RemoteCanaryCluster;
import io.jenkins.plugins.progressivedelivery.remote.RemoteDoctor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code deliveryDoctor} inside {@code node {}}: the reads are shipped over an agent channel that serialises them
 * as remoting does, the findings come back, go to the log as a table, to the build page, and to the pipeline as a
 * map; the step holds no thread while the checks run.
 */
class DeliveryDoctorStepTest {
    private static final String NS = "demo";
    private MockKubernetes cluster;
    private final SerialisingAgent agent = new SerialisingAgent();
    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    private final FakeStepContext context = new FakeStepContext(run, log, new EnvVars(),
            new FilePath(agent, "/home/agent/ws"));
    private final Harness harness = new Harness(RemoteCanaryCluster::new, RemoteBlueGreenCluster::new,
            (metric, at) -> MetricValue.vector(List.of(1.0)),
            (id, r) -> id.equals("k8s-token") ? new SecretText("k8s-token", "agent-token") : null);

    @BeforeEach
    void startCluster() {
        cluster = new MockKubernetes();
        // readiness probe, no preStop hook, Kubernetes' default grace period and rolling update
        cluster.client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("web:1.0@sha256:aa")
                .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withPort(new IntOrString(8080))
                .endHttpGet().endReadinessProbe()
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private DeliveryDoctorStep step() {
        DeliveryDoctorStep step = new DeliveryDoctorStep();
        step.setNamespace(NS);
        step.setDeployment("web");
        step.setContainer("app");
        step.setImage("web:2.0@sha256:bb");
        step.setCredentialsId("k8s-token");
        step.setServerUrl(cluster.url());
        return step;
    }

    private void run(DeliveryDoctorStep step) {
        DeliveryDoctorStep.Execution execution = new DeliveryDoctorStep.Execution(step, context, harness.runtime,
                RemoteDoctor::new);
        assertThat(execution.start()).as("start() returns at once").isFalse();
        assertThat(context.completions()).isZero();
        harness.settle();
    }

    @Test
    void warningsAreATableInTheLogASectionOfTheBuildAndAMap() {
        run(step());

        assertThat(context.failure()).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.success();
        assertThat(result).containsEntry("ok", true).containsEntry("warnings", 1).containsEntry("errors", 0);
        assertThat(log.text()).contains("[progressive-delivery] Doctor: canary of deployment/demo/web: 1 warning",
                "[progressive-delivery] 1  WARNING   prestop-hook  deployment/demo/web",
                "from agent /home/agent/ws (read-only)").doesNotContain("agent-token");
        DoctorAction page = run.getAction(DoctorAction.class);
        assertThat(page.getSummary()).isEqualTo("1 warning");
        assertThat(page.getRows()).extracting(DoctorAction.Row::getCheck).containsExactly("prestop-hook");
        assertThat(agent.calls()).as("the reads ran on the agent").isPositive();
        assertThat(cluster.client.apps().deployments().inNamespace(NS).withName("web").get().getMetadata()
                .getGeneration()).as("nothing was written").isEqualTo(1L);
    }

    @Test
    void aRequiredCheckThatFailsFailsTheStepUnlessTheResultIsReturned() {
        DeliveryDoctorStep step = step();
        step.setRequired("prestop-hook, readiness-probe");
        run(step);
        assertThat(context.failure()).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("deliveryDoctor: required checks failed: 1 error");

        DeliveryDoctorStep returning = step();
        returning.setRequired("prestop-hook");
        returning.setReturnResult(true);
        FakeStepContext second = new FakeStepContext(run, log, new EnvVars(), new FilePath(agent, "/home/agent/ws"));
        DeliveryDoctorStep.Execution execution = new DeliveryDoctorStep.Execution(returning, second,
                harness.runtime, RemoteDoctor::new);
        execution.start();
        harness.settle();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) second.success();
        assertThat(result).containsEntry("ok", false).containsEntry("errors", 1);
    }

    @Test
    void anUnknownCheckIsAnErrorNamingTheKnownOnes() {
        DeliveryDoctorStep step = step();
        step.setSkip("prestop");
        run(step);

        assertThat(context.failure()).isInstanceOf(AbortException.class).hasMessageContaining(
                "doctor.skip: 'prestop' is not a check; the checks are readiness-probe, startup-probe, prestop-hook");
    }
}
