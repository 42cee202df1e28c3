package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A request counter and latency histogram of the application's own, for the built-in metrics without Istio:
 * {@code [workloadLabel: 'version', labels: [app: 'web']]}.
 */
public final class RequestMetric extends AbstractDescribableImpl<RequestMetric> {
    private String metric;
    private String codeLabel;
    private String latencyHistogram;
    private String latencyUnit;
    private String workloadLabel;
    private RequestWorkloads workloads;
    private List<SeriesLabel> labels;

    @DataBoundConstructor
    public RequestMetric() {
    }

    public String getMetric() {
        return metric;
    }

    @DataBoundSetter
    public void setMetric(String metric) {
        this.metric = metric;
    }

    public String getCodeLabel() {
        return codeLabel;
    }

    @DataBoundSetter
    public void setCodeLabel(String codeLabel) {
        this.codeLabel = codeLabel;
    }

    public String getLatencyHistogram() {
        return latencyHistogram;
    }

    @DataBoundSetter
    public void setLatencyHistogram(String latencyHistogram) {
        this.latencyHistogram = latencyHistogram;
    }

    public String getLatencyUnit() {
        return latencyUnit;
    }

    @DataBoundSetter
    public void setLatencyUnit(String latencyUnit) {
        this.latencyUnit = latencyUnit;
    }

    public String getWorkloadLabel() {
        return workloadLabel;
    }

    @DataBoundSetter
    public void setWorkloadLabel(String workloadLabel) {
        this.workloadLabel = workloadLabel;
    }

    public RequestWorkloads getWorkloads() {
        return workloads;
    }

    @DataBoundSetter
    public void setWorkloads(RequestWorkloads workloads) {
        this.workloads = workloads;
    }

    public List<SeriesLabel> getLabels() {
        return labels;
    }

    @DataBoundSetter
    public void setLabels(List<SeriesLabel> labels) {
        this.labels = Literals.copy(labels);
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> requests = new LinkedHashMap<>();
        Literals.put(requests, "metric", metric);
        Literals.put(requests, "codeLabel", codeLabel);
        Literals.put(requests, "latencyHistogram", latencyHistogram);
        Literals.put(requests, "latencyUnit", latencyUnit);
        Literals.put(requests, "workloadLabel", workloadLabel);
        Literals.put(requests, "workloads", workloads == null ? null : workloads.toPlan());
        Literals.put(requests, "labels", SeriesLabel.toPlan(labels));
        return requests;
    }

    @Extension
    @Symbol("requestMetric")
    public static final class DescriptorImpl extends Descriptor<RequestMetric> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Request metric of the application";
        }

        /** {@code labels: [app: 'web']} as a list of series labels. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.pairs(Literals.checked(RequestMetric.class, arguments), "labels", "name", "value");
        }
    }
}
