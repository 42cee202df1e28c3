package io.jenkins.plugins.progressivedelivery.cli;

import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutPhase;

/** How {@code run} ends, as a shell sees it: one code per outcome, so that a script can tell them apart. */
final class ExitCodes {
    static final int PROMOTED = 0;
    /** An analysis or a failure rolled the rollout back; traffic is on stable. */
    static final int ROLLED_BACK = 1;
    static final int INVALID = PlanFiles.INVALID;
    /** A person (abort, Ctrl-C, SIGTERM) aborted; traffic is on stable. */
    static final int ABORTED = 3;
    /** The rollback could not finish: traffic is NOT safe; the last line says what is left and how to finish it. */
    static final int ROLLBACK_FAILED = 4;
    /** Nothing could be done (the plan did not fit the cluster); nothing was changed. */
    static final int FAILED = 5;

    private ExitCodes() {
    }

    static int of(RolloutPhase phase) {
        return switch (phase) {
            case PROMOTED -> PROMOTED;
            case ROLLED_BACK -> ROLLED_BACK;
            case ABORTED -> ABORTED;
            case ROLLBACK_FAILED -> ROLLBACK_FAILED;
            default -> FAILED;
        };
    }
}
