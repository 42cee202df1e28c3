package io.jenkins.plugins.progressivedelivery.engine.judge;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Median;

/**
 * Classifies one metric of the canary against its control as Kayenta's Mann-Whitney classifier does, and says why
 * in words: Nodata when a side has no samples, Pass for identical data, otherwise High (Low) when the interval of
 * the Hodges-Lehmann shift lies entirely above (below) a tolerance band of {@code tolerance * |estimate|} around 0,
 * the direction says that change is bad, and the effect size reaches its threshold.
 *
 * <p>Beyond Kayenta, a side with fewer than {@code minSamples} samples is Nodata instead of being judged on two
 * points. A pure function.
 */
public final class MetricClassifier {

    private MetricClassifier() {
    }

    /**
     * @param canaryRaw   the canary's samples as queried (NaN allowed)
     * @param controlRaw  the control's
     * @param controlName how to call the control in the reason: {@code baseline} or {@code stable}
     */
    public static MetricJudgement classify(String name, double[] canaryRaw, double[] controlRaw,
                                           ClassifierSettings settings, String controlName) {
        return classify(name, canaryRaw, controlRaw, settings, controlName, "canary");
    }

    /** @param experimentName how to call what is judged: {@code canary}, or {@code experiment} without a rollout */
    public static MetricJudgement classify(String name, double[] canaryRaw, double[] controlRaw,
                                           ClassifierSettings settings, String controlName, String experimentName) {
        double[] canary = Preprocessing.clean(canaryRaw, settings.removeOutliers(),
                Preprocessing.DEFAULT_OUTLIER_FACTOR);
        double[] control = Preprocessing.clean(controlRaw, settings.removeOutliers(),
                Preprocessing.DEFAULT_OUTLIER_FACTOR);
        Builder result = new Builder(name, settings, canary, control);
        if (canary.length == 0 || control.length == 0) {
            String side = canary.length == 0 ? "the " + experimentName : "the " + controlName;
            return result.untested(Classification.NODATA, side + " has no samples in the window"
                    + (canaryRaw.length + controlRaw.length > canary.length + control.length
                    ? " (samples that were not numbers were removed)" : ""));
        }
        if (Math.min(canary.length, control.length) < settings.minSamples()) {
            return result.untested(Classification.NODATA, "too few samples to compare: " + experimentName + " "
                    + canary.length
                    + ", " + controlName + " " + control.length + ", fewer than minSamples "
                    + settings.minSamples() + "; widen the window or shorten the step");
        }
        if (sameValues(canary, control)) {
            return result.untested(Classification.PASS, "the " + experimentName + " and " + controlName
                    + " samples are identical");
        }
        if (Arrays.stream(canary).allMatch(v -> v == canary[0]) && Arrays.stream(control).allMatch(v -> v == canary[0])) {
            return result.untested(Classification.PASS, "every sample is " + format(canary[0]));
        }
        MannWhitney test = MannWhitney.compare(canary, control, settings.confidence());
        HodgesLehmann.Shift shift = test.shift();
        double effect = effectSize(settings.effectSize(), test, canary, control);
        double band = settings.tolerance() * Math.abs(shift.estimate());
        String facts = experimentName + " median " + format(median(canary)) + " vs " + controlName + " "
                + format(median(control)) + ": shift " + format(shift.estimate()) + ", "
                + percent(settings.confidence()) + " interval [" + format(shift.lower()) + ", "
                + format(shift.upper()) + "], p = " + format(test.pValue()) + ", " + settings.effectSize().id()
                + " " + format(effect);
        Classification classification = Classification.PASS;
        String verdict;
        if (shift.lower() > band) {
            if (!settings.direction().flagsHigh()) {
                verdict = "higher, which is harmless for a metric where a decrease is bad";
            } else if (effect < settings.highThreshold()) {
                verdict = "higher, but the effect size is below its threshold " + format(settings.highThreshold());
            } else {
                classification = Classification.HIGH;
                verdict = "higher: the interval lies above the tolerance " + format(band);
            }
        } else if (shift.upper() < -band) {
            if (!settings.direction().flagsLow()) {
                verdict = "lower, which is harmless for a metric where an increase is bad";
            } else if (effect > settings.lowThreshold()) {
                verdict = "lower, but the effect size is above its threshold " + format(settings.lowThreshold());
            } else {
                classification = Classification.LOW;
                verdict = "lower: the interval lies below the tolerance -" + format(band);
            }
        } else {
            verdict = "no significant difference: the interval reaches into the tolerance band +-" + format(band);
        }
        return result.tested(classification, verdict + " (" + facts + ")", test, effect);
    }

    static double effectSize(EffectSizeMeasure measure, MannWhitney test, double[] canary, double[] control) {
        if (measure == EffectSizeMeasure.CLES) {
            return test.cles(canary.length, control.length);
        }
        double canaryMean = Mean.of(canary).getAsDouble();
        double controlMean = Mean.of(control).getAsDouble();
        if (controlMean == 0) {
            return canaryMean == 0 ? 1 : Math.copySign(Double.POSITIVE_INFINITY, canaryMean);
        }
        return canaryMean / controlMean;
    }

    private static boolean sameValues(double[] canary, double[] control) {
        double[] a = canary.clone();
        double[] b = control.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        return Arrays.equals(a, b);
    }

    private static double median(double[] values) {
        return Median.withDefaults().evaluate(values);
    }

    static String percent(double fraction) {
        return format(fraction * 100) + "%";
    }

    /** Four significant digits: enough to read, short enough for one log line. */
    static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e9) {
            return Long.toString((long) value);
        }
        String text = String.format(Locale.ROOT, "%.4g", value);
        if (text.contains("e")) {
            return text;
        }
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }

    private record Builder(String name, ClassifierSettings settings, double[] canary, double[] control) {
        MetricJudgement untested(Classification classification, String reason) {
            return new MetricJudgement(name, classification, reason, settings.direction(), 1, false, null, null,
                    null, null, null, null, canary.length, control.length, list(canary), list(control));
        }

        MetricJudgement tested(Classification classification, String reason, MannWhitney test, double effect) {
            HodgesLehmann.Shift shift = test.shift();
            return new MetricJudgement(name, classification, reason, settings.direction(), 1, false, test.pValue(),
                    shift.estimate(), shift.lower(), shift.upper(), settings.effectSize(), effect, canary.length,
                    control.length, list(canary), list(control));
        }

        private static List<Double> list(double[] values) {
            return Arrays.stream(values).boxed().toList();
        }
    }
}
