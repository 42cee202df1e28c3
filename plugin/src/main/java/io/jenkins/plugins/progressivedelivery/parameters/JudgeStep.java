package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code judge(metrics: [judgeMetric('success-rate'), judgeMetric('latency-p99')], window: '10m')} /
 * {@code [judge: [metrics: ['success-rate', 'latency-p99'], window: '10m']]}: compares the canary with its baseline (or
 * the stable) metric by metric, with a Mann-Whitney U test, and continues only if the score passes. The engine's
 * {@code JudgeSpec} checks the values and names the field in its error.
 */
public final class JudgeStep extends CanaryPlanStep {
    private List<JudgeMetric> metrics;
    private PrometheusEndpoint prometheus;
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
    public JudgeStep() {
    }

    public List<JudgeMetric> getMetrics() {
        return metrics;
    }

    @DataBoundSetter
    public void setMetrics(List<JudgeMetric> metrics) {
        this.metrics = Literals.copy(metrics);
    }

    public PrometheusEndpoint getPrometheus() {
        return prometheus;
    }

    @DataBoundSetter
    public void setPrometheus(PrometheusEndpoint prometheus) {
        this.prometheus = prometheus;
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
        Literals.put(judge, "metrics", Literals.plans(metrics, JudgeMetric::toPlan));
        Literals.put(judge, "prometheus", prometheus == null ? null : prometheus.toPlan());
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

        /** {@code metrics: ['success-rate']} (built-in metrics by name), and whole numbers for the thresholds. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.doubles(Literals.named(Literals.checked(JudgeStep.class, arguments), "metrics", "name"), "confidence", "tolerance", "pass", "marginal");
        }
    }
}
