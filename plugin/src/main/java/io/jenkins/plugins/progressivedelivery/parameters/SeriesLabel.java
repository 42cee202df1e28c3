package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.Descriptor;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * A label every series of the application has: {@code seriesLabel(name: 'app', value: 'web')}; the map
 * {@code [app: 'web']} binds as these.
 */
public final class SeriesLabel extends AbstractNameValue<SeriesLabel> {
    @DataBoundConstructor
    public SeriesLabel(String name, String value) {
        super(name == null || name.isBlank() ? null : name.trim(), value);
    }

    @Extension
    @Symbol("seriesLabel")
    public static final class DescriptorImpl extends Descriptor<SeriesLabel> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Series label";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(SeriesLabel.class, arguments);
        }
    }
}
