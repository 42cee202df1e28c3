package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.TrafficSpec;
import io.jenkins.plugins.progressivedelivery.engine.traffic.TrafficRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi.GatewayApiRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioVirtualServiceRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.nginx.NginxCanaryIngressRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.replica.ReplicaRatioRouter;

/** The one place that turns a plan's {@code traffic} section into the router that carries it out. */
public final class TrafficRouters {
    private TrafficRouters() {
    }

    public static TrafficRouter forPlan(KubernetesClient client, String namespace, CanaryPlan plan,
                                        Workloads workloads) {
        TrafficSpec traffic = plan.traffic();
        if (traffic.gatewayAPI() != null) {
            return new GatewayApiRouter(client, namespace, traffic.gatewayAPI(), workloads);
        }
        if (traffic.nginx() != null) {
            return new NginxCanaryIngressRouter(client, namespace, traffic.nginx(), workloads);
        }
        if (traffic.istio() != null) {
            return new IstioVirtualServiceRouter(client, namespace, traffic.istio(), workloads,
                    plan.effectiveBaseline() ? plan.target().baselineDeployment() : null);
        }
        return new ReplicaRatioRouter(workloads);
    }
}
