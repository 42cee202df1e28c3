package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * A label every series of the application has: {@code seriesLabel(name: 'app', value: 'web')}; the map
 * {@code [app: 'web']} binds as these.
 */
public final class SeriesLabel extends AbstractDescribableImpl<SeriesLabel> {
    private final String name;
    private final String value;

    @DataBoundConstructor
    public SeriesLabel(String name, String value) {
        this.name = name == null || name.isBlank() ? null : name.trim();
        this.value = value;
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }

    /** The labels as the plan's mapping; null when none were given. */
    public static Map<String, Object> toPlan(java.util.List<SeriesLabel> labels) {
        return Literals.mapping(labels, SeriesLabel::getName, SeriesLabel::getValue);
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
