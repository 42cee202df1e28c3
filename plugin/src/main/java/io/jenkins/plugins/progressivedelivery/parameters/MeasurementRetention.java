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
 * A {@code measurementRetention} entry of an analysis: {@code [metricName: 'error-ratio', limit: 20]}.
 */
public final class MeasurementRetention extends AbstractDescribableImpl<MeasurementRetention> {
    private final String metricName;
    private final Integer limit;

    @DataBoundConstructor
    public MeasurementRetention(String metricName, Integer limit) {
        this.metricName = metricName == null || metricName.isBlank() ? null : metricName.trim();
        this.limit = limit;
    }

    public String getMetricName() {
        return metricName;
    }

    public Integer getLimit() {
        return limit;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> selector = new LinkedHashMap<>();
        selector.put("metricName", metricName);
        Literals.put(selector, "limit", limit);
        return selector;
    }

    @Extension
    @Symbol("measurementRetention")
    public static final class DescriptorImpl extends Descriptor<MeasurementRetention> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Measurement retention";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(MeasurementRetention.class, arguments);
        }
    }
}
