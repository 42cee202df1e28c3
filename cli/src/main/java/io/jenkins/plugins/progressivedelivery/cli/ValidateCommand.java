package io.jenkins.plugins.progressivedelivery.cli;

import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate PLAN.yaml}: checks a plan without a cluster. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Loads and checks a canary or blue-green plan without touching any cluster, and prints every problem with"
                + " its field path (e.g. steps[3].setWeight) and how to fix it.",
            "Exit code 0 when valid, 2 when not."})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PLAN.yaml", description = "The plan, in YAML or JSON.")
    private Path plan;

    @Override
    public Integer call() {
        Optional<DeliveryPlan> loaded = PlanFiles.load(plan, spec.commandLine().getErr());
        if (loaded.isEmpty()) {
            return PlanFiles.INVALID;
        }
        spec.commandLine().getOut().println(plan + " is valid: " + describe(loaded.get()));
        spec.commandLine().getOut().flush();
        return 0;
    }

    static String describe(DeliveryPlan plan) {
        if (plan instanceof BlueGreenPlan blueGreen) {
            return describe(blueGreen);
        }
        return describe((CanaryPlan) plan);
    }

    static String describe(BlueGreenPlan plan) {
        return "blue-green switch to " + plan.target().image() + " for " + plan.target().namespace() + "/"
                + plan.target().deployment() + "-{blue,green} (" + (plan.traffic() == null || plan.traffic().isServiceSelector()
                ? "active Service " + plan.activeService() : plan.traffic().describe(plan.activeService())) + ", preview Service " + plan.previewService() + "); "
                + (plan.prePromotionAnalysis() == null ? "no" : "a") + " pre-promotion analysis, "
                + (plan.autoPromotionSeconds() == null ? "promotion by a person"
                : "automatic promotion after " + plan.autoPromotionSeconds() + "s") + ", "
                + (plan.postPromotionAnalysis() == null ? "no" : "a") + " post-promotion analysis";
    }

    static String describe(CanaryPlan plan) {
        String steps = plan.steps().stream().map(ValidateCommand::describe).collect(Collectors.joining(", "));
        return "canary of " + plan.target().image() + " for deployment/" + plan.target().namespace() + "/"
                + plan.target().deployment() + " (" + (plan.traffic().isReplicaRatio()
                ? "replica ratio, no mesh" : plan.traffic().describe())
                + "); steps: " + steps;
    }

    private static String describe(PlanStep step) {
        if (step instanceof PlanStep.SetWeight w) {
            return "weight " + w.weight() + "%";
        }
        if (step instanceof PlanStep.Pause p) {
            return p.indefinite() ? "pause until promoted"
                    : "pause " + io.jenkins.plugins.progressivedelivery.engine.plan.Durations.format(p.duration());
        }
        if (step instanceof PlanStep.SetHeaderRoute h) {
            return h.removes() ? "remove header route " + h.name() : "header route " + h.name() + " to the canary";
        }
        if (step instanceof PlanStep.SetMirrorRoute m) {
            return m.removes() ? "remove mirror route " + m.name()
                    : "mirror route " + m.name() + " (" + m.effectivePercentage() + "% to the canary)";
        }
        if (step instanceof PlanStep.SetCanaryScale c) {
            return "canary scale " + (c.replicas() != null ? c.replicas() + " replicas"
                    : c.weight() != null ? c.weight() + "% of stable" : "matching the traffic weight");
        }
        PlanStep.Analysis a = (PlanStep.Analysis) step;
        return "analysis of " + a.analysis().metrics().stream().map(m -> m.name())
                .collect(Collectors.joining(" and "));
    }
}
