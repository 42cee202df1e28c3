package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import java.time.Instant;

/** The engine's {@link MeasurementSource}, each query made {@link Where} the step runs. */
public final class RemoteMeasurementSource implements MeasurementSource {
    private final Where where;
    private final PrometheusAccess access;

    public RemoteMeasurementSource(Where where, PrometheusAccess access) {
        this.where = where;
        this.access = access;
    }

    @Override
    public MetricValue measure(MetricSpec metric, Instant at) throws MeasurementException {
        try {
            return where.call(new MeasureOperation(access, metric, at));
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
