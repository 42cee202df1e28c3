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
 * The values of a request metric's workload label for each Deployment: {@code [stable: 'v1', canary: 'v2',
 * baseline: 'v2-baseline']}; by default the Deployments' names.
 */
public final class RequestWorkloads extends AbstractDescribableImpl<RequestWorkloads> {
    private String stable;
    private String canary;
    private String baseline;

    @DataBoundConstructor
    public RequestWorkloads() {
    }

    public String getStable() {
        return stable;
    }

    @DataBoundSetter
    public void setStable(String stable) {
        this.stable = stable;
    }

    public String getCanary() {
        return canary;
    }

    @DataBoundSetter
    public void setCanary(String canary) {
        this.canary = canary;
    }

    public String getBaseline() {
        return baseline;
    }

    @DataBoundSetter
    public void setBaseline(String baseline) {
        this.baseline = baseline;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> workloads = new LinkedHashMap<>();
        Literals.put(workloads, "stable", stable);
        Literals.put(workloads, "canary", canary);
        Literals.put(workloads, "baseline", baseline);
        return workloads;
    }

    @Extension
    @Symbol("requestWorkloads")
    public static final class DescriptorImpl extends Descriptor<RequestWorkloads> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Workload label values";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(RequestWorkloads.class, arguments);
        }
    }
}
