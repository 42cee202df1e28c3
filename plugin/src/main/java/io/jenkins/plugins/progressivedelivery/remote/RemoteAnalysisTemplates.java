package io.jenkins.plugins.progressivedelivery.remote;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.kube.ClusterAnalysisTemplates;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusDefaults;
import java.io.Serializable;

/**
 * Reads the AnalysisTemplates an analysis names from the cluster, with the step's credential, {@link Where} the step
 * runs, and merges them ({@link ClusterAnalysisTemplates}): for {@code canaryRollout}, {@code blueGreenSwitch} and
 * {@code analysisGate} alike. Only reads (GET). One session of the client cache: the step's {@code job} metrics use
 * it too ({@link #jobs}), and the step's end releases it.
 */
public final class RemoteAnalysisTemplates extends RemoteCluster {
    public RemoteAnalysisTemplates(Where where, ClusterAccess access) {
        super(where, access);
    }

    /**
     * The analysis with its templates merged in, and the namespace they were read from.
     *
     * @param namespace the step's, or null for the client's own (the kubeconfig context's, else {@code default})
     * @throws io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException naming every template that is
     *         missing, unreadable or invalid
     */
    public Resolved resolve(AnalysisSpec spec, String namespace, String path, PrometheusDefaults prometheus) {
        return (Resolved) call(new AnalysisCall(spec, namespace, path, prometheus));
    }

    /**
     * The blue-green plan with the templates of its pre- and post-promotion analyses merged in.
     *
     * @param prometheus the configured server: the address, timeout and headers of the templates' metrics that name
     *                   no Prometheus, as the plan's own metrics got them; null for none
     */
    public BlueGreenPlan resolve(BlueGreenPlan plan, PrometheusDefaults prometheus) {
        return (BlueGreenPlan) call(new PlanCall(plan, prometheus));
    }

    /** The canary plan with the templates of its analysis steps and background analysis merged in. */
    public CanaryPlan resolve(CanaryPlan plan, PrometheusDefaults prometheus) {
        return (CanaryPlan) call(new PlanCall(plan, prometheus));
    }

    /** What {@code job} metrics need to run in {@code namespace} with this session's client. */
    public JobAccess jobs(String namespace) {
        return jobAccess(namespace);
    }

    /** The merged analysis and where its templates (and its Jobs) live. */
    public record Resolved(AnalysisSpec spec, String namespace) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private record AnalysisCall(AnalysisSpec spec, String namespace, String path, PrometheusDefaults prometheus)
            implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubernetesClient client) {
            ClusterAnalysisTemplates templates = new ClusterAnalysisTemplates(client, namespace)
                    .withPrometheusDefaults(prometheus);
            return new Resolved(templates.resolve(spec, path), templates.namespace());
        }
    }

    private record PlanCall(DeliveryPlan plan, PrometheusDefaults prometheus) implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubernetesClient client) {
            if (plan instanceof BlueGreenPlan blueGreen) {
                return new ClusterAnalysisTemplates(client, blueGreen.target().namespace())
                        .withPrometheusDefaults(prometheus).resolve(blueGreen);
            }
            CanaryPlan canary = (CanaryPlan) plan;
            return new ClusterAnalysisTemplates(client, canary.target().namespace())
                    .withPrometheusDefaults(prometheus).resolve(canary);
        }
    }
}
