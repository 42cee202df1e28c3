package io.jenkins.plugins.progressivedelivery.engine.judge;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How big a significant difference must be before it counts, as Kayenta's {@code effectSize}:
 * <ul>
 *   <li>{@code meanRatio}: mean(canary) / mean(control); a High needs at least the {@code high} threshold (default
 *       1.0), a Low at most the {@code low} threshold (default 1.0), so the defaults gate nothing;</li>
 *   <li>{@code cles}: the common-language effect size, the probability that a random canary sample is larger than a
 *       random control sample (ties count half); 0.5 is no effect.</li>
 * </ul>
 */
public enum EffectSizeMeasure {
    MEAN_RATIO("meanRatio", 1.0, 1.0),
    CLES("cles", 0.5, 0.5);

    private final String id;
    private final double defaultHigh;
    private final double defaultLow;

    EffectSizeMeasure(String id, double defaultHigh, double defaultLow) {
        this.id = id;
        this.defaultHigh = defaultHigh;
        this.defaultLow = defaultLow;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public double defaultHigh() {
        return defaultHigh;
    }

    public double defaultLow() {
        return defaultLow;
    }

    @JsonCreator
    public static EffectSizeMeasure fromId(String id) {
        for (EffectSizeMeasure value : values()) {
            if (value.id.equalsIgnoreCase(id)) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not one of meanRatio, cles");
    }
}
