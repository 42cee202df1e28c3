package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.Descriptor;
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
public final class GatewayApiRoute extends AbstractGatewayApiRoute<GatewayApiRoute> {
    private String stableService;
    private String canaryService;

    @DataBoundConstructor
    public GatewayApiRoute() {
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

    @Override
    protected void putServices(Map<String, Object> gatewayApi) {
        Literals.put(gatewayApi, "stableService", stableService);
        Literals.put(gatewayApi, "canaryService", canaryService);
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
