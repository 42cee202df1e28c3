package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.jenkins.plugins.progressivedelivery.engine.hooks.KubernetesHooks;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code canaryRollout} with a plan file's {@code preRollout} Job, inside {@code node {}}: the Job is created and
 * polled over an agent channel that serialises every call as remoting does; its failure ends the step with the
 * route untouched.
 */
class AgentHooksTest extends AgentCanaryScene {
    /** The scene's step, reading its steps and hooks from {@code deploy/canary.yaml} in {@code ws}. */
    private CanaryRolloutStep stepWithPlanFile(Path ws, String plan) throws Exception {
        Files.createDirectories(ws.resolve("deploy"));
        Files.writeString(ws.resolve("deploy/canary.yaml"), plan);
        CanaryRolloutStep step = step();
        step.setPlanFile("deploy/canary.yaml");
        return step;
    }

    @Test
    void aFailedPreRolloutJobEndsTheStepThroughTheAgentWithTheRouteUntouched(@TempDir Path ws) throws Exception {
        CanaryRolloutStep step = stepWithPlanFile(ws, """
                steps: [{setWeight: 20}, {setWeight: 100}]
                hooks:
                  preRollout:
                  - name: expand
                    job: {spec: {template: {spec: {containers: [{name: m, image: "web-migrations:2.0"}]}}}}
                """);
        Harness harness = harness();
        FakeStepContext context = context(ws.toString());

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
        assertThat(deployment("web-canary")).isNull();
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
            CanaryRolloutStep step = stepWithPlanFile(ws, """
                    steps: [{setWeight: 20}, {setWeight: 100}]
                    hooks:
                      preRollout:
                      - name: announce
                        webhook: {url: "http://127.0.0.1:%d/hook", credentialsId: hook-token}
                    """.formatted(hookServer.getAddress().getPort()));
            Harness harness = harness(new SecretText("hook-token", "hook-s3cret"));
            FakeStepContext context = context(ws.toString());

            new CanaryRolloutStep.Execution(step, context, harness.runtime).start();
            harness.settle();

            assertThat(authorizations).as(log.text()).containsExactly("Bearer hook-s3cret");
            assertThat(log.text()).doesNotContain("hook-s3cret");
            assertThat(context.failure()).as(log.text()).isNull();
            assertThat(deployment("web-canary")).as("the rollout went on after the hook").isNotNull();
        } finally {
            hookServer.stop(0);
        }
    }
}
