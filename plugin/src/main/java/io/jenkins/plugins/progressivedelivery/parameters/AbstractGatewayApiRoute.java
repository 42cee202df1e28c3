package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.model.AbstractDescribableImpl;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The part of a step's {@code gatewayAPI} that names one rule of an HTTPRoute or GRPCRoute ({@code httpRoute} or
 * {@code grpcRoute}, and {@code rule}), shared by {@code canaryRollout}'s {@link GatewayApiRoute} and
 * {@code blueGreenSwitch}'s {@link BlueGreenGatewayApiRoute}, which add the two Services the rule's backendRefs name.
 * structs and Stapler bind the inherited {@code @DataBoundSetter}s; each subclass keeps its own symbol, form and help
 * (Jenkins looks help up in the subclass first).
 */
public abstract class AbstractGatewayApiRoute<T extends AbstractGatewayApiRoute<T>> extends AbstractDescribableImpl<T> {
    private String httpRoute;
    private String grpcRoute;
    private String rule;

    public String getHttpRoute() {
        return httpRoute;
    }

    @DataBoundSetter
    public void setHttpRoute(String httpRoute) {
        this.httpRoute = httpRoute;
    }

    public String getGrpcRoute() {
        return grpcRoute;
    }

    @DataBoundSetter
    public void setGrpcRoute(String grpcRoute) {
        this.grpcRoute = grpcRoute;
    }

    public String getRule() {
        return rule;
    }

    @DataBoundSetter
    public void setRule(String rule) {
        this.rule = rule;
    }

    /** The plan's {@code traffic.gatewayAPI}: the route and rule, then the subclass's Services. */
    public final Map<String, Object> toPlan() {
        Map<String, Object> gatewayApi = new LinkedHashMap<>();
        Literals.put(gatewayApi, "httpRoute", httpRoute);
        Literals.put(gatewayApi, "grpcRoute", grpcRoute);
        Literals.put(gatewayApi, "rule", rule);
        putServices(gatewayApi);
        return gatewayApi;
    }

    /** Adds the Services the rule's two backendRefs name, in the engine's names for them. */
    protected abstract void putServices(Map<String, Object> gatewayApi);
}
