package io.jenkins.plugins.progressivedelivery.engine.judge;

import java.util.Arrays;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The Hodges-Lehmann estimate of the shift between two samples (the median of all differences
 * {@code experiment[i] - control[j]}) and its distribution-free confidence interval, as R's
 * {@code wilcox.test(experiment, control, conf.int = TRUE)} computes them and Kayenta's judge uses them. Commons
 * Statistics has the U test but not these, so they live here.
 *
 * <p>The interval is the pair of order statistics of the sorted differences whose ranks come from the distribution of
 * U: exact (counted) when both samples are small and have no ties, otherwise from the normal approximation of U
 * (with a continuity correction, without a correction of the variance for ties, which makes it slightly wider).
 */
public final class HodgesLehmann {
    /**
     * Below this many samples on both sides, and without ties, the interval is exact; the counting takes
     * O(n m * nm) time, so larger samples use the normal approximation, which is then close.
     */
    static final int EXACT_LIMIT = 50;

    private HodgesLehmann() {
    }

    /**
     * @param estimate the median of the pairwise differences
     * @param lower    the lower end of the interval
     * @param upper    the upper end
     * @param exact    whether the interval's ranks came from the exact distribution of U
     */
    public record Shift(double estimate, double lower, double upper, boolean exact) {
    }

    /**
     * @param confidence the interval's confidence level, in (0, 1)
     * @throws IllegalArgumentException when a sample is empty or the confidence level is out of range
     */
    public static Shift shift(double[] experiment, double[] control, double confidence) {
        int n = experiment.length;
        int m = control.length;
        if (n == 0 || m == 0) {
            throw new IllegalArgumentException("both samples need at least one value");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("the confidence level must be between 0 and 1, not " + confidence);
        }
        double[] differences = new double[n * m];
        int k = 0;
        for (double x : experiment) {
            for (double y : control) {
                differences[k++] = x - y;
            }
        }
        Arrays.sort(differences);
        double estimate = median(differences);
        double alpha = 1 - confidence;
        boolean exact = Math.max(n, m) < EXACT_LIMIT && !hasTies(experiment, control);
        // qu: the 1-based rank of the lower end; the upper end is the (nm - qu + 1)-th difference.
        int qu = exact ? exactQuantile(alpha / 2, n, m) : normalQuantile(alpha / 2, n, m);
        qu = Math.max(1, Math.min(qu, n * m));
        int upperRank = n * m - qu + 1;
        return new Shift(estimate, differences[qu - 1], differences[upperRank - 1], exact);
    }

    /** The median of sorted values. */
    static double median(double[] sorted) {
        int size = sorted.length;
        return size % 2 == 1 ? sorted[size / 2] : (sorted[size / 2 - 1] + sorted[size / 2]) / 2;
    }

    /**
     * The smallest u with P(U <= u) >= p for the U statistic of samples of n and m (R's {@code qwilcox}), 0 mapped
     * to 1 as R does for the interval.
     */
    static int exactQuantile(double p, int n, int m) {
        double[] frequencies = uFrequencies(n, m);
        double total = 0;
        for (double f : frequencies) {
            total += f;
        }
        double cumulative = 0;
        for (int u = 0; u < frequencies.length; u++) {
            cumulative += frequencies[u];
            if (cumulative / total >= p * (1 - 64 * Math.ulp(1.0))) {
                return Math.max(u, 1);
            }
        }
        return n * m;
    }

    /**
     * How many of the {@code C(n+m, n)} orderings of two samples without ties give each U in 0..nm: the recursion
     * f(u; n, m) = f(u - m; n - 1, m) + f(u; n, m - 1) over the largest value (in the first sample or not).
     */
    static double[] uFrequencies(int n, int m) {
        // counts[j][u] for the current number of first-sample values, over j = 0..m second-sample values.
        double[][] counts = new double[m + 1][];
        for (int j = 0; j <= m; j++) {
            counts[j] = new double[] {1}; // no first-sample values: U = 0 in one way
        }
        for (int i = 1; i <= n; i++) {
            double[][] next = new double[m + 1][];
            next[0] = new double[] {1};
            for (int j = 1; j <= m; j++) {
                double[] row = new double[i * j + 1];
                double[] withoutSecond = next[j - 1]; // the largest value is from the second sample
                System.arraycopy(withoutSecond, 0, row, 0, withoutSecond.length);
                double[] withoutFirst = counts[j]; // the largest is from the first: it beats all j
                for (int u = 0; u < withoutFirst.length; u++) {
                    row[u + j] += withoutFirst[u];
                }
                next[j] = row;
            }
            counts = next;
        }
        return counts[m];
    }

    /**
     * {@link #exactQuantile} from the normal approximation of U with a continuity correction: the smallest u with
     * {@code Phi((u + 0.5 - nm/2) / sd) >= p}, {@code sd = sqrt(nm(n+m+1)/12)}.
     */
    static int normalQuantile(double p, int n, int m) {
        double z = NormalDistribution.of(0, 1).inverseCumulativeProbability(p);
        double sd = Math.sqrt(n * (double) m * (n + m + 1) / 12.0);
        return Math.max(1, (int) Math.ceil(n * (double) m / 2 + z * sd - 0.5));
    }

    private static boolean hasTies(double[] experiment, double[] control) {
        double[] all = new double[experiment.length + control.length];
        System.arraycopy(experiment, 0, all, 0, experiment.length);
        System.arraycopy(control, 0, all, experiment.length, control.length);
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            if (all[i] == all[i - 1]) {
                return true;
            }
        }
        return false;
    }
}
