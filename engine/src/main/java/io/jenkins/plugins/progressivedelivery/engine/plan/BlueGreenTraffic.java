package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * How a blue-green switch moves production traffic. Without {@code istio}, the active Service's selector is flipped
 * from one colour to the other; with it, a VirtualService route's weights are.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlueGreenTraffic(BlueGreenIstioSpec istio) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final BlueGreenTraffic SERVICE_SELECTOR = new BlueGreenTraffic(null);

    @JsonIgnore
    public boolean isServiceSelector() {
        return istio == null;
    }
}
