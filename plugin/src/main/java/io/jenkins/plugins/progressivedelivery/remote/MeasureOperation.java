package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import java.time.Instant;

/** One measurement of one metric, taken where it runs. */
final class MeasureOperation implements Operation<MetricValue> {
    private static final long serialVersionUID = 1L;

    private final PrometheusAccess access;
    private final MetricSpec metric;
    private final Instant at;

    MeasureOperation(PrometheusAccess access, MetricSpec metric, Instant at) {
        this.access = access;
        this.metric = metric;
        this.at = at;
    }

    @Override
    public MetricValue run() throws Exception {
        return new ProviderMeasurementSource(engineAuth(access)).measure(metric, at);
    }

    static PrometheusAuth engineAuth(PrometheusAccess access) {
        if (access.bearerToken() != null) {
            return PrometheusAuth.bearerToken(access.bearerToken());
        }
        if (access.username() != null) {
            return PrometheusAuth.basic(access.username(), access.password());
        }
        return PrometheusAuth.none();
    }
}
