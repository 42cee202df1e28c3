package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/** Where a metric's values come from. Prometheus is the one provider so far. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricProviderSpec(PrometheusSpec prometheus) implements Serializable {
    private static final long serialVersionUID = 1L;
}
