package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jenkins.plugins.progressivedelivery.engine.judge.Direction;
import io.jenkins.plugins.progressivedelivery.engine.judge.EffectSizeMeasure;
import java.io.Serializable;

/**
 * One metric of a {@code judge} step: a built-in metric by name ({@code - success-rate}), optionally with options,
 * or a metric of your own with a {@code query} in which {@code {{workload}}}, {@code {{namespace}}} and
 * {@code {{window}}} stand for the Deployment being measured (canary, baseline or stable), its namespace and the
 * step as a rate window.
 *
 * @param direction  which change is bad; built-in metrics know theirs, a query needs one
 * @param weight     its share of the score (default 1)
 * @param critical   a High, Low or Nodata of this metric fails the canary whatever the score
 * @param effectSize {@code meanRatio} (default) or {@code cles}
 * @param high       the effect size a High needs at least (default 1.0 for meanRatio, 0.5 for cles)
 * @param low        the effect size a Low needs at most
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JudgeMetricSpec(
        String name,
        String query,
        Direction direction,
        Double weight,
        Boolean critical,
        EffectSizeMeasure effectSize,
        Double high,
        Double low) implements Serializable {

    private static final long serialVersionUID = 1L;

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public JudgeMetricSpec(@JsonProperty("name") String name, @JsonProperty("query") String query,
                           @JsonProperty("direction") Direction direction, @JsonProperty("weight") Double weight,
                           @JsonProperty("critical") Boolean critical,
                           @JsonProperty("effectSize") EffectSizeMeasure effectSize,
                           @JsonProperty("high") Double high, @JsonProperty("low") Double low) {
        this.name = name;
        this.query = query;
        this.direction = direction;
        this.weight = weight;
        this.critical = critical;
        this.effectSize = effectSize;
        this.high = high;
        this.low = low;
    }

    /** {@code - success-rate}: a built-in metric with its defaults. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static JudgeMetricSpec named(String name) {
        return new JudgeMetricSpec(name, null, null, null, null, null, null, null);
    }

    public double effectiveWeight() {
        return weight == null ? 1 : weight;
    }

    public boolean effectiveCritical() {
        return critical != null && critical;
    }
}
