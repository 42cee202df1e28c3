package io.jenkins.plugins.progressivedelivery.engine.judge;

/** What the score means for the rollout. */
public enum Verdict {
    /** At or above the pass threshold: the rollout continues. */
    PASS,
    /** Between the marginal and the pass threshold: Inconclusive, a person decides (the plan's onInconclusive). */
    MARGINAL,
    /** Below the marginal threshold, or a critical metric failed: the canary is rolled back. */
    FAIL,
    /** No metric could be scored (all Nodata): Inconclusive. Too little traffic ends here too. */
    NODATA;

    public String displayName() {
        return switch (this) {
            case PASS -> "Pass";
            case MARGINAL -> "Marginal";
            case FAIL -> "Fail";
            case NODATA -> "Nodata";
        };
    }
}
