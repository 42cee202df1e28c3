package io.jenkins.plugins.progressivedelivery.engine.doctor;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;

/**
 * Everything the doctor's checks look at, as read from the cluster: the checks are pure functions of it.
 *
 * @param canary              a canary (weights move connections gradually) rather than a blue-green switch
 * @param deployment          the Deployment whose pods take production traffic now
 * @param container           the container the plan gives the new image
 * @param newImage            the image the plan delivers
 * @param services            the Services that select the Deployment's pods
 * @param disruptionBudgets   the PodDisruptionBudgets of the namespace
 * @param autoscalers         the HorizontalPodAutoscalers of the namespace
 * @param virtualService      the VirtualService the plan routes with, or null
 * @param route               the name of the HTTP route it manages, or null for the only one
 * @param destinationRules    the DestinationRules for the hosts the plan routes to
 * @param subsetRule          the DestinationRule whose subsets the plan routes to, or null
 * @param subsetPods          for a subset split that the engine does not rewrite: each subset's name and the labels
 *                            of the pods it must select
 */
public record WorkloadFacts(
        boolean canary,
        Deployment deployment,
        String container,
        String newImage,
        List<Service> services,
        List<PodDisruptionBudget> disruptionBudgets,
        List<HorizontalPodAutoscaler> autoscalers,
        GenericKubernetesResource virtualService,
        String route,
        List<GenericKubernetesResource> destinationRules,
        GenericKubernetesResource subsetRule,
        Map<String, Map<String, String>> subsetPods) {

    public WorkloadFacts {
        services = services == null ? List.of() : List.copyOf(services);
        disruptionBudgets = disruptionBudgets == null ? List.of() : List.copyOf(disruptionBudgets);
        autoscalers = autoscalers == null ? List.of() : List.copyOf(autoscalers);
        destinationRules = destinationRules == null ? List.of() : List.copyOf(destinationRules);
        subsetPods = subsetPods == null ? Map.of() : Map.copyOf(subsetPods);
    }
}
