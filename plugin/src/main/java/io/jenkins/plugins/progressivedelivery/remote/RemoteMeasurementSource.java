package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** The engine's {@link MeasurementSource}, each query made {@link Where} the step runs. */
public final class RemoteMeasurementSource implements MeasurementSource {
    private final Where where;
    private final PrometheusAccess access;
    private final JobAccess jobs;

    public RemoteMeasurementSource(Where where, PrometheusAccess access) {
        this(where, access, null);
    }

    /** @param jobs the rollout's cluster session for {@code job} metrics; null where there is none */
    public RemoteMeasurementSource(Where where, PrometheusAccess access, JobAccess jobs) {
        this.where = where;
        this.access = access;
        this.jobs = jobs;
    }

    /**
     * On the controller the query goes out without a thread waiting for it (the engine's shared metrics pool); on an
     * agent it is a channel call, which blocks one thread of the step's I/O pool until the agent answers.
     */
    @Override
    public CompletableFuture<MetricValue> measureAsync(MetricSpec metric, Instant at, Executor io) {
        if (!where.isThisJvm() || MeasureOperation.isJob(metric)) { // a Job is waited for on the I/O executor
            return MeasurementSource.super.measureAsync(metric, at, io);
        }
        try {
            return ProviderMeasurementSource.nonBlocking(MeasureOperation.engineAuth(access)).measureAsync(metric, at, io);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new MeasurementException(e.getMessage(), e));
        }
    }

    @Override
    public MetricValue measure(MetricSpec metric, Instant at) throws MeasurementException {
        try {
            return where.call(new MeasureOperation(access, jobs, metric, at));
        } catch (MeasurementException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeasurementException("interrupted while querying from " + where.describe(), e);
        } catch (Exception e) {
            throw new MeasurementException("could not query from " + where.describe() + ": " + e, e);
        }
    }
}
