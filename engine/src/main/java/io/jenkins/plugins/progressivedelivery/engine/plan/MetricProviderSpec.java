package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/** Where a metric's values come from: exactly one of {@code prometheus}, {@code web} and {@code job}, as in Argo. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricProviderSpec(PrometheusSpec prometheus, WebSpec web, JobSpec job) implements Serializable {
    private static final long serialVersionUID = 1L;

    public MetricProviderSpec(PrometheusSpec prometheus) {
        this(prometheus, null, null);
    }

    /** {@code prometheus}, {@code web} or {@code job}; null when none is set. */
    public String type() {
        if (prometheus != null) {
            return "prometheus";
        }
        if (web != null) {
            return "web";
        }
        return job != null ? "job" : null;
    }

    /** How many providers are set; a valid metric has exactly one. */
    public int count() {
        return (prometheus != null ? 1 : 0) + (web != null ? 1 : 0) + (job != null ? 1 : 0);
    }
}
