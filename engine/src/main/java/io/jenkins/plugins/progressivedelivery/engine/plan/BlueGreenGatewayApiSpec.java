package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * Production traffic of a blue-green deployment routed by one rule of a Gateway API HTTPRoute or GRPCRoute, whose two
 * backendRefs are the Services {@code blueService} and {@code greenService}: all of it on one (weights 100 and 0);
 * the switch moves it to the other in one write.
 *
 * @param rule the {@code name} of the rule to switch; may be omitted when the route has exactly one rule
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlueGreenGatewayApiSpec(
        String httpRoute,
        String grpcRoute,
        String rule,
        String blueService,
        String greenService) implements Serializable {

    private static final long serialVersionUID = 1L;

    public String service(Colour colour) {
        return colour == Colour.BLUE ? blueService : greenService;
    }

    /** The same route as the canary router reads it: blue where it says stable, green where it says canary. */
    @JsonIgnore
    public GatewayApiSpec asSplit() {
        return new GatewayApiSpec(httpRoute, grpcRoute, rule, blueService, greenService);
    }
}
