package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * Traffic split by the weights of the two {@code backendRefs} (the stable and the canary Service) of one rule of a
 * Kubernetes Gateway API route: an {@code HTTPRoute} or a {@code GRPCRoute} (exactly one of the two).
 *
 * @param rule the {@code name} of the rule to manage; may be omitted when the route has exactly one rule
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayApiSpec(
        String httpRoute,
        String grpcRoute,
        String rule,
        String stableService,
        String canaryService) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@code HTTPRoute} or {@code GRPCRoute}. */
    @JsonIgnore
    public String kind() {
        return grpcRoute != null ? "GRPCRoute" : "HTTPRoute";
    }

    /** The route's name. */
    @JsonIgnore
    public String routeName() {
        return grpcRoute != null ? grpcRoute : httpRoute;
    }

    /** The plan field that names the route: {@code traffic.gatewayAPI.httpRoute} or {@code ...grpcRoute}. */
    @JsonIgnore
    public String routeField() {
        return "traffic.gatewayAPI." + (grpcRoute != null ? "grpcRoute" : "httpRoute");
    }
}
