package io.jenkins.plugins.progressivedelivery;

import hudson.EnvVars;
import hudson.FilePath;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import io.jenkins.plugins.progressivedelivery.remote.RemoteBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.remote.RemoteCanaryCluster;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of {@code canaryRollout} inside {@code node {}} start from (they extend it), made anew for each test:
 * on fabric8's mock API server, Deployment {@code demo/web}
 * ({@code web:1.0}, rolled out), Services {@code web-stable} and {@code web-canary}, VirtualService {@code web} whose
 * route {@code primary} sends everything to stable; an agent channel that serialises every call as remoting does; and
 * the step that targets all of it from the token credential {@code k8s-token}, run by the production cluster calls.
 */
abstract class AgentCanaryScene {
    static final String NS = "demo";
    static final SecretText CLUSTER_TOKEN = new SecretText("k8s-token", "agent-token");

    final SerialisingAgent agent = new SerialisingAgent();
    final FakeRun run = new FakeRun();
    final FakeListener log = new FakeListener();
    MockKubernetes cluster;
    KubernetesClient kube;

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

    /**
     * The step runtime with the production cluster calls, every metric 1.0, and the cluster token plus
     * {@code credentials} in the build's credential store.
     */
    Harness harness(SecretText... credentials) {
        Map<String, SecretText> byId = Stream.concat(Stream.of(CLUSTER_TOKEN), Stream.of(credentials))
                .collect(Collectors.toMap(SecretText::getId, Function.identity()));
        return new Harness(RemoteCanaryCluster::new, RemoteBlueGreenCluster::new,
                (metric, at) -> MetricValue.vector(List.of(1.0)), (id, r) -> byId.get(id));
    }

    /** The step's context inside {@code node {}}, its workspace at {@code workspace} on the agent. */
    FakeStepContext context(String workspace) {
        return new FakeStepContext(run, log, new EnvVars(), new FilePath(agent, workspace));
    }

    /** {@code canaryRollout} of {@code web:2.0} over the VirtualService, with no steps yet. */
    CanaryRolloutStep step() {
        CanaryRolloutStep step = new CanaryRolloutStep();
        step.setNamespace(NS);
        step.setDeployment("web");
        step.setContainer("app");
        step.setImage("web:2.0");
        step.setVirtualService("web");
        step.setRoute("primary");
        step.setStableService("web-stable");
        step.setCanaryService("web-canary");
        step.setCredentialsId(CLUSTER_TOKEN.getId());
        step.setServerUrl(cluster.url());
        return step;
    }

    /** The Deployment as the API server has it now, or null. */
    Deployment deployment(String name) {
        return kube.apps().deployments().inNamespace(NS).withName(name).get();
    }
}
