package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.Test;

/**
 * {@code canaryRollout} inside {@code node {}}: every cluster call is shipped over an agent channel that serialises
 * it as remoting does, and made there with the engine's Kubernetes client (fabric8 over OkHttp 4.11, as the
 * kubernetes-client-api plugin provides it) against fabric8's mock API server, from a token credential.
 */
class AgentRolloutTest extends AgentCanaryScene {
    private static CanaryRolloutStep withSteps(CanaryRolloutStep step, List<Map<String, Object>> steps) {
        step.setSteps(io.jenkins.plugins.progressivedelivery.fakes.Structs.instantiate(CanaryRolloutStep.class,
                Map.of("steps", steps)).getSteps());
        return step;
    }

    @Test
    void aRolloutInsideNodeShiftsAndRollsBackTrafficThroughTheAgent() throws Exception {
        Harness harness = harness();
        FakeStepContext context = context("/home/agent/ws");
        CanaryRolloutStep step = withSteps(step(), List.of(Map.of("setWeight", 20), Map.of("pause", Map.of())));

        CanaryRolloutStep.Execution execution = new CanaryRolloutStep.Execution(step, context, harness.runtime);
        assertThat(execution.start()).isFalse();
        harness.settle();
        assertThat(deployment("web-canary")).isNotNull();
        cluster.markRolledOut(NS, "web-canary");
        harness.advance(Duration.ofSeconds(5));

        assertThat(cluster.routeWeights(NS, "web")).containsExactly(80, 20);
        assertThat(agent.calls()).as("every cluster call went through the agent").isGreaterThanOrEqualTo(4);
        assertThat(log.text()).contains("calls from agent /home/agent/ws").doesNotContain("agent-token");
        assertThat(run.getAction(io.jenkins.plugins.progressivedelivery.actions.DoctorAction.class)
                .getSummary()).as("the preflight doctor ran on the agent and its report is on the build page")
                .contains("warning");
        assertThat(log.text()).contains("[doctor] deployment/demo/web: warning readiness-probe",
                "#  SEVERITY  CHECK");
        assertThat(run.getAction(io.jenkins.plugins.progressivedelivery.actions.DeliveryAction.class)
                .getFromImage()).as("the stable Deployment's image at the preflight, in the record")
                .isEqualTo("web:1.0");

        FlowInterruptedException abort = new FlowInterruptedException(Result.ABORTED,
                new CauseOfInterruption.UserInterruption("alice"));
        execution.stop(abort);
        harness.settle();
        assertThat(cluster.routeWeights(NS, "web")).as("traffic back on stable at once")
                .containsExactly(100, 0);
        harness.advance(Duration.ofSeconds(30));
        assertThat(deployment("web-canary").getSpec().getReplicas()).isZero();
        assertThat(context.failure()).isSameAs(abort);
        assertThat(log.text()).contains("[rollback] virtualservice/demo/web");
    }

    @Test
    void theAgentBuildsOneClientForTheWholeRolloutAndClosesItWhenTheStepEnds() throws Exception {
        Harness harness = harness();
        FakeStepContext context = context("/home/agent/ws");
        CanaryRolloutStep step = withSteps(step(), List.of(Map.of("setWeight", 20), Map.of("setWeight", 60)));
        KubeClientCache clients = KubeClientCache.shared();
        long builtBefore = clients.builds();
        int openBefore = clients.openClients();

        CanaryRolloutStep.Execution execution = new CanaryRolloutStep.Execution(step, context, harness.runtime);
        execution.start();
        for (int i = 0; i < 20 && context.completions() == 0; i++) {
            harness.settle();
            cluster.markRolledOut(NS, "web-canary");
            cluster.markRolledOut(NS, "web");
            harness.advance(Duration.ofSeconds(2));
        }

        assertThat(log.text()).contains("Promoted");
        assertThat(agent.calls()).as("preflight, writes, readiness checks, promotion")
                .isGreaterThanOrEqualTo(8);
        assertThat(clients.builds() - builtBefore).as("Kubernetes clients built on the agent").isEqualTo(1);
        harness.settle(); // the step's end releases its session where the calls ran
        // an agent's readiness long poll still waiting ends with the session, and the last call out closes the client
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (clients.openClients() != openBefore && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(clients.openClients()).as("closed with the last step using it").isEqualTo(openBefore);
    }

    @Test
    void onAnAgentTheWatchThereMovesTheRolloutOnWithoutWaitingForAPoll() throws Exception {
        Harness harness = harness();
        FakeStepContext context = context("/home/agent/ws");
        CanaryRolloutStep step = withSteps(step(), List.of(Map.of("setWeight", 20), Map.of("pause", Map.of())));

        CanaryRolloutStep.Execution execution = new CanaryRolloutStep.Execution(step, context, harness.runtime);
        execution.start();
        harness.settle();
        assertThat(deployment("web-canary")).isNotNull();
        Duration waited = Duration.ZERO;
        cluster.markRolledOut(NS, "web-canary");
        // the long poll answers on the agent's side in real time; the runner looks at it on the manual clock
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!cluster.routeWeights(NS, "web").equals(List.of(80, 20)) && System.nanoTime() < deadline
                && waited.compareTo(Duration.ofMillis(1500)) < 0) {
            Thread.sleep(20);
            harness.advance(Duration.ofMillis(50));
            waited = waited.plusMillis(50);
        }

        assertThat(cluster.routeWeights(NS, "web")).as("the weight after the canary was ready")
                .containsExactly(80, 20);
        assertThat(waited).as("before the first 2 s poll").isLessThan(Duration.ofSeconds(2));
        assertThat(log.text()).contains("[ready] deployment/demo/web-canary")
                .contains("seen by the watch (no re-read)");
        execution.stop(new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("bob")));
        harness.advance(Duration.ofSeconds(31));
    }
}
