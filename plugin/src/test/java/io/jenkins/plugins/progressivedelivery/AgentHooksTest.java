package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.EnvVars;
import hudson.FilePath;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.hooks.KubernetesHooks;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import io.jenkins.plugins.progressivedelivery.remote.RemoteBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.remote.RemoteCanaryCluster;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code canaryRollout} with a plan file's {@code preRollout} Job, inside {@code node {}}: the Job is created and
 * polled over an agent channel that serialises every call as remoting does; its failure ends the step with the
 * route untouched.
 */
class AgentHooksTest {
    private static final String NS = "demo";
    private MockKubernetes cluster;
    private KubernetesClient kube;
    private final SerialisingAgent agent = new SerialisingAgent();
    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();

    @BeforeEach
    void startCluster() {
        cluster = new MockKubernetes();
        kube = cluster.client;
        kube.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(4)
                .withNewSelector().addToMatchLabels("app", "web").addToMatchLabels("track", "stable").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").addToLabels("track", "stable")
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("web:1.0").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        cluster.markRolledOut(NS, "web");
        for (String track : List.of("stable", "canary")) {
            kube.services().inNamespace(NS).resource(new ServiceBuilder()
                    .withNewMetadata().withName("web-" + track).withNamespace(NS).endMetadata()
                    .withNewSpec().addToSelector("app", "web").addToSelector("track", track).addNewPort().withPort(80)
                    .endPort().endSpec().build()).create();
        }
        cluster.createVirtualService("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: web, namespace: demo}
                spec:
                  hosts: [web]
                  http:
                  - name: primary
                    route:
                    - destination: {host: web-stable}
                      weight: 100
                    - destination: {host: web-canary}
                      weight: 0
                """);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aFailedPreRolloutJobEndsTheStepThroughTheAgentWithTheRouteUntouched(@TempDir Path ws) throws Exception {
        Files.createDirectories(ws.resolve("deploy"));
        Files.writeString(ws.resolve("deploy/canary.yaml"), """
                steps: [{setWeight: 20}, {setWeight: 100}]
                hooks:
                  preRollout:
                  - name: expand
                    job: {spec: {template: {spec: {containers: [{name: m, image: "web-migrations:2.0"}]}}}}
                """);
        Harness harness = new Harness(RemoteCanaryCluster::new, RemoteBlueGreenCluster::new,
                (metric, at) -> MetricValue.vector(List.of(1.0)),
                (id, r) -> id.equals("k8s-token") ? new SecretText("k8s-token", "agent-token") : null);
        FakeStepContext context = new FakeStepContext(run, log, new EnvVars(), new FilePath(agent, ws.toString()));
        CanaryRolloutStep step = new CanaryRolloutStep();
        step.setPlanFile("deploy/canary.yaml");
        step.setNamespace(NS);
        step.setDeployment("web");
        step.setContainer("app");
        step.setImage("web:2.0");
        step.setVirtualService("web");
        step.setRoute("primary");
        step.setStableService("web-stable");
        step.setCanaryService("web-canary");
        step.setCredentialsId("k8s-token");
        step.setServerUrl(cluster.url());

        new CanaryRolloutStep.Execution(step, context, harness.runtime).start();
        harness.settle();
        String name = KubernetesHooks.jobName("web", HooksSpec.Phase.PRE_ROLLOUT, "expand", "web:2.0");
        Job job = kube.batch().v1().jobs().inNamespace(NS).withName(name).get();
        assertThat(job).as(log.text()).isNotNull();
        job.setStatus(new JobStatusBuilder().withFailed(1).withConditions(new JobConditionBuilder()
                .withType("Failed").withStatus("True").withReason("BackoffLimitExceeded").build()).build());
        kube.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();
        harness.advance(Duration.ofSeconds(5));

        assertThat(context.failure()).as(log.text()).isNotNull();
        assertThat(log.text()).contains("preRollout hook 'expand' failed: the Job failed: BackoffLimitExceeded;"
                + " no traffic was moved").doesNotContain("agent-token");
        assertThat(cluster.routeWeights(NS, "web")).containsExactly(100, 0);
        assertThat(kube.apps().deployments().inNamespace(NS).withName("web-canary").get()).isNull();
        assertThat(kube.batch().v1().jobs().inNamespace(NS).withName(name).get()).as("deleted after it failed")
                .isNull();
    }

    @Test
    void aWebhookHooksCredentialIsSentAsItsBearerTokenFromTheAgentAndNeverLogged(@TempDir Path ws) throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer hookServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hookServer.createContext("/hook", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getRequestBody().readAllBytes();
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        hookServer.start();
        try {
            Files.createDirectories(ws.resolve("deploy"));
            Files.writeString(ws.resolve("deploy/canary.yaml"), """
                    steps: [{setWeight: 20}, {setWeight: 100}]
                    hooks:
                      preRollout:
                      - name: announce
                        webhook: {url: "http://127.0.0.1:%d/hook", credentialsId: hook-token}
                    """.formatted(hookServer.getAddress().getPort()));
            Harness harness = new Harness(RemoteCanaryCluster::new, RemoteBlueGreenCluster::new,
                    (metric, at) -> MetricValue.vector(List.of(1.0)),
                    (id, r) -> switch (id) {
                        case "k8s-token" -> new SecretText("k8s-token", "agent-token");
                        case "hook-token" -> new SecretText("hook-token", "hook-s3cret");
                        default -> null;
                    });
            FakeStepContext context = new FakeStepContext(run, log, new EnvVars(),
                    new FilePath(agent, ws.toString()));
            CanaryRolloutStep step = new CanaryRolloutStep();
            step.setPlanFile("deploy/canary.yaml");
            step.setNamespace(NS);
            step.setDeployment("web");
            step.setContainer("app");
            step.setImage("web:2.0");
            step.setVirtualService("web");
            step.setRoute("primary");
            step.setStableService("web-stable");
            step.setCanaryService("web-canary");
            step.setCredentialsId("k8s-token");
            step.setServerUrl(cluster.url());

            new CanaryRolloutStep.Execution(step, context, harness.runtime).start();
            harness.settle();

            assertThat(authorizations).as(log.text()).containsExactly("Bearer hook-s3cret");
            assertThat(log.text()).doesNotContain("hook-s3cret");
            assertThat(context.failure()).as(log.text()).isNull();
            assertThat(kube.apps().deployments().inNamespace(NS).withName("web-canary").get())
                    .as("the rollout went on after the hook").isNotNull();
        } finally {
            hookServer.stop(0);
        }
    }
}
