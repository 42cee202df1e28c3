package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Result;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.actions.Gates;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import io.jenkins.plugins.progressivedelivery.remote.RemoteBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.remote.RemoteCanaryCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code blueGreenSwitch} inside {@code node {}}: every cluster call is shipped over an agent channel that serialises
 * it as remoting does, and made there by the engine's {@code KubernetesBlueGreenCluster} (fabric8 over OkHttp 4.11)
 * against fabric8's mock API server, from a token credential. The seeds' setup: {@code payments-blue} in production
 * behind Service {@code payments} ({@code app: payments, slot: blue}), and the preview Service.
 */
class AgentBlueGreenTest {
    private static final String NS = "pay";
    private MockKubernetes cluster;
    private KubernetesClient kube;
    private final SerialisingAgent agent = new SerialisingAgent();
    private final FakeRun run = new FakeRun().grant(Item.BUILD);
    private final FakeListener log = new FakeListener();
    private final FakeStepContext context = new FakeStepContext(run, log, new EnvVars(),
            new FilePath(agent, "/home/agent/ws"));
    private final Harness harness = new Harness(RemoteCanaryCluster::new, RemoteBlueGreenCluster::new,
            (metric, at) -> MetricValue.vector(List.of(1.0)),
            (id, r) -> id.equals("k8s-token") ? new SecretText("k8s-token", "agent-token") : null);

    @BeforeEach
    void blueInProduction() {
        cluster = new MockKubernetes();
        kube = cluster.client;
        kube.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("payments-blue").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(3)
                .withNewSelector().addToMatchLabels("app", "payments").addToMatchLabels("slot", "blue").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "payments").addToLabels("slot", "blue")
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("payments:1.0")
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        cluster.markRolledOut(NS, "payments-blue");
        for (String service : List.of("payments", "payments-preview", "payments-blue", "payments-green")) {
            String colour = service.equals("payments-green") ? "green" : "blue";
            kube.services().inNamespace(NS).resource(new ServiceBuilder()
                    .withNewMetadata().withName(service).withNamespace(NS).endMetadata()
                    .withNewSpec().addToSelector("app", "payments").addToSelector("slot", colour)
                    .addNewPort().withPort(80).endPort().endSpec().build()).create();
        }
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private Map<String, String> selector(String service) {
        return kube.services().inNamespace(NS).withName(service).get().getSpec().getSelector();
    }

