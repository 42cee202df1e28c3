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
 * One side of {@code analysisGate}'s judge, the control or the experiment: {@code [workload: 'checkout', namespace:
 * 'prod']} (Istio's destination workload), or label matchers of the series, {@code [labels: [version: 'v2']]}, or
 * both. The map literal and {@code judgeSide(workload: ..., namespace: ...)} bind alike.
 */
public final class JudgeSide extends AbstractDescribableImpl<JudgeSide> {
    private String workload;
    private String namespace;
    private List<SeriesLabel> labels;

    @DataBoundConstructor
    public JudgeSide() {
    }

    public String getWorkload() {
        return workload;
    }

    @DataBoundSetter
    public void setWorkload(String workload) {
        this.workload = workload;
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public List<SeriesLabel> getLabels() {
        return labels;
    }

    @DataBoundSetter
    public void setLabels(List<SeriesLabel> labels) {
        this.labels = Literals.copy(labels);
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> side = new LinkedHashMap<>();
        Literals.put(side, "workload", workload);
        Literals.put(side, "namespace", namespace);
        Literals.put(side, "labels", SeriesLabel.toPlan(labels));
        return side;
    }

    @Extension
    @Symbol("judgeSide")
    public static final class DescriptorImpl extends Descriptor<JudgeSide> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Series to compare (workload and namespace, or labels)";
        }

        /** {@code labels: [version: 'v2']} as a list of series labels. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.pairs(Literals.checked(JudgeSide.class, arguments), "labels", "name", "value");
        }
    }
}
