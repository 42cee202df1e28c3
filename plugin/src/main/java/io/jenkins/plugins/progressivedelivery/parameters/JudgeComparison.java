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
 * {@code analysisGate}'s {@code judge}: compares an experiment with a control, two label sets, over a window with the
 * canary judge's Mann-Whitney test, as Kayenta does without a rollout: {@code judge: [metrics: ['success-rate'],
 * control: [workload: 'checkout', namespace: 'prod'], experiment: [workload: 'checkout-canary', namespace: 'prod'],
 * window: '10m']}. The judge's own fields are those of a canary {@code judge} step (one home: a {@link JudgeStep}
 * holds them); without {@code address} the step's Prometheus server is used.
 */
public final class JudgeComparison extends AbstractDescribableImpl<JudgeComparison> {
    private final JudgeStep judge;
    private JudgeSide control;
    private JudgeSide experiment;
    private RequestMetric requests;
    private Boolean retrospective;

    @DataBoundConstructor
    public JudgeComparison(List<JudgeMetric> metrics) {
        this.judge = new JudgeStep(metrics);
    }

    public List<JudgeMetric> getMetrics() {
        return judge.getMetrics();
    }

    public JudgeSide getControl() {
        return control;
    }

    @DataBoundSetter
    public void setControl(JudgeSide control) {
        this.control = control;
    }

    public JudgeSide getExperiment() {
        return experiment;
    }

    @DataBoundSetter
    public void setExperiment(JudgeSide experiment) {
        this.experiment = experiment;
    }

    public RequestMetric getRequests() {
        return requests;
    }

    /** The application's request metric for the built-in metrics, when the series are not Istio's. */
    @DataBoundSetter
    public void setRequests(RequestMetric requests) {
        this.requests = requests;
    }

    public Boolean getRetrospective() {
        return retrospective;
    }

    @DataBoundSetter
    public void setRetrospective(Boolean retrospective) {
        this.retrospective = retrospective;
    }

    public String getAddress() {
        return judge.getAddress();
    }

    @DataBoundSetter
    public void setAddress(String address) {
        judge.setAddress(address);
    }

    public String getTimeout() {
        return judge.getTimeout();
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        judge.setTimeout(timeout);
    }

    public String getWindow() {
        return judge.getWindow();
    }

    @DataBoundSetter
    public void setWindow(String window) {
        judge.setWindow(window);
    }

    public String getStep() {
        return judge.getStep();
    }

    @DataBoundSetter
    public void setStep(String step) {
        judge.setStep(step);
    }

    public Double getConfidence() {
        return judge.getConfidence();
    }

    @DataBoundSetter
    public void setConfidence(Double confidence) {
        judge.setConfidence(confidence);
    }

    public Double getTolerance() {
        return judge.getTolerance();
    }

    @DataBoundSetter
    public void setTolerance(Double tolerance) {
        judge.setTolerance(tolerance);
    }

    public Integer getMinSamples() {
        return judge.getMinSamples();
    }

    @DataBoundSetter
    public void setMinSamples(Integer minSamples) {
        judge.setMinSamples(minSamples);
    }

    public Boolean getRemoveOutliers() {
        return judge.getRemoveOutliers();
    }

    @DataBoundSetter
    public void setRemoveOutliers(Boolean removeOutliers) {
        judge.setRemoveOutliers(removeOutliers);
    }

    public Double getPass() {
        return judge.getPass();
    }

    @DataBoundSetter
    public void setPass(Double pass) {
        judge.setPass(pass);
    }

    public Double getMarginal() {
        return judge.getMarginal();
    }

    @DataBoundSetter
    public void setMarginal(Double marginal) {
        judge.setMarginal(marginal);
    }

    public Integer getMinRequests() {
        return judge.getMinRequests();
    }

    @DataBoundSetter
    public void setMinRequests(Integer minRequests) {
        judge.setMinRequests(minRequests);
    }

    /** The engine's {@code JudgeGateSpec} as maps: {@code {judge: {...}, control, experiment, requests, ...}}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toPlan() {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("judge", new LinkedHashMap<>((Map<String, Object>) judge.toPlan().get("judge")));
        Literals.put(plan, "control", control == null ? null : control.toPlan());
        Literals.put(plan, "experiment", experiment == null ? null : experiment.toPlan());
        Literals.put(plan, "requests", requests == null ? null : requests.toPlan());
        Literals.put(plan, "retrospective", retrospective);
        return plan;
    }

    @Extension
    @Symbol("judgeComparison")
    public static final class DescriptorImpl extends Descriptor<JudgeComparison>
            implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Judge: compare an experiment with a control statistically";
        }

        /** The canary judge step's literal shapes (metric names, {@code prometheus: [...]}), the same binding. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            Map<String, Object> checked = Literals.checked(JudgeComparison.class, JudgeStep.literals(arguments));
            return JudgeMetric.doubles(checked, "confidence", "tolerance", "pass", "marginal");
        }
    }
}
