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
 * One metric of a {@code judge} step: a built-in one by name ({@code 'success-rate'} in the list is short for
 * {@code judgeMetric('success-rate')}), or one of your own with a {@code query}. The engine validates it.
 */
public final class JudgeMetric extends AbstractDescribableImpl<JudgeMetric> {
    private final String name;
    private String query;
    private String direction;
    private Double weight;
    private Boolean critical;
    private String effectSize;
    private Double high;
    private Double low;

    @DataBoundConstructor
    public JudgeMetric(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public String getQuery() {
        return query;
    }

    @DataBoundSetter
    public void setQuery(String query) {
        this.query = query;
    }

    public String getDirection() {
        return direction;
    }

    @DataBoundSetter
    public void setDirection(String direction) {
        this.direction = direction;
    }

    public Double getWeight() {
        return weight;
    }

    @DataBoundSetter
    public void setWeight(Double weight) {
        this.weight = weight;
    }

    public Boolean getCritical() {
        return critical;
    }

    @DataBoundSetter
    public void setCritical(Boolean critical) {
        this.critical = critical;
    }

    public String getEffectSize() {
        return effectSize;
    }

    @DataBoundSetter
    public void setEffectSize(String effectSize) {
        this.effectSize = effectSize;
    }

    public Double getHigh() {
        return high;
    }

    @DataBoundSetter
    public void setHigh(Double high) {
        this.high = high;
    }

    public Double getLow() {
        return low;
    }

    @DataBoundSetter
    public void setLow(Double low) {
        this.low = low;
    }

    /** The metric as the engine's plan reads it: its name alone when nothing else is set. */
    public Object toPlan() {
        Map<String, Object> metric = new LinkedHashMap<>();
        Literals.put(metric, "name", name);
        Literals.put(metric, "query", query);
        Literals.put(metric, "direction", direction);
        Literals.put(metric, "weight", weight);
        Literals.put(metric, "critical", critical);
        Literals.put(metric, "effectSize", effectSize);
        Literals.put(metric, "high", high);
        Literals.put(metric, "low", low);
        return metric.size() == 1 && name != null ? name.trim() : metric;
    }

    /**
     * {@code arguments} with the numbers under {@code keys} as doubles: Groovy writes {@code 0.98} as a BigDecimal and
     * {@code 2} as an Integer, which structs does not convert to a {@code Double} parameter.
     */
    static Map<String, Object> doubles(Map<String, Object> arguments, String... keys) {
        Map<String, Object> copy = null;
        for (String key : keys) {
            if (arguments.get(key) instanceof Number number && !(number instanceof Double)) {
                if (copy == null) {
                    copy = new LinkedHashMap<>(arguments);
                }
                copy.put(key, number.doubleValue());
            }
        }
        return copy == null ? arguments : copy;
    }

    @Extension
    @Symbol("judgeMetric")
    public static final class DescriptorImpl extends Descriptor<JudgeMetric> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Judged metric";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return doubles(Literals.checked(JudgeMetric.class, arguments), "weight", "high", "low");
        }
    }
}
