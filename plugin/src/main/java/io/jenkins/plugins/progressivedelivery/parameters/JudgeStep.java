package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code judge(metrics: ['success-rate', 'latency-p99'])} / {@code [judge: [metrics: [...]]]}: compares the canary
 * with its baseline (or the stable) on each metric with a Mann-Whitney U test, scores the result, and continues,
 * waits for a person (Marginal, Nodata) or rolls back. Without {@code address} the plan's {@code metrics.prometheus}
 * is used, else the step's Prometheus server ({@code prometheus: 'prod'}, or the first one configured).
 */
public final class JudgeStep extends CanaryPlanStep {
    private final List<JudgeMetric> metrics;
    private String address;
    private String timeout;
    private String window;
    private String step;
    private Double confidence;
    private Double tolerance;
    private Integer minSamples;
    private Boolean removeOutliers;
    private Double pass;
    private Double marginal;
    private Integer minRequests;

    @DataBoundConstructor
    public JudgeStep(List<JudgeMetric> metrics) {
        this.metrics = Literals.copy(metrics);
    }

    public List<JudgeMetric> getMetrics() {
        return metrics;
    }

    public String getAddress() {
        return address;
    }

    @DataBoundSetter
    public void setAddress(String address) {
        this.address = address;
    }

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public String getWindow() {
        return window;
    }

    @DataBoundSetter
    public void setWindow(String window) {
        this.window = window;
    }

    public String getStep() {
        return step;
    }

    @DataBoundSetter
    public void setStep(String step) {
        this.step = step;
    }

    public Double getConfidence() {
        return confidence;
    }

    @DataBoundSetter
    public void setConfidence(Double confidence) {
        this.confidence = confidence;
    }

    public Double getTolerance() {
        return tolerance;
    }

    @DataBoundSetter
    public void setTolerance(Double tolerance) {
        this.tolerance = tolerance;
    }

    public Integer getMinSamples() {
        return minSamples;
    }

    @DataBoundSetter
    public void setMinSamples(Integer minSamples) {
        this.minSamples = minSamples;
    }

    public Boolean getRemoveOutliers() {
        return removeOutliers;
    }

    @DataBoundSetter
    public void setRemoveOutliers(Boolean removeOutliers) {
        this.removeOutliers = removeOutliers;
    }

    public Double getPass() {
        return pass;
    }

    @DataBoundSetter
    public void setPass(Double pass) {
        this.pass = pass;
    }

    public Double getMarginal() {
        return marginal;
    }

    @DataBoundSetter
    public void setMarginal(Double marginal) {
        this.marginal = marginal;
    }

    public Integer getMinRequests() {
        return minRequests;
    }

    @DataBoundSetter
    public void setMinRequests(Integer minRequests) {
        this.minRequests = minRequests;
    }

    @Override
    public Map<String, Object> toPlan() {
        Map<String, Object> judge = new LinkedHashMap<>();
        if (metrics != null) {
            judge.put("metrics", metrics.stream().map(JudgeMetric::toPlan).toList());
        }
        if (address != null && !address.isBlank() || timeout != null && !timeout.isBlank()) {
            Map<String, Object> prometheus = new LinkedHashMap<>();
            Literals.put(prometheus, "address", address);
            Literals.put(prometheus, "timeout", timeout);
            judge.put("prometheus", prometheus);
        }
        Literals.put(judge, "window", window);
        Literals.put(judge, "step", step);
        Literals.put(judge, "confidence", confidence);
        Literals.put(judge, "tolerance", tolerance);
        Literals.put(judge, "minSamples", minSamples);
        Literals.put(judge, "removeOutliers", removeOutliers);
        Literals.put(judge, "pass", pass);
        Literals.put(judge, "marginal", marginal);
        Literals.put(judge, "minRequests", minRequests);
        return Map.of("judge", judge);
    }

    @Extension
    @Symbol("judge")
    public static final class DescriptorImpl extends CanaryPlanStepDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Judge (compare the canary with its baseline statistically)";
        }

        /**
         * The plan's shapes: {@code metrics: ['success-rate', [name: 'latency-p99', critical: true]]} (a name is a
         * built-in metric with its defaults) and {@code prometheus: [address: '...', timeout: '5s']}.
         */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return JudgeMetric.doubles(Literals.checked(JudgeStep.class, literals(arguments)), "confidence",
                    "tolerance", "pass", "marginal");
        }
    }

    /**
     * A judge's literal shapes rewritten for structs: {@code prometheus: [address: ..., timeout: ...]} as the two
     * fields, and a metric given by name as {@code [name: ...]}. Shared with {@code analysisGate}'s judge.
     */
    static Map<String, Object> literals(Map<String, Object> arguments) {
        Map<String, Object> copy = new LinkedHashMap<>(arguments);
        if (copy.get("prometheus") instanceof Map<?, ?> prometheus) {
            copy.remove("prometheus");
            prometheus.forEach((k, v) -> copy.put(String.valueOf(k), v));
        }
        if (copy.get("metrics") instanceof List<?> list) {
            List<Object> metrics = new ArrayList<>();
            for (Object metric : list) {
                metrics.add(metric instanceof CharSequence name ? Map.of("name", name.toString()) : metric);
            }
            copy.put("metrics", metrics);
        }
        return copy;
    }
}
