package io.jenkins.plugins.progressivedelivery.engine.metrics.builtin;

import io.jenkins.plugins.progressivedelivery.engine.judge.Direction;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The metrics every HTTP service has, known by name so that a plan needs no PromQL (Flagger's built-in metrics):
 * the share of requests that did not fail with a 5xx, and latency percentiles in milliseconds. Each is a query over
 * one workload's requests in a rate window, built by {@link MeshQueries}.
 */
public enum BuiltinMetric {
    /** Percentage of requests answered without a 5xx, 0..100. A decrease is bad. */
    SUCCESS_RATE("success-rate", "%", Direction.DECREASE, Double.NaN),
    /** Median latency in milliseconds. An increase is bad. */
    LATENCY_P50("latency-p50", "ms", Direction.INCREASE, 0.50),
    /** 90th percentile latency in milliseconds. */
    LATENCY_P90("latency-p90", "ms", Direction.INCREASE, 0.90),
    /** 99th percentile latency in milliseconds. */
    LATENCY_P99("latency-p99", "ms", Direction.INCREASE, 0.99);

    private final String id;
    private final String unit;
    private final Direction direction;
    private final double quantile;

    BuiltinMetric(String id, String unit, Direction direction, double quantile) {
        this.id = id;
        this.unit = unit;
        this.direction = direction;
        this.quantile = quantile;
    }

    public String id() {
        return id;
    }

    public String unit() {
        return unit;
    }

    /** Which change is bad, when the plan does not say. */
    public Direction direction() {
        return direction;
    }

    public static Optional<BuiltinMetric> byName(String name) {
        return Arrays.stream(values()).filter(m -> m.id.equals(name)).findFirst();
    }

    /** {@code success-rate, latency-p50, latency-p90, latency-p99}, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(BuiltinMetric::id).collect(Collectors.joining(", "));
    }

    /** The PromQL of this metric for one workload over {@code window}. */
    public String query(MeshQueries queries, String workload, Duration window) {
        return this == SUCCESS_RATE ? queries.successRate(workload, window)
                : queries.latency(quantile, workload, window);
    }
}
