package io.jenkins.plugins.progressivedelivery.cli;

import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.kube.ClusterAnalysisTemplates;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code validate PLAN.yaml}: checks a plan without a cluster, and with {@code --kubeconfig}/{@code --context} the
 * AnalysisTemplates it names as well, reading them (GET only) and reporting every problem of each.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Loads and checks a canary or blue-green plan and prints every problem with its field path"
                + " (e.g. steps[3].setWeight) and how to fix it.",
            "With --kubeconfig or --context it also reads the AnalysisTemplates and ClusterAnalysisTemplates the plan"
                + " names (templates: [{templateName: ...}]) and reports every problem of each in the same list: a"
                + " missing template, conditions that do not parse, provider problems, limits that cannot be met,"
                + " arguments without a value (give them with --arg as for run), metrics merged twice. It only reads"
                + " (get on analysistemplates and clusteranalysistemplates); nothing is changed. Without them no"
                + " cluster is touched, and the references it could not check are listed.",
            "Exit code 0 when valid, 2 when not, 5 when a cluster was given but a template could not be read"
                + " (unreachable, forbidden): nothing is known to be wrong, nothing was checked."})
final class ValidateCommand implements Callable<Integer> {
    /** A template could not be read from the cluster that was asked for. */
    static final int UNCHECKED = ExitCodes.FAILED;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PLAN.yaml", description = "The plan, in YAML or JSON.")
    private Path plan;

    @Mixin
    private ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--arg", paramLabel = "NAME=VALUE", mapFallbackValue = "",
            description = "An analysis argument ({{args.NAME}}), as run takes it: checked against the templates'"
                    + " arguments; repeatable.")
    private Map<String, String> args = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<DeliveryPlan> loaded = PlanFiles.load(plan, err);
        if (loaded.isEmpty()) {
            return PlanFiles.INVALID;
        }
        Map<String, Map.Entry<AnalysisSpec, Boolean>> named = ClusterAnalysisTemplates.namedIn(loaded.get());
        if (named.isEmpty()) {
            out.println(plan + " is valid: " + describe(loaded.get()));
            out.flush();
            return 0;
        }
        if (!cluster.given()) {
            out.println(plan + " is valid as far as it can be checked without the cluster: "
                    + describe(loaded.get()));
            out.println("Not checked: the AnalysisTemplates it names (give --kubeconfig FILE or --context NAME to"
                    + " read them):");
            references(loaded.get(), named).forEach(line -> out.println("  " + line));
            out.flush();
            return 0;
        }
        List<ValidationError> problems = new ArrayList<>();
        List<ValidationError> unreadable = new ArrayList<>();
        java.util.Set<String> declared = new java.util.TreeSet<>(declaredInline(loaded.get()));
        boolean[] allMerged = {true};
        try (KubernetesClient client = KubeClients.create(cluster.connection())) {
            ClusterAnalysisTemplates templates = new ClusterAnalysisTemplates(client, namespace(loaded.get()));
            named.forEach((path, analysis) -> {
                ClusterAnalysisTemplates.Check check = templates.check(analysis.getKey(), path,
                        analysis.getValue(), args);
                problems.addAll(check.problems());
                unreadable.addAll(check.unreadable());
                if (check.declared() == null) {
                    allMerged[0] = false;
                } else {
                    declared.addAll(check.declared());
                }
            });
        } catch (RuntimeException e) {
            // no client (a kubeconfig without the context, an unreadable file): nothing could be read
            references(loaded.get(), named).forEach(line -> unreadable.add(new ValidationError(line,
                    "could not be read: " + e.getMessage())));
        }
        if (allMerged[0] && unreadable.isEmpty()) {
            // as run: one set of arguments serves the whole plan, and each must be declared by one of its analyses
            args.keySet().stream().filter(name -> !declared.contains(name)).forEach(name -> problems.add(
                    new ValidationError("--arg " + name, "is not declared by any analysis of the plan (declared: "
                            + (declared.isEmpty() ? "none" : String.join(", ", declared)) + "); remove it or"
                            + " declare it")));
        }
        if (!problems.isEmpty()) {
            PlanFiles.print(plan, new InvalidPlanException(plan.toString(), problems), err);
            printUnreadable(unreadable, err);
            return PlanFiles.INVALID;
        }
        if (!unreadable.isEmpty()) {
            err.println(plan + " is valid as far as it could be checked, but not every AnalysisTemplate could be"
                    + " read:");
            printUnreadable(unreadable, err);
            return UNCHECKED;
        }
        out.println(plan + " is valid, with its " + named.values().stream().mapToInt(a -> a.getKey().templates()
                .size()).sum() + " AnalysisTemplate reference(s) read from the cluster: " + describe(loaded.get()));
        out.flush();
        return 0;
    }

    /** The arguments the plan's analyses without templates declare. */
    private static List<String> declaredInline(DeliveryPlan plan) {
        List<AnalysisSpec> analyses = new ArrayList<>();
        if (plan instanceof BlueGreenPlan blueGreen) {
            analyses.add(blueGreen.prePromotionAnalysis());
            analyses.add(blueGreen.postPromotionAnalysis());
        } else {
            CanaryPlan canary = (CanaryPlan) plan;
            if (canary.analysis() != null) {
                analyses.add(canary.analysis().spec());
            }
            canary.steps().stream().filter(step -> step instanceof PlanStep.Analysis)
                    .forEach(step -> analyses.add(((PlanStep.Analysis) step).analysis()));
        }
        List<String> names = new ArrayList<>();
        analyses.stream().filter(a -> a != null && a.templates().isEmpty())
                .forEach(a -> a.args().forEach(arg -> names.add(arg.name())));
        return names;
    }

    private static void printUnreadable(List<ValidationError> unreadable, PrintWriter err) {
        if (unreadable.isEmpty()) {
            return;
        }
        err.println("Not checked (" + unreadable.size() + "): ");
        unreadable.forEach(error -> err.println("  " + error));
        err.flush();
    }

    private static String namespace(DeliveryPlan plan) {
        return plan instanceof BlueGreenPlan blueGreen ? blueGreen.target().namespace()
                : ((CanaryPlan) plan).target().namespace();
    }

    /** Each reference with its path: {@code steps[2].analysis.templates[0]: AnalysisTemplate demo/success-rate}. */
    private static List<String> references(DeliveryPlan plan, Map<String, Map.Entry<AnalysisSpec, Boolean>> named) {
        List<String> lines = new ArrayList<>();
        named.forEach((path, analysis) -> {
            List<AnalysisSpec.TemplateRef> refs = analysis.getKey().templates();
            for (int i = 0; i < refs.size(); i++) {
                AnalysisSpec.TemplateRef ref = refs.get(i);
                lines.add(path + ".templates[" + i + "]: " + (ref.cluster() ? "ClusterAnalysisTemplate "
                        + ref.templateName() : "AnalysisTemplate " + namespace(plan) + "/" + ref.templateName()));
            }
        });
        return lines;
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
        if (!(step instanceof PlanStep.Analysis a)) {
            return step.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        }
        List<String> parts = new ArrayList<>(a.analysis().metrics().stream().map(m -> m.name()).toList());
        a.analysis().templates().forEach(ref -> parts.add("template " + ref.templateName()));
        return "analysis of " + String.join(" and ", parts);
    }
}
