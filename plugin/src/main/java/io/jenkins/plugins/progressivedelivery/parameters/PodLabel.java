package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.Descriptor;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/** A pod label: {@code podLabel(name: 'track', value: 'canary')}; the map {@code [track: 'canary']} binds as these. */
public final class PodLabel extends AbstractNameValue<PodLabel> {
    @DataBoundConstructor
    public PodLabel(String name, String value) {
        super(name == null ? null : name.trim(), value);
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
