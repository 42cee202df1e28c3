package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code canaryRollout}'s {@code nginx}, the plan's {@code traffic.nginx}: a canary Ingress made from
 * {@code stableIngress} carries the weight: {@code [stableIngress: 'web', stableService: 'web-stable',
 * canaryService: 'web-canary']}.
 */
public final class NginxIngress extends AbstractDescribableImpl<NginxIngress> {
    private String stableIngress;
    private String stableService;
    private String canaryService;
    private List<IngressAnnotation> additionalIngressAnnotations;

    @DataBoundConstructor
    public NginxIngress() {
    }

    public String getStableIngress() {
        return stableIngress;
    }

    @DataBoundSetter
    public void setStableIngress(String stableIngress) {
        this.stableIngress = stableIngress;
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

    public List<IngressAnnotation> getAdditionalIngressAnnotations() {
        return additionalIngressAnnotations;
    }

    @DataBoundSetter
    public void setAdditionalIngressAnnotations(List<IngressAnnotation> additionalIngressAnnotations) {
        this.additionalIngressAnnotations = Literals.copy(additionalIngressAnnotations);
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> nginx = new LinkedHashMap<>();
        Literals.put(nginx, "stableIngress", stableIngress);
        Literals.put(nginx, "stableService", stableService);
        Literals.put(nginx, "canaryService", canaryService);
        Literals.put(nginx, "additionalIngressAnnotations", IngressAnnotation.toPlan(additionalIngressAnnotations));
        return nginx;
    }

    @Extension
    @Symbol("nginx")
    public static final class DescriptorImpl extends Descriptor<NginxIngress> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "ingress-nginx canary Ingress";
        }

        /** {@code additionalIngressAnnotations: ['canary-by-header': 'X-Canary']} as a list of annotations. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.pairs(Literals.checked(NginxIngress.class, arguments), "additionalIngressAnnotations", "name", "value");
        }
    }
}
