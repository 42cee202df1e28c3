package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * A {@code dryRun} entry of an analysis: {@code [metricName: 'latency']} or {@code [metricName: '.*']}.
 */
public final class DryRunMetric extends AbstractDescribableImpl<DryRunMetric> {
    private final String metricName;

    @DataBoundConstructor
    public DryRunMetric(String metricName) {
        this.metricName = metricName == null || metricName.isBlank() ? null : metricName.trim();
    }

    public String getMetricName() {
        return metricName;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> selector = new LinkedHashMap<>();
        selector.put("metricName", metricName);
        return selector;
    }

    @Extension
    @Symbol("dryRunMetric")
    public static final class DescriptorImpl extends Descriptor<DryRunMetric> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Dry-run metric";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(DryRunMetric.class, arguments);
        }
    }
}
