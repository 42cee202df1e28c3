package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * How traffic is shifted. With {@code istio} the weights are exact; without it the weight is approximated by the
 * ratio of canary to stable replicas (no mesh needed), which the log says at every step.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficSpec(IstioSpec istio) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final TrafficSpec REPLICA_RATIO = new TrafficSpec(null);

    @JsonIgnore
    public boolean isReplicaRatio() {
        return istio == null;
    }
}
