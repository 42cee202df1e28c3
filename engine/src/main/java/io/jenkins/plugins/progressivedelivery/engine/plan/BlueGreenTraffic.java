package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * How a blue-green switch moves production traffic. Without {@code istio} or {@code gatewayAPI}, the active
 * Service's selector is flipped from one colour to the other; with one of them, a VirtualService route's or a Gateway
 * API rule's weights are.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlueGreenTraffic(BlueGreenIstioSpec istio, BlueGreenGatewayApiSpec gatewayAPI) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final BlueGreenTraffic SERVICE_SELECTOR = new BlueGreenTraffic(null, null);

    /** Istio, or the Service selector when {@code istio} is null. */
    public BlueGreenTraffic(BlueGreenIstioSpec istio) {
        this(istio, null);
    }

    @JsonIgnore
    public boolean isServiceSelector() {
        return istio == null && gatewayAPI == null;
    }

    /** For the log: {@code Istio VirtualService web}, {@code Gateway API HTTPRoute web}. */
    public String describe(String activeService) {
        if (gatewayAPI != null) {
            GatewayApiSpec split = gatewayAPI.asSplit();
            return "Gateway API " + split.kind() + " " + split.routeName();
        }
        return istio != null ? "Istio VirtualService " + istio.virtualService() : "Service " + activeService;
    }
}
