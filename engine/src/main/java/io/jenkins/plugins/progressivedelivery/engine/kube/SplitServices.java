package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stable and canary Services a route splits between, checked for a preflight: both exist, the stable one
 * selects the stable pods and not the canary's, and the other way round, so that each share of traffic reaches
 * exactly the pods it is meant for. Shared by the routers that split between two Services.
 */
public final class SplitServices {
    private SplitServices() {
    }

    /**
     * @param path the plan section, {@code traffic.gatewayAPI}: problems are at {@code path.stableService} and
     *             {@code path.canaryService}
     */
    public static List<ValidationError> verify(KubernetesClient client, String namespace, Workloads workloads,
                                               String stableService, String canaryService, String path) {
        List<ValidationError> problems = new ArrayList<>();
        CanaryPods pods = pods(workloads);
        Service stable = read(client, namespace, stableService, path + ".stableService", "stable", problems);
        if (stable != null && pods != null) {
            Map<String, String> selector = stable.getSpec().getSelector();
            if (!Labels.serviceSelects(selector, pods.stablePodLabels())) {
                problems.add(new ValidationError(path + ".stableService", "service " + stableService + " selects "
                        + Labels.format(selector) + ", which does not match the stable pods "
                        + Labels.format(pods.stablePodLabels()) + "; point its selector at them"));
            } else if (Labels.serviceSelects(selector, pods.canaryPodLabels())) {
                problems.add(new ValidationError(path + ".stableService", "service " + stableService + " selects "
                        + Labels.format(selector) + ", which also matches the canary pods "
                        + Labels.format(pods.canaryPodLabels()) + ", so the stable share of traffic would reach the"
                        + " canary too; select on a label the canary labels override (e.g. track: stable)"));
            }
        }
        Service canary = read(client, namespace, canaryService, path + ".canaryService", "canary", problems);
        if (canary != null && pods != null) {
            Map<String, String> selector = canary.getSpec().getSelector();
            if (!Labels.serviceSelects(selector, pods.canaryPodLabels())) {
                problems.add(new ValidationError(path + ".canaryService", "service " + canaryService + " selects "
                        + Labels.format(selector) + ", which does not match the canary pods "
                        + Labels.format(pods.canaryPodLabels()) + "; select them, e.g. with the canary labels "
                        + Labels.format(workloads.target().canaryLabels()) + " and the app label"));
            } else if (Labels.serviceSelects(selector, pods.stablePodLabels())) {
                problems.add(new ValidationError(path + ".canaryService", "service " + canaryService + " selects "
                        + Labels.format(selector) + ", which also matches the stable pods "
                        + Labels.format(pods.stablePodLabels()) + "; add the canary labels "
                        + Labels.format(workloads.target().canaryLabels()) + " to its selector"));
            }
        }
        return problems;
    }

    private static Service read(KubernetesClient client, String namespace, String name, String path, String side,
                                List<ValidationError> problems) {
        if (name == null || name.isBlank()) {
            problems.add(new ValidationError(path, "is missing; give the name of the Service selecting the " + side
                    + " pods"));
            return null;
        }
        int known = problems.size();
        ReadModifyWrite rmw = new ReadModifyWrite(client);
        Service service = KubeErrors.orProblem(() -> rmw.read(client.services().inNamespace(namespace),
                KubeRef.service(namespace, name)), path, problems);
        if (service == null && problems.size() == known) {
            problems.add(new ValidationError(path, "service " + name + " not found in namespace " + namespace
                    + "; create it, selecting the " + side + " pods"));
        }
        return service;
    }

    /** Null when the stable Deployment cannot be read: that is reported by the workloads' own check. */
    private static CanaryPods pods(Workloads workloads) {
        try {
            return workloads.findStable().map(stable -> CanaryDeployments.pods(stable, workloads.target()))
                    .orElse(null);
        } catch (ClusterException e) {
            if (e.isTransient()) {
                throw e;
            }
            return null;
        }
    }
}
