package io.jenkins.plugins.progressivedelivery.engine.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricClassifierTest {
    private static final ClassifierSettings LATENCY = ClassifierSettings.defaults(Direction.INCREASE);
    private static final ClassifierSettings SUCCESS = ClassifierSettings.defaults(Direction.DECREASE);
    private static final ClassifierSettings EITHER = ClassifierSettings.defaults(Direction.EITHER);

    /** {@code size} samples around {@code mean}, the same for every run. */
    private static double[] normal(long seed, int size, double mean, double sd) {
        Random random = new Random(seed);
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = mean + sd * random.nextGaussian();
        }
        return values;
    }

    @Test
    void aSlowerCanaryIsHigh() {
        MetricJudgement result = MetricClassifier.classify("latency-p99", normal(1, 30, 180, 10),
                normal(2, 30, 40, 5), LATENCY, "baseline");

        assertThat(result.classification()).isEqualTo(Classification.HIGH);
        assertThat(result.estimate()).isBetween(130.0, 150.0);
        assertThat(result.lower()).isGreaterThan(0.25 * result.estimate());
        assertThat(result.pValue()).isLessThan(1e-6);
        assertThat(result.effectSize()).isGreaterThan(4.0);
        assertThat(result.canarySamples()).isEqualTo(30);
        assertThat(result.reason()).startsWith("higher: the interval lies above the tolerance")
                .contains("vs baseline", "98% interval");
    }

    @Test
    void aFailingCanaryIsLowOnSuccessRate() {
        MetricJudgement result = MetricClassifier.classify("success-rate", normal(3, 20, 85, 1),
                normal(4, 20, 99.8, 0.1), SUCCESS, "baseline");

        assertThat(result.classification()).isEqualTo(Classification.LOW);
        assertThat(result.effectSize()).isLessThan(1.0);
    }

    @Test
    void theSameDistributionPasses() {
        MetricJudgement result = MetricClassifier.classify("latency-p99", normal(5, 30, 40, 5),
                normal(6, 30, 40, 5), EITHER, "baseline");

        assertThat(result.classification()).isEqualTo(Classification.PASS);
        assertThat(result.lower()).isLessThan(0.0);
        assertThat(result.upper()).isGreaterThan(0.0);
        assertThat(result.reason()).startsWith("no significant difference");
    }

    @Test
    void aChangeInTheHarmlessDirectionPasses() {
        MetricJudgement faster = MetricClassifier.classify("latency-p99", normal(7, 20, 20, 2),
                normal(8, 20, 40, 2), LATENCY, "stable");

        assertThat(faster.classification()).isEqualTo(Classification.PASS);
        assertThat(faster.reason()).startsWith("lower, which is harmless");
    }

    @Test
    void theEffectSizeGateKeepsASmallSignificantChangeAPass() {
        ClassifierSettings gated = new ClassifierSettings(0.98, 0.25, Direction.INCREASE,
                EffectSizeMeasure.MEAN_RATIO, 1.2, 1.0, 10, false);
        MetricJudgement result = MetricClassifier.classify("latency-p50", normal(9, 40, 44, 1),
                normal(10, 40, 40, 1), gated, "baseline");

        assertThat(result.classification()).isEqualTo(Classification.PASS);
        assertThat(result.reason()).startsWith("higher, but the effect size is below its threshold 1.2");
    }

    @Test
    void clesMeasuresHowOftenTheCanaryWins() {
        ClassifierSettings cles = new ClassifierSettings(0.98, 0.25, Direction.INCREASE, EffectSizeMeasure.CLES,
                0.9, 0.5, 10, false);
        MetricJudgement result = MetricClassifier.classify("latency-p99", normal(11, 20, 100, 5),
                normal(12, 20, 50, 5), cles, "baseline");

        assertThat(result.effectSize()).isEqualTo(1.0);
        assertThat(result.classification()).isEqualTo(Classification.HIGH);
    }

    @Test
    void aSideWithoutSamplesIsNodataAndNaNIsRemoved() {
        MetricJudgement none = MetricClassifier.classify("success-rate", new double[] {Double.NaN, Double.NaN},
                normal(13, 20, 99, 0.1), SUCCESS, "baseline");

        assertThat(none.classification()).isEqualTo(Classification.NODATA);
        assertThat(none.reason()).isEqualTo("the canary has no samples in the window (samples that were not numbers"
                + " were removed)");
        assertThat(none.pValue()).isNull();
    }

    @Test
    void twoPointsAgainstTwoAreTooFewToJudge() {
        // Kayenta classifies this High; here it is Nodata below minSamples.
        MetricJudgement result = MetricClassifier.classify("latency-p99", new double[] {100, 110},
                new double[] {10, 11}, LATENCY, "baseline");

        assertThat(result.classification()).isEqualTo(Classification.NODATA);
        assertThat(result.reason()).contains("too few samples to compare: canary 2, baseline 2, fewer than"
                + " minSamples 10");
    }

    @Test
    void identicalAndConstantDataPass() {
        double[] same = normal(14, 12, 50, 3);
        assertThat(MetricClassifier.classify("m", same, same.clone(), LATENCY, "baseline").classification())
                .isEqualTo(Classification.PASS);
        double[] flat = new double[12];
        double[] flat2 = new double[15];
        MetricJudgement constant = MetricClassifier.classify("m", flat, flat2, LATENCY, "baseline");
        assertThat(constant.classification()).isEqualTo(Classification.PASS);
        assertThat(constant.reason()).isEqualTo("every sample is 0");
    }

    @Test
    void outliersAreRemovedOnlyWhenAsked() {
        double[] canary = normal(15, 20, 40, 1);
        canary[3] = 5000;
        double[] cleaned = Preprocessing.removeOutliers(canary, Preprocessing.DEFAULT_OUTLIER_FACTOR);
        assertThat(cleaned).hasSize(19).doesNotContain(5000.0);
        assertThat(Preprocessing.clean(canary, false, 3)).hasSize(20);
    }
}
