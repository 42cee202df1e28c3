package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/** A pod label: {@code podLabel(name: 'track', value: 'canary')}; the map {@code [track: 'canary']} binds as these. */
public final class PodLabel extends AbstractDescribableImpl<PodLabel> {
    private final String name;
    private final String value;

    @DataBoundConstructor
    public PodLabel(String name, String value) {
        this.name = name == null ? null : name.trim();
        this.value = value;
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }

    /** The labels as the plan's {@code target.canaryLabels} mapping; null when none were given. */
    public static Map<String, Object> toPlan(List<PodLabel> labels) {
        return Literals.mapping(labels, PodLabel::getName, PodLabel::getValue);
    }

    @Extension
    @Symbol("podLabel")
    public static final class DescriptorImpl extends Descriptor<PodLabel> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Pod label";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(PodLabel.class, arguments);
        }
    }
}
