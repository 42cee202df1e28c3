package io.jenkins.plugins.progressivedelivery.engine.judge;

import java.io.Serializable;

/**
 * How one metric is classified.
 *
 * @param confidence     confidence level of the shift's interval (Kayenta's judge runs at 0.98)
 * @param tolerance      a difference counts only when the interval lies beyond {@code tolerance * |estimate|} of 0
 * @param direction      which change is bad
 * @param effectSize     how the size of a significant difference is measured
 * @param highThreshold  a High needs an effect size of at least this
 * @param lowThreshold   a Low needs an effect size of at most this
 * @param minSamples     fewer samples on either side is Nodata: two points against two is no evidence
 * @param removeOutliers drop samples beyond {@link Preprocessing#DEFAULT_OUTLIER_FACTOR} IQRs of the quartiles
 */
public record ClassifierSettings(double confidence, double tolerance, Direction direction,
                                 EffectSizeMeasure effectSize, double highThreshold, double lowThreshold,
                                 int minSamples, boolean removeOutliers) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final double DEFAULT_CONFIDENCE = 0.98;
    public static final double DEFAULT_TOLERANCE = 0.25;
    public static final int DEFAULT_MIN_SAMPLES = 10;

    public static ClassifierSettings defaults(Direction direction) {
        return new ClassifierSettings(DEFAULT_CONFIDENCE, DEFAULT_TOLERANCE, direction, EffectSizeMeasure.MEAN_RATIO,
                EffectSizeMeasure.MEAN_RATIO.defaultHigh(), EffectSizeMeasure.MEAN_RATIO.defaultLow(),
                DEFAULT_MIN_SAMPLES, false);
    }
}
