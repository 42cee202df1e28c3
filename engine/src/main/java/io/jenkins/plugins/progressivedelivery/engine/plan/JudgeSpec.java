package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A {@code judge} step: compares the canary with the baseline (or, without one, the stable) over a window of time,
 * metric by metric, with a Mann-Whitney U test, scores the result and continues, pauses or rolls back. Every field
 * but {@code metrics} has a default.
 *
 * @param metrics        built-in metric names ({@code success-rate}, {@code latency-p99}) or metrics with options
 * @param prometheus     where to query; defaults to the plan's {@code metrics.prometheus}
 * @param window         how far back the samples go (default 5m); the canary should have run that long at its weight
 * @param step           time between samples, and each sample's rate window (default 30s; at least twice the
 *                       scrape interval)
 * @param confidence     confidence level of each metric's interval (default 0.98)
 * @param tolerance      a difference must lie beyond this fraction of its estimate (default 0.25)
 * @param minSamples     fewer samples on either side make a metric Nodata (default 10)
 * @param removeOutliers drop samples beyond 3 IQRs of the quartiles before comparing (default false)
 * @param pass           the lowest score that passes (default 95)
 * @param marginal       the lowest score that is Marginal (Inconclusive) rather than a failure (default 75)
 * @param minRequests    fewer canary requests in the window make the judgement Inconclusive; defaults to the
 *                       plan's {@code metrics.minRequests} (50)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JudgeSpec(
        List<JudgeMetricSpec> metrics,
        PrometheusSpec prometheus,
        Duration window,
        Duration step,
        Double confidence,
        Double tolerance,
        Integer minSamples,
        Boolean removeOutliers,
        Double pass,
        Double marginal,
        Integer minRequests) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_STEP = Duration.ofSeconds(30);

    public JudgeSpec {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }

    public Duration effectiveWindow() {
        return window == null ? DEFAULT_WINDOW : window;
    }

    public Duration effectiveStep() {
        return step == null ? DEFAULT_STEP : step;
    }
}
