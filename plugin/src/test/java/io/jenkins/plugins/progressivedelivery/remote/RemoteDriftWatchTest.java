package io.jenkins.plugins.progressivedelivery.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import io.jenkins.plugins.progressivedelivery.fakes.MockKubernetes;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drift watch of a paused canary as the plugin drives it: with the calls on the controller, the watch runs in the
 * session's cached client and an edit of the route wakes the runner; inside {@code node {}} there is none (the runner
 * reads drift before its next step), and asking for it makes no call over the channel.
 */
class RemoteDriftWatchTest {
    private static final ResourceDefinitionContext VIRTUAL_SERVICES = new ResourceDefinitionContext.Builder()
            .withGroup("networking.istio.io").withVersion("v1").withKind("VirtualService")
            .withPlural("virtualservices").withNamespaced(true).build();
    private static final CanaryPlan PLAN = PlanLoader.loadCanary("""
            target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            steps:
              - setWeight: 20
              - pause: {}
            """, "canary.yaml");

    private final MockKubernetes cluster = new MockKubernetes();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void onTheControllerAnEditOfTheRouteWakesThePausedRunner() throws Exception {
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
                      weight: 80
                    - destination: {host: web-canary}
                      weight: 20
                """);
        RemoteCanaryCluster remote = new RemoteCanaryCluster(Where.controller(),
                ClusterAccess.of(KubernetesConnection.token(cluster.url(), "controller-token", null)), PLAN);
        Semaphore wakes = new Semaphore(0);
        Scheduler.Cancellable watch = remote.driftWatch().whenChanged(wakes::release);
        try {
            assertThat(wakes.tryAcquire(20, TimeUnit.SECONDS)).as("listed once").isTrue();
            wakes.drainPermits();

            var ops = cluster.client.genericKubernetesResources(VIRTUAL_SERVICES).inNamespace("demo");
            GenericKubernetesResource vs = ops.withName("web").get();
            List<Map<String, Object>> http = vs.get("spec", "http");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> route = (List<Map<String, Object>>) http.get(0).get("route");
            route.get(0).put("weight", 100);
            route.get(1).put("weight", 0);
            ops.resource(vs).update();

            assertThat(wakes.tryAcquire(20, TimeUnit.SECONDS)).as("woken by the edit").isTrue();
        } finally {
            watch.cancel();
            remote.close();
        }
    }

    @Test
    void insideNodeThereIsNoWatchAndNoCallCrossesTheChannel() {
        SerialisingAgent agent = new SerialisingAgent();
        RemoteCanaryCluster remote = new RemoteCanaryCluster(Where.agent(agent, "linux-1"),
                ClusterAccess.of(KubernetesConnection.token(cluster.url(), "agent-token", null)), PLAN);

        Scheduler.Cancellable watch = remote.driftWatch().whenChanged(() -> { });

        assertThat(watch).isSameAs(Scheduler.Cancellable.NONE);
        assertThat(agent.calls()).isZero();
    }
}
