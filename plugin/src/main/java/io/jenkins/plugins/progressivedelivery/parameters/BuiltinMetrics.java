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
 * {@code canaryRollout}'s {@code metrics}, the plan's {@code metrics}: where the built-in metrics of {@code judge}
 * steps come from, given once: {@code [prometheus: [address: 'http://prometheus:9090'], minRequests: 100]}.
 */
public final class BuiltinMetrics extends AbstractDescribableImpl<BuiltinMetrics> {
    private PrometheusEndpoint prometheus;
    private RequestMetric requests;
    private Integer minRequests;

    @DataBoundConstructor
    public BuiltinMetrics() {
    }

    public PrometheusEndpoint getPrometheus() {
        return prometheus;
    }

    @DataBoundSetter
    public void setPrometheus(PrometheusEndpoint prometheus) {
        this.prometheus = prometheus;
    }

    public RequestMetric getRequests() {
        return requests;
    }

    @DataBoundSetter
    public void setRequests(RequestMetric requests) {
        this.requests = requests;
    }

    public Integer getMinRequests() {
        return minRequests;
    }

    @DataBoundSetter
    public void setMinRequests(Integer minRequests) {
        this.minRequests = minRequests;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        Literals.put(metrics, "prometheus", prometheus == null ? null : prometheus.toPlan());
        Literals.put(metrics, "requests", requests == null ? null : requests.toPlan());
        Literals.put(metrics, "minRequests", minRequests);
        return metrics;
    }

    @Extension
    @Symbol("builtinMetrics")
    public static final class DescriptorImpl extends Descriptor<BuiltinMetrics> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Built-in metrics";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(BuiltinMetrics.class, arguments);
        }
    }
}
