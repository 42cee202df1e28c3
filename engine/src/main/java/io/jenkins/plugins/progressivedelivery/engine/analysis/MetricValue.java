package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a provider returned. A Prometheus vector is a list (possibly empty: no series), a scalar one value, and a
 * range query every value of every series; NaN stays NaN. The web provider returns a JSON document ({@code json}),
 * which conditions see as numbers, strings, lists and maps. The job provider decides by itself: its
 * {@code outcome} is the measurement's phase. Conditions see a vector as a list and a scalar as a number, as in
 * Argo Rollouts.
 *
 * @param json     the web provider's document (or the part its {@code jsonPath} selected), as JSON text
 * @param outcome  the phase of a provider that judges by itself (a Job completed or failed); null otherwise
 * @param warnings what the backend warned about while answering (Prometheus' {@code warnings})
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record MetricValue(List<Double> values, boolean scalar, String json, AnalysisPhase outcome,
                          List<String> warnings) implements Serializable {
    private static final long serialVersionUID = 1L;

    public MetricValue {
        values = values == null ? List.of() : List.copyOf(values);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        if (scalar && values.size() != 1) {
            throw new IllegalArgumentException("a scalar has exactly one value, not " + values.size());
        }
    }

    public MetricValue(List<Double> values, boolean scalar) {
        this(values, scalar, null, null, null);
    }

    public static MetricValue vector(List<Double> values) {
        return new MetricValue(values, false);
    }

    public static MetricValue scalar(double value) {
        return new MetricValue(List.of(value), true);
    }

    /** A JSON document, e.g. {@code {"status":"ok"}}, {@code 0.98} or {@code "ok"}. */
    public static MetricValue document(String json) {
        return new MetricValue(List.of(), false, json, null, null);
    }

    /** The verdict of a provider that judges by itself, such as a Job that completed or failed. */
    public static MetricValue outcome(AnalysisPhase phase, String description) {
        return new MetricValue(List.of(), false, description, phase, null);
    }

    public MetricValue withWarnings(List<String> newWarnings) {
        return new MetricValue(values, scalar, json, outcome, newWarnings);
    }

    /** Derived from {@code values}, so not a property of its own in JSON. */
    @JsonIgnore
    public boolean isEmpty() {
        return json == null && outcome == null && values.isEmpty();
    }

    /** Whether the conditions see a JSON document rather than numbers. */
    @JsonIgnore
    public boolean isDocument() {
        return json != null && outcome == null;
    }

    /**
     * As Argo writes a measurement's {@code value}: {@code [0.95,1000000000000000000000,-0,-Inf,3]} for a vector,
     * {@code +Inf} or {@code NaN} for a scalar (Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, which Prometheus'
     * {@code SampleValue.String} uses), the JSON text for a document.
     */
    @Override
    public String toString() {
        if (outcome != null) {
            return json == null ? outcome.displayName() : json;
        }
        if (json != null) {
            return json;
        }
        if (scalar) {
            return format(values.get(0));
        }
        return values.stream().map(MetricValue::format).collect(Collectors.joining(",", "[", "]"));
    }

    /** Go's {@code strconv.FormatFloat(value, 'f', -1, 64)}: shortest exact digits, never an exponent. */
    public static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0" : "0";
        }
        // Double.toString gives the shortest digits that round-trip, as Go does; only the notation differs.
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
