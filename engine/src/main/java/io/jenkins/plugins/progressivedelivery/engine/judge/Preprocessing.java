package io.jenkins.plugins.progressivedelivery.engine.judge;

import java.util.Arrays;
import org.apache.commons.statistics.descriptive.Quantile;

/**
 * What the judge does to a series before it compares it, as Kayenta's preprocessing: samples that are not numbers
 * (NaN: a rate over a window with no requests; infinities) are removed, and, when asked, outliers outside
 * {@code [Q1 - k IQR, Q3 + k IQR]}. Pure functions; the input is never modified.
 */
public final class Preprocessing {
    /** Kayenta's default outlier factor: only far-out samples are dropped. */
    public static final double DEFAULT_OUTLIER_FACTOR = 3.0;

    private Preprocessing() {
    }

    /** The finite samples, in their order. */
    public static double[] removeNaN(double[] samples) {
        return Arrays.stream(samples).filter(Double::isFinite).toArray();
    }

    /**
     * The samples inside the fences {@code Q1 - factor * IQR} and {@code Q3 + factor * IQR} (quartiles by
     * Hyndman-Fan method 8, the median-unbiased one). Fewer than four samples are returned as they are: quartiles of
     * so few say nothing.
     */
    public static double[] removeOutliers(double[] samples, double factor) {
        if (samples.length < 4) {
            return samples.clone();
        }
        double[] quartiles = Quantile.withDefaults().evaluate(samples, 0.25, 0.75);
        double iqr = quartiles[1] - quartiles[0];
        double low = quartiles[0] - factor * iqr;
        double high = quartiles[1] + factor * iqr;
        return Arrays.stream(samples).filter(v -> v >= low && v <= high).toArray();
    }

    /** NaN removal, then outlier removal when {@code removeOutliers}. */
    public static double[] clean(double[] samples, boolean removeOutliers, double factor) {
        double[] finite = removeNaN(samples);
        return removeOutliers ? removeOutliers(finite, factor) : finite;
    }
}
