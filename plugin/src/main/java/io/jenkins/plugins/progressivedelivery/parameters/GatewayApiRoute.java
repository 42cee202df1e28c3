package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code canaryRollout}'s {@code gatewayAPI}, the plan's {@code traffic.gatewayAPI}: the weights of the stable and
 * canary {@code backendRefs} of one rule of an HTTPRoute or GRPCRoute: {@code [httpRoute: 'web', stableService:
 * 'web-stable', canaryService: 'web-canary']}.
 */
public final class GatewayApiRoute extends AbstractDescribableImpl<GatewayApiRoute> {
    private String httpRoute;
    private String grpcRoute;
    private String rule;
    private String stableService;
    private String canaryService;

    @DataBoundConstructor
    public GatewayApiRoute() {
    }

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

    public String getStableService() {
        return stableService;
    }

    @DataBoundSetter
    public void setStableService(String stableService) {
        this.stableService = stableService;
    }

    public String getCanaryService() {
        return canaryService;
    }

    @DataBoundSetter
    public void setCanaryService(String canaryService) {
        this.canaryService = canaryService;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> gatewayApi = new LinkedHashMap<>();
        Literals.put(gatewayApi, "httpRoute", httpRoute);
        Literals.put(gatewayApi, "grpcRoute", grpcRoute);
        Literals.put(gatewayApi, "rule", rule);
        Literals.put(gatewayApi, "stableService", stableService);
        Literals.put(gatewayApi, "canaryService", canaryService);
        return gatewayApi;
    }

    @Extension
    @Symbol("gatewayAPI")
    public static final class DescriptorImpl extends Descriptor<GatewayApiRoute> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Gateway API route";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(GatewayApiRoute.class, arguments);
        }
    }
}
