package io.jenkins.plugins.progressivedelivery.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisTemplates;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.util.ArrayList;
import java.util.List;
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

    public ClusterAnalysisTemplates(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
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
        List<AnalysisTemplates.Named> templates = new ArrayList<>();
        List<ValidationError> errors = new ArrayList<>();
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
                errors.add(new ValidationError(at + ".templateName",
                        KubeErrors.toClusterException(e, "read " + label).getMessage()));
                continue;
            }
            if (resource == null) {
                errors.add(new ValidationError(at + ".templateName", label + " does not exist"
                        + (ref.cluster() ? "" : " (a ClusterAnalysisTemplate needs clusterScope: true)")));
                continue;
            }
            JsonNode tree = EngineJson.JSON.valueToTree(resource.getAdditionalProperties().get("spec"));
            try {
                templates.add(new AnalysisTemplates.Named(label, PlanLoader.analysisFromTree(tree, label)));
            } catch (InvalidPlanException e) {
                e.errors().forEach(error -> errors.add(new ValidationError(at + " (" + label + ") "
                        + error.path(), error.message())));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("The analysis templates", errors);
        }
        AnalysisSpec merged = AnalysisTemplates.merge(templates, spec.args(), spec, path.isEmpty() ? "the analysis"
                : path);
        if (spec.conditionLanguage() != null && merged.conditionLanguage() == null) {
            merged = new AnalysisSpec(merged.args(), merged.metrics(), merged.dryRun(), merged.measurementRetention(),
                    null, spec.conditionLanguage());
        }
        List<ValidationError> invalid = AnalysisValidation.validate(merged, path, false);
        if (!invalid.isEmpty()) {
            throw new InvalidPlanException("The merged analysis templates", invalid);
        }
        return merged;
    }

    /** The plan with every analysis step's templates read and merged in. */
    public CanaryPlan resolve(CanaryPlan plan) {
        List<PlanStep> steps = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < plan.steps().size(); i++) {
            PlanStep step = plan.steps().get(i);
            if (step instanceof PlanStep.Analysis analysis && !analysis.analysis().templates().isEmpty()) {
                AnalysisSpec resolved = resolve(analysis.analysis(), "steps[" + i + "].analysis");
                List<ValidationError> errors = AnalysisValidation.validate(resolved, "steps[" + i + "].analysis",
                        true);
                if (!errors.isEmpty()) {
                    throw new InvalidPlanException("The analysis templates of steps[" + i + "]", errors);
                }
                steps.add(new PlanStep.Analysis(resolved));
                changed = true;
            } else {
                steps.add(step);
            }
        }
        CanaryPlan resolved = changed ? plan.withSteps(steps) : plan;
        if (plan.analysis() != null && !plan.analysis().templates().isEmpty()) {
            resolved = resolved.withAnalysis(plan.analysis().withSpec(resolve(plan.analysis().spec(), "analysis")));
        }
        return resolved;
    }
}
