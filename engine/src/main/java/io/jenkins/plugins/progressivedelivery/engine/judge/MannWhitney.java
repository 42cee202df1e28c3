package io.jenkins.plugins.progressivedelivery.engine.judge;

import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

/**
 * The two-sided Mann-Whitney U test of the canary against its control (Commons Statistics: exact p-value for small
 * samples without ties, the normal approximation with a continuity correction otherwise), with the Hodges-Lehmann
 * shift and its interval.
 *
 * @param pValue     two-sided
 * @param u          the canary's U statistic: how many (canary, control) pairs the canary value wins, ties half
 * @param shift      the estimate of canary minus control, and its interval at the comparison's confidence
 */
public record MannWhitney(double pValue, double u, HodgesLehmann.Shift shift) {

    public static MannWhitney compare(double[] canary, double[] control, double confidence) {
        MannWhitneyUTest.Result test = MannWhitneyUTest.withDefaults()
                .with(AlternativeHypothesis.TWO_SIDED)
                .test(canary, control);
        return new MannWhitney(test.getPValue(), test.getStatistic(),
                HodgesLehmann.shift(canary, control, confidence));
    }

    /** The probability that a canary sample beats a control sample, ties counting half: U / (n m). */
    public double cles(int canarySize, int controlSize) {
        return u / ((double) canarySize * controlSize);
    }
}
