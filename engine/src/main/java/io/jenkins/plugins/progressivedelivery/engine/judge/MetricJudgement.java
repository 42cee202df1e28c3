package io.jenkins.plugins.progressivedelivery.engine.judge;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;

/**
 * The classification of one metric and everything it was decided on, for the log, the record and the build page.
 *
 * @param reason         the classification in words
 * @param pValue         of the two-sided U test; null when no test ran (Nodata, identical data)
 * @param estimate       Hodges-Lehmann shift, canary minus control; null when no test ran
 * @param lower          lower end of the shift's interval at the settings' confidence
 * @param upper          upper end
 * @param effectSize     by the settings' measure; null when no test ran
 * @param canaryValues   the canary's samples after preprocessing
 * @param controlValues  the control's samples after preprocessing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricJudgement(
        String name,
        Classification classification,
        String reason,
        Direction direction,
        double weight,
        boolean critical,
        Double pValue,
        Double estimate,
        Double lower,
        Double upper,
        EffectSizeMeasure effectSizeMeasure,
        Double effectSize,
        int canarySamples,
        int controlSamples,
        List<Double> canaryValues,
        List<Double> controlValues) implements Serializable {

    private static final long serialVersionUID = 1L;

    public MetricJudgement {
        canaryValues = canaryValues == null ? List.of() : List.copyOf(canaryValues);
        controlValues = controlValues == null ? List.of() : List.copyOf(controlValues);
    }

    /** Whether this classification is the bad one for the metric's direction. */
    public boolean bad() {
        return classification == Classification.HIGH || classification == Classification.LOW;
    }

    /** The same judgement without its two series: what a rollout's saved state and its result keep. */
    public MetricJudgement withoutSeries() {
        return new MetricJudgement(name, classification, reason, direction, weight, critical, pValue, estimate, lower,
                upper, effectSizeMeasure, effectSize, canarySamples, controlSamples, null, null);
    }

    public MetricJudgement weighted(double newWeight, boolean newCritical) {
        return new MetricJudgement(name, classification, reason, direction, newWeight, newCritical, pValue, estimate,
                lower, upper, effectSizeMeasure, effectSize, canarySamples, controlSamples, canaryValues,
                controlValues);
    }
}
