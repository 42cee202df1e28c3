package io.jenkins.plugins.progressivedelivery.engine.doctor;

import java.util.Locale;

/** How much a finding matters. A check the plan marks {@code required} turns its warnings into errors. */
public enum Severity {
    /** Stops the rollout before anything is written. */
    ERROR,
    /** Risks an outage or a wrong verdict; the rollout goes on, the stage turns yellow. */
    WARNING,
    /** Worth knowing; nothing is wrong yet. */
    NOTE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
