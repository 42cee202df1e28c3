package io.jenkins.plugins.progressivedelivery.engine.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The U test, the Hodges-Lehmann estimate and its interval against R's {@code wilcox.test(conf.int = TRUE)}. */
class MannWhitneyTest {

    @Test
    void matchesThePublishedExactValues() {
        // wilcox.test(c(10, 20, 30, 40), c(1, 2, 3, 4), conf.int = TRUE): W = 16, p-value = 0.02857,
        // 95 percent confidence interval 6 39, difference in location 22.5
        MannWhitney result = MannWhitney.compare(new double[] {10, 20, 30, 40}, new double[] {1, 2, 3, 4}, 0.95);

        assertThat(result.pValue()).isCloseTo(0.02857, within(1e-5));
        assertThat(result.u()).isEqualTo(16);
        assertThat(result.shift().estimate()).isEqualTo(22.5);
        assertThat(result.shift().lower()).isEqualTo(6);
        assertThat(result.shift().upper()).isEqualTo(39);
        assertThat(result.shift().exact()).isTrue();
        assertThat(result.cles(4, 4)).isEqualTo(1.0);
    }

    @Test
    void theIntervalIsSymmetricWhenTheSidesAreSwapped() {
        HodgesLehmann.Shift shift = HodgesLehmann.shift(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 40},
                0.95);

        assertThat(shift.estimate()).isEqualTo(-22.5);
        assertThat(shift.lower()).isEqualTo(-39);
        assertThat(shift.upper()).isEqualTo(-6);
    }

    @Test
    void theExactDistributionOfUCountsEveryOrdering() {
        double[] frequencies = HodgesLehmann.uFrequencies(4, 4);

        // C(8, 4) = 70 orderings; U = 0 and U = 16 in one way each, U = 1 in one way, U = 8 (the middle) in 8.
        assertThat(java.util.Arrays.stream(frequencies).sum()).isEqualTo(70);
        assertThat(frequencies[0]).isEqualTo(1);
        assertThat(frequencies[1]).isEqualTo(1);
        assertThat(frequencies[8]).isEqualTo(8);
        assertThat(frequencies[16]).isEqualTo(1);
        // qwilcox(0.025, 4, 4) = 1 and qwilcox(0.01, 4, 4) = 0, which the interval uses as 1.
        assertThat(HodgesLehmann.exactQuantile(0.025, 4, 4)).isEqualTo(1);
        assertThat(HodgesLehmann.exactQuantile(0.01, 4, 4)).isEqualTo(1);
        // qwilcox(0.025, 10, 10) = 24 (R)
        assertThat(HodgesLehmann.exactQuantile(0.025, 10, 10)).isEqualTo(24);
    }

    @Test
    void largeOrTiedSamplesUseTheNormalApproximationCloseToTheExactRank() {
        // With no ties the exact rank and the approximation agree within one for moderate samples.
        assertThat(HodgesLehmann.normalQuantile(0.025, 10, 10))
                .isBetween(HodgesLehmann.exactQuantile(0.025, 10, 10) - 1, HodgesLehmann.exactQuantile(0.025, 10, 10) + 1);
        double[] many = new double[2000];
        for (int i = 0; i < many.length; i++) {
            many[i] = i * 0.5 + 0.25;
        }
        HodgesLehmann.Shift large = HodgesLehmann.shift(new double[] {1000.1, 1001.2, 999.3}, many, 0.98);
        assertThat(large.exact()).isFalse();
        assertThat(large.lower()).isLessThanOrEqualTo(large.estimate()).isGreaterThan(0);
        HodgesLehmann.Shift tied = HodgesLehmann.shift(new double[] {5, 5, 6, 7}, new double[] {1, 1, 2, 3}, 0.95);
        assertThat(tied.exact()).isFalse();
        assertThat(tied.estimate()).isEqualTo(4);
        assertThat(tied.lower()).isLessThanOrEqualTo(tied.estimate());
        assertThat(tied.upper()).isGreaterThanOrEqualTo(tied.estimate());
    }
}
