package io.jenkins.plugins.progressivedelivery.remote;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.kube.ClusterAnalysisTemplates;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import java.io.Serializable;

/**
 * Reads the AnalysisTemplates an analysis names from the cluster, with the step's credential, {@link Where} the step
 * runs, and merges them as {@code canaryRollout} does ({@link ClusterAnalysisTemplates}): for {@code analysisGate}
 * and {@code blueGreenSwitch}. Only reads (GET). One session of the client cache: the step's {@code job} metrics use
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
    public Resolved resolve(AnalysisSpec spec, String namespace, String path) {
        return (Resolved) call(new AnalysisCall(spec, namespace, path));
    }

    /** The blue-green plan with the templates of its pre- and post-promotion analyses merged in. */
    public BlueGreenPlan resolve(BlueGreenPlan plan) {
        return (BlueGreenPlan) call(new BlueGreenCall(plan));
    }

    /** What {@code job} metrics need to run in {@code namespace} with this session's client. */
    public JobAccess jobs(String namespace) {
        return jobAccess(namespace);
    }

    /** The merged analysis and where its templates (and its Jobs) live. */
    public record Resolved(AnalysisSpec spec, String namespace) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private record AnalysisCall(AnalysisSpec spec, String namespace, String path) implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubernetesClient client) {
            ClusterAnalysisTemplates templates = new ClusterAnalysisTemplates(client, namespace);
            return new Resolved(templates.resolve(spec, path), templates.namespace());
        }
    }

    private record BlueGreenCall(BlueGreenPlan plan) implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubernetesClient client) {
            return new ClusterAnalysisTemplates(client, plan.target().namespace()).resolve(plan);
        }
    }
}
