package io.jenkins.plugins.progressivedelivery.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plan crosses an agent's channel once per session: the first call carries it, the next ones do not; when the
 * agent no longer has the session (restarted, reconnected, idle client closed) the call says so and is sent again,
 * once, with the plan. Counted in bytes through the serialising channel.
 */
class PlanOncePerSessionTest {
    private static final String NS = "demo";
    private final MockKubernetes cluster = new MockKubernetes();
    private final SerialisingAgent agent = new SerialisingAgent();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void thePlanIsSentWithTheFirstCallOnlyAndAgainOnceWhenTheAgentLostTheSession() {
        cluster.client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(2)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("web:1.0").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        cluster.markRolledOut(NS, "web");
        CanaryPlan plan = PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: 'web:2.0'}
                steps:
                  - setWeight: 25
                  - pause: 1h
                  - setWeight: 50
                  - pause: 1h
                """, "plan.yaml");
        RemoteCanaryCluster remote = new RemoteCanaryCluster(Where.agent(agent, "linux-1"),
                ClusterAccess.of(KubernetesConnection.token(cluster.url(), "t", null)), plan);
        try {
            Readiness first = remote.stableReadiness();
            Readiness second = remote.stableReadiness();
            assertThat(first.ready()).isTrue();
            assertThat(second.ready()).isTrue();
            List<Integer> sent = agent.requestBytes();
            assertThat(sent).hasSize(2);
            int planBytes = Serialized.toBytes(plan).length;
            assertThat(sent.get(0) - sent.get(1)).as("the first call carries the plan (%d bytes), the second not",
                    planBytes).isGreaterThanOrEqualTo(planBytes / 2);

            KubeClientCache.shared().release(remote.session()); // as if the agent had restarted
            assertThat(remote.stableReadiness().ready()).isTrue();
            sent = agent.requestBytes();
            assertThat(sent).as("without the plan, told the session is gone, once more with it").hasSize(4);
            assertThat(sent.get(2)).isEqualTo(sent.get(1));
            assertThat(sent.get(3)).isEqualTo(sent.get(0));

            assertThat(remote.stableReadiness().ready()).isTrue();
            assertThat(agent.requestBytes()).hasSize(5).last().isEqualTo(sent.get(1));
        } finally {
            remote.close();
        }
    }
}
