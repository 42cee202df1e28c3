package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a provider returned: a Prometheus vector is a list (possibly empty: no series), a scalar one value.
 * NaN stays NaN. Conditions see a vector as a list and a scalar as a number, as in Argo Rollouts.
 */
public record MetricValue(List<Double> values, boolean scalar) implements Serializable {
    private static final long serialVersionUID = 1L;

    public MetricValue {
        values = List.copyOf(values);
        if (scalar && values.size() != 1) {
            throw new IllegalArgumentException("a scalar has exactly one value, not " + values.size());
        }
    }

    public static MetricValue vector(List<Double> values) {
        return new MetricValue(values, false);
    }

    public static MetricValue scalar(double value) {
        return new MetricValue(List.of(value), true);
    }

    /** Derived from {@code values}, so not a property of its own in JSON. */
    @JsonIgnore
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** As the log and Argo write it: {@code [0.998]}, {@code 0.5}, {@code []}. */
    @Override
    public String toString() {
        if (scalar) {
            return format(values.get(0));
        }
        return values.stream().map(MetricValue::format).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : Double.toString(value);
    }
}
