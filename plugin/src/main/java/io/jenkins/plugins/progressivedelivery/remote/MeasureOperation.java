package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.metrics.job.JobProvider;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import java.time.Instant;

/** One measurement of one metric, taken where it runs. */
final class MeasureOperation implements Operation<MetricValue> {
    private static final long serialVersionUID = 1L;

    private final PrometheusAccess access;
    private final JobAccess jobs;
    private final MetricSpec metric;
    private final Instant at;

    MeasureOperation(PrometheusAccess access, JobAccess jobs, MetricSpec metric, Instant at) {
        this.access = access;
        this.jobs = jobs;
        this.metric = metric;
        this.at = at;
    }

    @Override
    public MetricValue run() throws Exception {
        ProviderMeasurementSource source = new ProviderMeasurementSource(engineAuth(access));
        if (jobs == null || !isJob(metric)) {
            return source.measure(metric, at);
        }
        // the rollout's own client where it runs (its session): no client is built per measurement
        Object outcome = ClusterOperation.withPluginClassLoader(() -> KubeClientCache.shared().call(
                jobs.cluster().resolve(), jobs.session(), lease -> {
                    try {
                        // no namespace named (analysisGate without one): the client's, as kubectl's
                        String namespace = io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients.namespace(
                                lease.client(), jobs.namespace());
                        return source.withJobs(new JobProvider(lease.client(), namespace)).measure(metric, at);
                    } catch (MeasurementException e) {
                        return e;
                    }
                }));
        if (outcome instanceof MeasurementException e) {
            throw e;
        }
        return (MetricValue) outcome;
    }

    static boolean isJob(MetricSpec metric) {
        return metric.provider() != null && metric.provider().job() != null;
    }

    static PrometheusAuth engineAuth(PrometheusAccess access) {
        PrometheusAuth auth = access.bearerToken() != null ? PrometheusAuth.bearerToken(access.bearerToken())
                : access.username() != null ? PrometheusAuth.basic(access.username(), access.password())
                : PrometheusAuth.none();
        return access.caCertificatePem() == null ? auth : auth.withCaCertificatePem(access.caCertificatePem());
    }
}
