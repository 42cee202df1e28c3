package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.Descriptor;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code blueGreenSwitch}'s {@code gatewayAPI}, the plan's {@code traffic.gatewayAPI}: one rule of an HTTPRoute or
 * GRPCRoute whose two {@code backendRefs} are the blue and green Services, all the weight on one; the switch moves it in
 * one write: {@code [httpRoute: 'web', blueService: 'web-blue', greenService: 'web-green']}.
 */
public final class BlueGreenGatewayApiRoute extends AbstractGatewayApiRoute<BlueGreenGatewayApiRoute> {
    private String blueService;
    private String greenService;

    @DataBoundConstructor
    public BlueGreenGatewayApiRoute() {
    }

    public String getBlueService() {
        return blueService;
    }

    @DataBoundSetter
    public void setBlueService(String blueService) {
        this.blueService = blueService;
    }

    public String getGreenService() {
        return greenService;
    }

    @DataBoundSetter
    public void setGreenService(String greenService) {
        this.greenService = greenService;
    }

    @Override
    protected void putServices(Map<String, Object> gatewayApi) {
        Literals.put(gatewayApi, "blueService", blueService);
        Literals.put(gatewayApi, "greenService", greenService);
    }

    @Extension
    @Symbol("blueGreenGatewayAPI")
    public static final class DescriptorImpl extends Descriptor<BlueGreenGatewayApiRoute> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Gateway API route (blue-green)";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(BlueGreenGatewayApiRoute.class, arguments);
        }
    }
}
