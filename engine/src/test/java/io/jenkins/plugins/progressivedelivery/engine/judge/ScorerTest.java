package io.jenkins.plugins.progressivedelivery.engine.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerTest {

    private static MetricJudgement metric(String name, Classification classification, double weight,
                                          boolean critical) {
        return new MetricJudgement(name, classification, "because", Direction.EITHER, weight, critical, null, null,
                null, null, null, null, 10, 10, null, null);
    }

    @Test
    void theScoreIsTheWeightedShareOfPassingMetrics() {
        Scorecard all = Scorer.score(List.of(metric("a", Classification.PASS, 1, false),
                metric("b", Classification.PASS, 3, false)), 95, 75, "baseline");
        assertThat(all.verdict()).isEqualTo(Verdict.PASS);
        assertThat(all.score()).isEqualTo(100.0);

        Scorecard marginal = Scorer.score(List.of(metric("a", Classification.HIGH, 1, false),
                metric("b", Classification.PASS, 4, false)), 95, 75, "baseline");
        assertThat(marginal.score()).isEqualTo(80.0);
        assertThat(marginal.verdict()).isEqualTo(Verdict.MARGINAL);
        assertThat(marginal.message()).isEqualTo("score 80 is below the pass threshold 95 but reaches the marginal"
                + " threshold 75 (a High)");

        Scorecard fail = Scorer.score(List.of(metric("a", Classification.LOW, 1, false),
                metric("b", Classification.PASS, 1, false)), 95, 75, "baseline");
        assertThat(fail.score()).isEqualTo(50.0);
        assertThat(fail.verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void theThresholdsAreInclusive() {
        List<MetricJudgement> threeOfFour = List.of(metric("a", Classification.HIGH, 1, false),
                metric("b", Classification.PASS, 3, false));
        assertThat(Scorer.score(threeOfFour, 75, 50, "baseline").verdict()).isEqualTo(Verdict.PASS);
        assertThat(Scorer.score(threeOfFour, 80, 75, "baseline").verdict()).isEqualTo(Verdict.MARGINAL);
        assertThat(Scorer.score(threeOfFour, 90, 76, "baseline").verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void nodataIsLeftOutOfTheScoreUnlessEverythingIsNodata() {
        Scorecard partly = Scorer.score(List.of(metric("a", Classification.NODATA, 5, false),
                metric("b", Classification.PASS, 1, false)), 95, 75, "stable");
        assertThat(partly.score()).isEqualTo(100.0);
        assertThat(partly.verdict()).isEqualTo(Verdict.PASS);

        Scorecard none = Scorer.score(List.of(metric("a", Classification.NODATA, 1, false)), 95, 75, "stable");
        assertThat(none.verdict()).isEqualTo(Verdict.NODATA);
        assertThat(none.score()).isNull();
        assertThat(none.message()).isEqualTo("no metric had data to compare the canary with the stable: a: because");
    }

    @Test
    void aCriticalMetricFailsTheCanaryWhateverTheScore() {
        Scorecard high = Scorer.score(List.of(metric("errors", Classification.HIGH, 1, true),
                metric("b", Classification.PASS, 99, false)), 95, 75, "baseline");
        assertThat(high.score()).isEqualTo(99.0);
        assertThat(high.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(high.message()).isEqualTo("score 99, but critical metric 'errors' was High, which fails the"
                + " canary whatever the score");

        Scorecard missing = Scorer.score(List.of(metric("errors", Classification.NODATA, 1, true),
                metric("b", Classification.PASS, 1, false)), 95, 75, "baseline");
        assertThat(missing.verdict()).isEqualTo(Verdict.FAIL);
    }
}
