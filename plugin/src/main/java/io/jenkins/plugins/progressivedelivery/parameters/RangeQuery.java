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
 * Argo's {@code rangeQuery} of a Prometheus query: {@code [start: 'now() - duration("5m")', end: 'now()', step: '1m']};
 * every value of every series is one element of {@code result}.
 */
public final class RangeQuery extends AbstractDescribableImpl<RangeQuery> {
    private String start;
    private String end;
    private String step;

    @DataBoundConstructor
    public RangeQuery() {
    }

    public String getStart() {
        return start;
    }

    @DataBoundSetter
    public void setStart(String start) {
        this.start = start;
    }

    public String getEnd() {
        return end;
    }

    @DataBoundSetter
    public void setEnd(String end) {
        this.end = end;
    }

    public String getStep() {
        return step;
    }

    @DataBoundSetter
    public void setStep(String step) {
        this.step = step;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> range = new LinkedHashMap<>();
        Literals.put(range, "start", start);
        Literals.put(range, "end", end);
        Literals.put(range, "step", step);
        return range;
    }

    @Extension
    @Symbol("rangeQuery")
    public static final class DescriptorImpl extends Descriptor<RangeQuery> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Range query";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(RangeQuery.class, arguments);
        }
    }
}
