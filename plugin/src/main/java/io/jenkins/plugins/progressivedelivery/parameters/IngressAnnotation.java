package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * An annotation for the canary Ingress: {@code ingressAnnotation(name: 'canary-by-header', value: 'X-Canary')}; the map
 * {@code ['canary-by-header': 'X-Canary']} binds as these.
 */
public final class IngressAnnotation extends AbstractDescribableImpl<IngressAnnotation> {
    private final String name;
    private final String value;

    @DataBoundConstructor
    public IngressAnnotation(String name, String value) {
        this.name = name == null || name.isBlank() ? null : name.trim();
        this.value = value;
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }

    /** The annotations as the plan's mapping; null when none were given. */
    public static Map<String, Object> toPlan(java.util.List<IngressAnnotation> annotations) {
        return Literals.mapping(annotations, IngressAnnotation::getName, IngressAnnotation::getValue);
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
