package io.jenkins.plugins.progressivedelivery.engine.judge;

/** How one metric of the canary compares with its control, as in Kayenta. */
public enum Classification {
    /** No difference the judge can call significant, or the difference is in the harmless direction. */
    PASS,
    /** The canary's values are significantly higher than the control's. */
    HIGH,
    /** The canary's values are significantly lower than the control's. */
    LOW,
    /** A side had no (or too few) samples, or its data could not be read: nothing to compare. */
    NODATA;

    public String displayName() {
        return switch (this) {
            case PASS -> "Pass";
            case HIGH -> "High";
            case LOW -> "Low";
            case NODATA -> "Nodata";
        };
    }
}
