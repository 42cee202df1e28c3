package io.jenkins.plugins.progressivedelivery.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Arguments;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisTemplates;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusDefaults;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the AnalysisTemplates an analysis names ({@code templates: [{templateName: success-rate}, {templateName:
 * latency, clusterScope: true}]}) from the cluster, with the build's own client, and merges them into one analysis as
 * Argo Rollouts does ({@link AnalysisTemplates#merge}): the step's {@code args} give the templates' arguments their
 * values. Done before a rollout starts, so a missing template or a template that does not validate stops the build
 * before anything in the cluster changes. RBAC: {@code get} on {@code analysistemplates} (namespace) and, for
 * {@code clusterScope}, {@code clusteranalysistemplates} (cluster) in {@code argoproj.io}; Argo Rollouts itself need
 * not be installed, only its CRDs.
 */
public final class ClusterAnalysisTemplates {
    static final ResourceDefinitionContext TEMPLATES = new ResourceDefinitionContext.Builder()
            .withGroup("argoproj.io").withVersion("v1alpha1").withKind("AnalysisTemplate")
            .withPlural("analysistemplates").withNamespaced(true).build();
    static final ResourceDefinitionContext CLUSTER_TEMPLATES = new ResourceDefinitionContext.Builder()
            .withGroup("argoproj.io").withVersion("v1alpha1").withKind("ClusterAnalysisTemplate")
            .withPlural("clusteranalysistemplates").withNamespaced(false).build();

    private final KubernetesClient client;
    private final String namespace;
    private PrometheusDefaults prometheusDefaults;

    /** @param namespace where AnalysisTemplates are read; null for the client's own ({@link KubeClients#namespace}) */
    public ClusterAnalysisTemplates(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = KubeClients.namespace(client, namespace);
    }

    public String namespace() {
        return namespace;
    }

    /**
     * The Prometheus server of the templates' metrics that name none, as Argo's controller takes its address from
     * {@code ARGO_ROLLOUTS_PROMETHEUS_ADDRESS}; in Jenkins the configured server, whose timeout and headers then apply
     * as they do to the Jenkinsfile's metrics ({@link PrometheusDefaults}). Null: none, every metric gives its address.
     */
    public ClusterAnalysisTemplates withPrometheusDefaults(PrometheusDefaults defaults) {
        this.prometheusDefaults = defaults;
        return this;
    }

    /**
     * The analysis with its {@code templates} read and merged in; unchanged when it names none.
     *
     * @param path where the analysis sits ({@code steps[2].analysis}), for messages
     * @throws InvalidPlanException naming each template that is missing, unreadable or invalid
     */
    public AnalysisSpec resolve(AnalysisSpec spec, String path) {
        if (spec == null || spec.templates().isEmpty()) {
            return spec;
        }
        Read read = read(spec, path);
        List<ValidationError> errors = new ArrayList<>(read.problems());
        read.unreadable().forEach(unreadable -> errors.add(unreadable.error()));
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("The analysis templates", errors);
        }
        AnalysisSpec merged = merge(spec, read.templates(), path);
        List<ValidationError> invalid = AnalysisValidation.validate(merged, path, false);
        if (!invalid.isEmpty()) {
            throw new InvalidPlanException("The merged analysis templates", invalid);
        }
        return merged;
    }

    /**
     * Every problem of the templates an analysis names, without running anything and with reads only (GET): each
     * template that is missing or does not validate (its own problems, all of them), then, when all could be read,
     * what the merge finds (metric names used twice, arguments that disagree or that no template declares), the
     * merged analysis' validation ({@code stepAnalysis}: it must end) and the arguments without a value once
     * {@code runArguments} are given. A template that could not be read (the API server unreachable, no RBAC) is
     * reported apart: nothing is known about it.
     */
    public Check check(AnalysisSpec spec, String path, boolean stepAnalysis, Map<String, String> runArguments) {
        if (spec == null || spec.templates().isEmpty()) {
            return new Check(List.of(), List.of(), List.of());
        }
        Read read = read(spec, path);
        List<ValidationError> problems = new ArrayList<>(read.problems());
        List<String> declared = null;
        if (problems.isEmpty() && read.unreadable().isEmpty()) {
            try {
                AnalysisSpec merged = merge(spec, read.templates(), path);
                declared = merged.args().stream().map(arg -> arg.name()).toList();
                problems.addAll(AnalysisValidation.validate(merged, path, stepAnalysis));
                Map<String, String> own = new LinkedHashMap<>();
                merged.args().forEach(arg -> {
                    if (runArguments.containsKey(arg.name())) {
                        own.put(arg.name(), runArguments.get(arg.name()));
                    }
                });
                Arguments.resolve(merged, own, path);
            } catch (InvalidPlanException e) {
                e.errors().forEach(error -> problems.add(error.path().startsWith(path) ? error
                        : new ValidationError(error.path().isEmpty() ? path : path + "." + error.path(),
                                error.message())));
            }
        }
        return new Check(problems, read.unreadable().stream().map(Unreadable::error).toList(), declared);
    }

    /**
     * What {@link #check} found.
     *
     * @param problems   what is wrong with the templates, each with its path
     * @param unreadable the templates that could not be read, and why: unchecked, not known to be wrong
     * @param declared   the arguments the merged analysis declares; null when it could not be merged
     */
    public record Check(List<ValidationError> problems, List<ValidationError> unreadable, List<String> declared) {
    }

    private record Unreadable(ValidationError error) {
    }

    private record Read(List<AnalysisTemplates.Named> templates, List<ValidationError> problems,
                        List<Unreadable> unreadable) {
    }

    private Read read(AnalysisSpec spec, String path) {
        List<AnalysisTemplates.Named> templates = new ArrayList<>();
        List<ValidationError> problems = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        for (int i = 0; i < spec.templates().size(); i++) {
            AnalysisSpec.TemplateRef ref = spec.templates().get(i);
            String at = (path.isEmpty() ? "" : path + ".") + "templates[" + i + "]";
            String kind = ref.cluster() ? "ClusterAnalysisTemplate" : "AnalysisTemplate";
            String label = kind + " " + (ref.cluster() ? "" : namespace + "/") + ref.templateName();
            GenericKubernetesResource resource;
            try {
                resource = ref.cluster()
                        ? client.genericKubernetesResources(CLUSTER_TEMPLATES).withName(ref.templateName()).get()
                        : client.genericKubernetesResources(TEMPLATES).inNamespace(namespace)
                                .withName(ref.templateName()).get();
            } catch (KubernetesClientException e) {
                unreadable.add(new Unreadable(new ValidationError(at + ".templateName",
                        KubeErrors.toClusterException(e, "read " + label).getMessage())));
                continue;
            }
            if (resource == null) {
                problems.add(new ValidationError(at + ".templateName", label + " does not exist"
                        + (ref.cluster() ? " (an AnalysisTemplate in " + namespace + " needs no clusterScope)"
                        : " (a ClusterAnalysisTemplate needs clusterScope: true)")));
                continue;
            }
            Object templateSpec = resource.getAdditionalProperties().get("spec");
            if (prometheusDefaults != null) {
                prometheusDefaults.fillMetrics(templateSpec); // before loading: validation sees what will be sent
            }
            JsonNode tree = EngineJson.JSON.valueToTree(templateSpec);
            try {
                templates.add(new AnalysisTemplates.Named(label, PlanLoader.analysisFromTree(tree, label)));
            } catch (InvalidPlanException e) {
                e.errors().forEach(error -> problems.add(new ValidationError(at + " (" + label + ") "
                        + error.path(), error.message())));
            }
        }
        return new Read(templates, problems, unreadable);
    }

    private static AnalysisSpec merge(AnalysisSpec spec, List<AnalysisTemplates.Named> templates, String path) {
        AnalysisSpec merged = AnalysisTemplates.merge(templates, spec.args(), spec, path.isEmpty() ? "the analysis"
                : path);
        if (spec.conditionLanguage() != null && merged.conditionLanguage() == null) {
            merged = new AnalysisSpec(merged.args(), merged.metrics(), merged.dryRun(), merged.measurementRetention(),
                    null, spec.conditionLanguage());
        }
        return merged;
    }

    /** The blue-green plan with its pre- and post-promotion analyses' templates read and merged in. */
    public BlueGreenPlan resolve(BlueGreenPlan plan) {
        List<ValidationError> errors = new ArrayList<>();
        AnalysisSpec pre = resolveStep(plan.prePromotionAnalysis(), "prePromotionAnalysis", errors);
        AnalysisSpec post = resolveStep(plan.postPromotionAnalysis(), "postPromotionAnalysis", errors);
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("The analysis templates of the blue-green plan", errors);
        }
        return plan.withAnalyses(pre, post);
    }

    /** One analysis that must end (a step's, a blue-green gate's), resolved; its problems added to {@code errors}. */
    private AnalysisSpec resolveStep(AnalysisSpec spec, String path, List<ValidationError> errors) {
        if (spec == null || spec.templates().isEmpty()) {
            return spec;
        }
        try {
            AnalysisSpec resolved = resolve(spec, path);
            errors.addAll(AnalysisValidation.validate(resolved, path, true));
            return resolved;
        } catch (InvalidPlanException e) {
            errors.addAll(e.errors());
            return spec;
        }
    }

    /** The plan with every analysis step's templates (and the background analysis') read and merged in. */
    public CanaryPlan resolve(CanaryPlan plan) {
        List<PlanStep> steps = new ArrayList<>();
        List<ValidationError> errors = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < plan.steps().size(); i++) {
            PlanStep step = plan.steps().get(i);
            if (step instanceof PlanStep.Analysis analysis && !analysis.analysis().templates().isEmpty()) {
                steps.add(new PlanStep.Analysis(resolveStep(analysis.analysis(), "steps[" + i + "].analysis",
                        errors)));
                changed = true;
            } else {
                steps.add(step);
            }
        }
        CanaryPlan resolved = changed ? plan.withSteps(steps) : plan;
        if (plan.analysis() != null && !plan.analysis().templates().isEmpty()) {
            try {
                resolved = resolved.withAnalysis(plan.analysis().withSpec(resolve(plan.analysis().spec(),
                        "analysis")));
            } catch (InvalidPlanException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("The analysis templates", errors);
        }
        return resolved;
    }

    /**
     * Every analysis of a plan that names templates, by its path in the plan, with whether it must end (a step's or
     * a blue-green gate's) or may run until stopped (background analysis).
     */
    public static Map<String, Map.Entry<AnalysisSpec, Boolean>> namedIn(DeliveryPlan plan) {
        Map<String, Map.Entry<AnalysisSpec, Boolean>> analyses = new LinkedHashMap<>();
        if (plan instanceof BlueGreenPlan blueGreen) {
            putNamed(analyses, "prePromotionAnalysis", blueGreen.prePromotionAnalysis(), true);
            putNamed(analyses, "postPromotionAnalysis", blueGreen.postPromotionAnalysis(), true);
            return analyses;
        }
        CanaryPlan canary = (CanaryPlan) plan;
        if (canary.analysis() != null) {
            putNamed(analyses, "analysis", canary.analysis().spec(), false);
        }
        for (int i = 0; i < canary.steps().size(); i++) {
            if (canary.steps().get(i) instanceof PlanStep.Analysis analysis) {
                putNamed(analyses, "steps[" + i + "].analysis", analysis.analysis(), true);
            }
        }
        return analyses;
    }

    private static void putNamed(Map<String, Map.Entry<AnalysisSpec, Boolean>> analyses, String path,
                                 AnalysisSpec spec, boolean mustEnd) {
        if (spec != null && !spec.templates().isEmpty()) {
            analyses.put(path, Map.entry(spec, mustEnd));
        }
    }
}
