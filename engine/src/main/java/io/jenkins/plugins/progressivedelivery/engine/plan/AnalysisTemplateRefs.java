package io.jenkins.plugins.progressivedelivery.engine.plan;

/** Whether a plan names AnalysisTemplates to read from the cluster before it runs. */
public final class AnalysisTemplateRefs {
    private AnalysisTemplateRefs() {
    }

    public static boolean any(CanaryPlan plan) {
        if (plan.analysis() != null && !plan.analysis().templates().isEmpty()) {
            return true;
        }
        return plan.steps().stream().anyMatch(step -> step instanceof PlanStep.Analysis a
                && !a.analysis().templates().isEmpty());
    }

    public static boolean any(BlueGreenPlan plan) {
        return named(plan.prePromotionAnalysis()) || named(plan.postPromotionAnalysis());
    }

    public static boolean any(DeliveryPlan plan) {
        return plan instanceof BlueGreenPlan blueGreen ? any(blueGreen) : any((CanaryPlan) plan);
    }

    private static boolean named(AnalysisSpec spec) {
        return spec != null && !spec.templates().isEmpty();
    }
}
