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
 * One metric of an analysis, with the fields of an Argo Rollouts AnalysisTemplate metric:
 * {@code metric(name: 'error-ratio', interval: '1m', count: 5, successCondition: 'result[0] <= 0.01',
 * provider: prometheus(query: '...'))}, or the same as a map. The engine checks the values (durations, the
 * condition's syntax, limits) and names the field in its error.
 *
 * <p>Or a built-in metric with a threshold instead of a provider and a condition:
 * {@code [name: 'success-rate', min: 99]}, {@code metric(name: 'latency-p99', max: 500, interval: '1m', count: 5)};
 * the engine writes its PromQL for the workload being judged ({@code workload} and {@code namespace} name another,
 * and {@code analysisGate}, which judges none, needs them).
 *
 * <p>A field the engine learns is a {@code @DataBoundSetter} here, a line in
 * {@link #toPlan()} and a {@code help-<field>.html}.
 */
public final class Metric extends AbstractDescribableImpl<Metric> {
    private final String name;
    private String interval;
    private Integer count;
    private String initialDelay;
    private String successCondition;
    private String failureCondition;
    private Integer failureLimit;
    private Integer inconclusiveLimit;
    private Integer consecutiveErrorLimit;
    private Integer consecutiveSuccessLimit;
    private MetricProvider provider;
    private String builtin;
    private Double min;
    private Double max;
    private String workload;
    private String namespace;

    @DataBoundConstructor
    public Metric(String name) {
        this.name = name == null ? null : name.trim();
    }

    public String getName() {
        return name;
    }

    public String getInterval() {
        return interval;
    }

    @DataBoundSetter
    public void setInterval(String interval) {
        this.interval = interval;
    }

    public Integer getCount() {
        return count;
    }

    @DataBoundSetter
    public void setCount(Integer count) {
        this.count = count;
    }

    public String getInitialDelay() {
        return initialDelay;
    }

    @DataBoundSetter
    public void setInitialDelay(String initialDelay) {
        this.initialDelay = initialDelay;
    }

    public String getSuccessCondition() {
        return successCondition;
    }

    @DataBoundSetter
    public void setSuccessCondition(String successCondition) {
        this.successCondition = successCondition;
    }

    public String getFailureCondition() {
        return failureCondition;
    }

    @DataBoundSetter
    public void setFailureCondition(String failureCondition) {
        this.failureCondition = failureCondition;
    }

    public Integer getFailureLimit() {
        return failureLimit;
    }

    @DataBoundSetter
    public void setFailureLimit(Integer failureLimit) {
        this.failureLimit = failureLimit;
    }

    public Integer getInconclusiveLimit() {
        return inconclusiveLimit;
    }

    @DataBoundSetter
    public void setInconclusiveLimit(Integer inconclusiveLimit) {
        this.inconclusiveLimit = inconclusiveLimit;
    }

    public Integer getConsecutiveErrorLimit() {
        return consecutiveErrorLimit;
    }

    @DataBoundSetter
    public void setConsecutiveErrorLimit(Integer consecutiveErrorLimit) {
        this.consecutiveErrorLimit = consecutiveErrorLimit;
    }

    public Integer getConsecutiveSuccessLimit() {
        return consecutiveSuccessLimit;
    }

    /** Successful as soon as this many measurements in a row were; with {@code failureLimit: -1} the only rule. */
    @DataBoundSetter
    public void setConsecutiveSuccessLimit(Integer consecutiveSuccessLimit) {
        this.consecutiveSuccessLimit = consecutiveSuccessLimit;
    }

    public MetricProvider getProvider() {
        return provider;
    }

    @DataBoundSetter
    public void setProvider(MetricProvider provider) {
        this.provider = provider;
    }

    public String getBuiltin() {
        return builtin;
    }

    /** The built-in metric measured, when the metric's {@code name} is not itself one ({@code name: 'p99'}). */
    @DataBoundSetter
    public void setBuiltin(String builtin) {
        this.builtin = builtin;
    }

    public Double getMin() {
        return min;
    }

    /** A built-in metric passes at this value or more ({@code success-rate}, in percent). */
    @DataBoundSetter
    public void setMin(Double min) {
        this.min = min;
    }

    public Double getMax() {
        return max;
    }

    /** A built-in metric passes at this value or less (the latencies, in milliseconds). */
    @DataBoundSetter
    public void setMax(Double max) {
        this.max = max;
    }

    public String getWorkload() {
        return workload;
    }

    /** The Deployment a built-in metric measures; by default the one being judged. */
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

    public Map<String, Object> toPlan() {
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("name", name);
        Literals.put(metric, "interval", interval);
        Literals.put(metric, "count", count);
        Literals.put(metric, "initialDelay", initialDelay);
        Literals.put(metric, "successCondition", successCondition);
        Literals.put(metric, "failureCondition", failureCondition);
        Literals.put(metric, "failureLimit", failureLimit);
        Literals.put(metric, "inconclusiveLimit", inconclusiveLimit);
        Literals.put(metric, "consecutiveErrorLimit", consecutiveErrorLimit);
        Literals.put(metric, "consecutiveSuccessLimit", consecutiveSuccessLimit);
        if (provider != null) {
            metric.put("provider", provider.toPlan());
        }
        Literals.put(metric, "builtin", builtin);
        Literals.put(metric, "min", min);
        Literals.put(metric, "max", max);
        Literals.put(metric, "workload", workload);
        Literals.put(metric, "namespace", namespace);
        return metric;
    }

    @Extension
    @Symbol("metric")
    public static final class DescriptorImpl extends Descriptor<Metric> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Metric";
        }

        /** {@code provider: [prometheus: [...]]}, the AnalysisTemplate's shape, as the symbol it names. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.symbolValue(Literals.checked(Metric.class, arguments), "provider");
        }
    }
}