    private Deployment deployment(String name) {
        return kube.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private BlueGreenSwitchStep step() {
        BlueGreenSwitchStep step = new BlueGreenSwitchStep();
        step.setNamespace(NS);
        step.setDeployment("payments");
        step.setContainer("app");
        step.setImage("payments:2.0");
        step.setPreviewService("payments-preview");
        step.setCredentialsId("k8s-token");
        step.setServerUrl(cluster.url());
        return step;
    }

    /** Runs until the new colour exists, then plays the Deployment controller for it. */
    private void rollOutGreen() {
        harness.settle();
        assertThat(deployment("payments-green")).as("the new colour, from blue's pod template").isNotNull();
        cluster.markRolledOut(NS, "payments-green");
        harness.advance(Duration.ofSeconds(5));
    }

    @Test
    void thePromotedSwitchFlipsTheServiceSelectorAndAStopInTheWindowFlipsItBack() throws Exception {
        BlueGreenSwitchStep step = step();
        step.setActiveService("payments");
        step.setScaleDownDelaySeconds(600);
        BlueGreenSwitchStep.Execution execution = new BlueGreenSwitchStep.Execution(step, context, harness.runtime);
        assertThat(execution.start()).isFalse();
        rollOutGreen();

        Deployment green = deployment("payments-green");
        assertThat(green.getSpec().getReplicas()).isEqualTo(3);
        assertThat(green.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("payments:2.0");
        assertThat(green.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("slot", "green");
        assertThat(selector("payments-preview")).containsEntry("slot", "green");
        assertThat(selector("payments")).as("production untouched before Promote").containsEntry("slot", "blue");
        assertThat(log.text()).contains("calls from agent /home/agent/ws").contains("Paused at the promotion gate")
                .doesNotContain("agent-token");

        Gates.promote(run.getAction(DeliveryAction.class), "alice");
        harness.settle();
        assertThat(selector("payments")).as("the selector flipped, its other labels kept")
                .isEqualTo(Map.of("app", "payments", "slot", "green"));
        assertThat(deployment("payments-blue").getSpec().getReplicas()).as("blue kept warm").isEqualTo(3);

        FlowInterruptedException abort = new FlowInterruptedException(Result.ABORTED,
                new CauseOfInterruption.UserInterruption("bob"));
        execution.stop(abort);
        harness.settle();
        assertThat(selector("payments")).as("switched back at once").containsEntry("slot", "blue");
        harness.advance(Duration.ofSeconds(30));
        assertThat(deployment("payments-green").getSpec().getReplicas()).isZero();
        assertThat(selector("payments-preview")).containsEntry("slot", "blue");
        assertThat(deployment("payments-blue").getSpec().getReplicas()).isEqualTo(3);
        assertThat(context.failure()).isSameAs(abort);
        assertThat(log.text()).contains("[rollback] service/pay/payments: ");
        assertThat(agent.calls()).as("every cluster call went through the agent").isGreaterThanOrEqualTo(8);
    }

    @Test
    void onAnAgentTheWatchThereSeesTheNewColourReadyAndTheSwitchHappensBeforeAPoll() throws Exception {
        BlueGreenSwitchStep step = step();
        step.setActiveService("payments");
        step.setAutoPromotionSeconds(0);
        step.setScaleDownDelaySeconds(600);
        BlueGreenSwitchStep.Execution execution = new BlueGreenSwitchStep.Execution(step, context, harness.runtime);
        execution.start();
        harness.settle();
        assertThat(deployment("payments-green")).isNotNull();
        Duration waited = Duration.ZERO;
        cluster.markRolledOut(NS, "payments-green");
        // the long poll answers on the agent's side in real time; the runner looks at it on the manual clock
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!"green".equals(selector("payments").get("slot")) && System.nanoTime() < deadline
                && waited.compareTo(Duration.ofMillis(1500)) < 0) {
            Thread.sleep(20);
            harness.advance(Duration.ofMillis(50));
            waited = waited.plusMillis(50);
        }

        assertThat(selector("payments")).as("production switched once green was ready")
                .containsEntry("slot", "green");
        assertThat(waited).as("before the first 2 s poll").isLessThan(Duration.ofSeconds(2));
        assertThat(log.text()).contains("[ready] deployment/pay/payments-green")
                .contains("seen by the watch (no re-read)");
        execution.stop(new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("bob")));
        harness.settle();
        harness.advance(Duration.ofSeconds(31));
        assertThat(selector("payments")).as("switched back by the stop").containsEntry("slot", "blue");
    }

    @Test
    void withIstioTheRouteMovesFromBlueToGreenInOneWriteAndTheOldColourIsScaledDownAfterTheDelay()
            throws Exception {
        cluster.createVirtualService("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: payments, namespace: pay}
                spec:
                  hosts: [payments.example.com]
                  http:
                  - name: primary
                    timeout: 2s
                    route:
                    - destination: {host: payments-blue}
                      weight: 100
                    - destination: {host: payments-green}
                      weight: 0
                """);
        BlueGreenSwitchStep step = step();
        step.setVirtualService("payments");
        step.setRoute("primary");
        step.setBlueService("payments-blue");
        step.setGreenService("payments-green");
        step.setAutoPromotionSeconds(0);
        step.setScaleDownDelaySeconds(60);
        new BlueGreenSwitchStep.Execution(step, context, harness.runtime).start();
        rollOutGreen();

        assertThat(cluster.routeWeights(NS, "payments")).as("blue 0, green 100").containsExactly(0, 100);
        assertThat(deployment("payments-blue").getSpec().getReplicas()).isEqualTo(3);
        harness.advance(Duration.ofSeconds(60));
        assertThat(deployment("payments-blue").getSpec().getReplicas()).isZero();
        assertThat(context.success()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("verdict", "Promoted").containsEntry("activeColour", "green");
        assertThat(log.text()).contains("[weight] virtualservice/pay/payments route primary: ");
    }

    @Test
    void onAnAgentASwitchBackBySomeoneElseDuringTheDelayKeepsTheOldColourAtFullSizeAndFailsTheStep()
            throws Exception {
        BlueGreenSwitchStep step = step();
        step.setActiveService("payments");
        step.setAutoPromotionSeconds(0);
        step.setScaleDownDelaySeconds(60);
        new BlueGreenSwitchStep.Execution(step, context, harness.runtime).start();
        rollOutGreen();
        assertThat(selector("payments")).containsEntry("slot", "green");

        // someone switches production back to blue by hand during the scale-down delay
        var service = kube.services().inNamespace(NS).withName("payments").get();
        service.getSpec().setSelector(Map.of("app", "payments", "slot", "blue"));
        kube.services().inNamespace(NS).resource(service).update();
        harness.advance(Duration.ofSeconds(60));

        assertThat(deployment("payments-blue").getSpec().getReplicas()).as("production keeps its pods")
                .isEqualTo(3);
        assertThat(selector("payments")).as("traffic left where they put it").containsEntry("slot", "blue");
        assertThat(log.text()).contains("[drift] service/pay/payments: blue was not scaled down");
        assertThat(context.failure()).isNotNull();
        assertThat(context.failure().getMessage()).contains("someone else moved production off green");
    }
}
