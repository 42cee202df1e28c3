package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * How traffic is shifted, as an Argo Rollout's {@code trafficRouting} says it: by an Istio VirtualService
 * ({@code istio}), a Gateway API HTTPRoute or GRPCRoute ({@code gatewayAPI}) or an ingress-nginx canary Ingress
 * ({@code nginx}), at most one of them. Without any, the weight is approximated by the ratio of canary to stable
 * replicas (no mesh needed), which the log says at every step.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficSpec(IstioSpec istio, GatewayApiSpec gatewayAPI, NginxSpec nginx) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final TrafficSpec REPLICA_RATIO = new TrafficSpec(null, null, null);

    /** Istio, or the replica ratio when {@code istio} is null. */
    public TrafficSpec(IstioSpec istio) {
        this(istio, null, null);
    }

    @JsonIgnore
    public boolean isReplicaRatio() {
        return istio == null && gatewayAPI == null && nginx == null;
    }

    /** For the log: {@code Istio VirtualService web}, {@code Gateway API HTTPRoute web}, {@code replica ratio (no mesh)}. */
    public String describe() {
        if (gatewayAPI != null) {
            return "Gateway API " + gatewayAPI.kind() + " " + gatewayAPI.routeName();
        }
        if (nginx != null) {
            return "ingress-nginx canary Ingress " + nginx.canaryIngress() + " (from " + nginx.stableIngress() + ")";
        }
        return istio != null ? "Istio VirtualService " + istio.virtualService() : "replica ratio (no mesh)";
    }
}
