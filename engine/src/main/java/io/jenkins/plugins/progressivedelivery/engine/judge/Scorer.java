package io.jenkins.plugins.progressivedelivery.engine.judge;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns classifications into a score and a verdict: the score is the weighted share of passing metrics among those
 * with data (Nodata is left out, as in Kayenta), 0..100. At or above {@code pass} the canary passes, at or above
 * {@code marginal} it is Marginal, below it fails. Beyond Kayenta, a critical metric that is High or Low, or has no
 * data (missing or erroneous), fails the canary whatever the score. A pure function.
 */
public final class Scorer {
    public static final double DEFAULT_PASS = 95;
    public static final double DEFAULT_MARGINAL = 75;

    private Scorer() {
    }

    public static Scorecard score(List<MetricJudgement> metrics, double pass, double marginal, String control) {
        return score(metrics, pass, marginal, control, "canary");
    }

    /** @param experiment how to call what is judged: {@code canary}, or {@code experiment} without a rollout */
    public static Scorecard score(List<MetricJudgement> metrics, double pass, double marginal, String control,
                                  String experiment) {
        double scoredWeight = 0;
        double passedWeight = 0;
        for (MetricJudgement metric : metrics) {
            if (metric.classification() != Classification.NODATA) {
                scoredWeight += metric.weight();
                if (metric.classification() == Classification.PASS) {
                    passedWeight += metric.weight();
                }
            }
        }
        Double score = scoredWeight > 0 ? 100 * passedWeight / scoredWeight : null;
        String scoreText = score == null ? "no score" : "score " + MetricClassifier.format(score);
        List<MetricJudgement> criticalFailures = metrics.stream()
                .filter(m -> m.critical() && m.classification() != Classification.PASS).toList();
        if (!criticalFailures.isEmpty()) {
            return new Scorecard(Verdict.FAIL, score, pass, marginal, control, metrics, scoreText + ", but critical "
                    + criticalFailures.stream().map(m -> "metric '" + m.name() + "' was "
                            + m.classification().displayName()).collect(Collectors.joining(" and "))
                    + ", which fails the " + experiment + " whatever the score");
        }
        if (score == null) {
            return new Scorecard(Verdict.NODATA, null, pass, marginal, control, metrics, "no metric had data to"
                    + " compare the " + experiment + " with the " + control + ": " + metrics.stream()
                    .map(m -> m.name() + ": " + m.reason()).collect(Collectors.joining("; ")));
        }
        String failing = metrics.stream().filter(MetricJudgement::bad)
                .map(m -> m.name() + " " + m.classification().displayName()).collect(Collectors.joining(", "));
        String detail = failing.isEmpty() ? "" : " (" + failing + ")";
        if (score >= pass) {
            return new Scorecard(Verdict.PASS, score, pass, marginal, control, metrics, scoreText + " reaches the"
                    + " pass threshold " + MetricClassifier.format(pass) + detail);
        }
        if (score >= marginal) {
            return new Scorecard(Verdict.MARGINAL, score, pass, marginal, control, metrics, scoreText + " is below"
                    + " the pass threshold " + MetricClassifier.format(pass) + " but reaches the marginal threshold "
                    + MetricClassifier.format(marginal) + detail);
        }
        return new Scorecard(Verdict.FAIL, score, pass, marginal, control, metrics, scoreText + " is below the"
                + " marginal threshold " + MetricClassifier.format(marginal) + detail);
    }
}
