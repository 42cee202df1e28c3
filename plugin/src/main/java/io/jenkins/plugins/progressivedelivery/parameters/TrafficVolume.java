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
 * The doctor's {@code traffic}: how to measure the service's request rate, for the traffic-volume check:
 * {@code [prometheus: [address: '...', query: 'sum(rate(http_requests_total{service="web"}[5m]))'], minimumRequests: 100]}.
 */
public final class TrafficVolume extends AbstractDescribableImpl<TrafficVolume> {
    private PrometheusQuery prometheus;
    private Integer minimumRequests;

    @DataBoundConstructor
    public TrafficVolume() {
    }

    public PrometheusQuery getPrometheus() {
        return prometheus;
    }

    @DataBoundSetter
    public void setPrometheus(PrometheusQuery prometheus) {
        this.prometheus = prometheus;
    }

    public Integer getMinimumRequests() {
        return minimumRequests;
    }

    @DataBoundSetter
    public void setMinimumRequests(Integer minimumRequests) {
        this.minimumRequests = minimumRequests;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> traffic = new LinkedHashMap<>();
        Literals.put(traffic, "prometheus", prometheus == null ? null : prometheus.toPlan().get("prometheus"));
        Literals.put(traffic, "minimumRequests", minimumRequests);
        return traffic;
    }

    @Extension
    @Symbol("trafficVolume")
    public static final class DescriptorImpl extends Descriptor<TrafficVolume> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Traffic volume check";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(TrafficVolume.class, arguments);
        }
    }
}
