package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.Descriptor;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * An annotation for the canary Ingress: {@code ingressAnnotation(name: 'canary-by-header', value: 'X-Canary')}; the map
 * {@code ['canary-by-header': 'X-Canary']} binds as these.
 */
public final class IngressAnnotation extends AbstractNameValue<IngressAnnotation> {
    @DataBoundConstructor
    public IngressAnnotation(String name, String value) {
        super(name == null || name.isBlank() ? null : name.trim(), value);
    }

    @Extension
    @Symbol("ingressAnnotation")
    public static final class DescriptorImpl extends Descriptor<IngressAnnotation> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Ingress annotation";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(IngressAnnotation.class, arguments);
        }
    }
}
