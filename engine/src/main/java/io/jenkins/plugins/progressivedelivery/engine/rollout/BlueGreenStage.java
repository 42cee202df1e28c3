package io.jenkins.plugins.progressivedelivery.engine.rollout;

/**
 * Where a {@link BlueGreenRunner} is, in the order a promotion goes through them. Persisted with the state, so a
 * resumed runner knows whether to re-issue an idempotent cluster call, re-arm a timer or keep waiting for promote.
 */
public enum BlueGreenStage {
    PREFLIGHT,
    /** The new colour created or updated at its preview size. */
    DEPLOY_NEW,
    AWAIT_NEW,
    /** The preview Service pointed at the new colour. */
    POINT_PREVIEW,
    PRE_ANALYSIS,
    /** The promotion gate: a person, or {@code autoPromotionSeconds}, or an Inconclusive pre-promotion analysis. */
    AWAIT_PROMOTION,
    /** The new colour scaled from its preview size to full size before it takes production traffic. */
    SCALE_UP_NEW,
    AWAIT_FULL,
    /** Production traffic moved to the new colour: one write. */
    SWITCH,
    POST_ANALYSIS,
    /** The post-promotion analysis was Inconclusive: promote keeps the switch, abort switches back. */
    AWAIT_CONFIRMATION,
    /** The old colour kept at full size for {@code scaleDownDelaySeconds}: the window for an instant switch back. */
    SCALE_DOWN_WAIT,
    SCALE_DOWN_OLD,
    /**
     * Before switching back to an old colour this run did not see warm (a re-run that adopted a switch): it is scaled
     * to full size and must be ready, so that production is never sent to a colour without pods.
     */
    ROLLBACK_WARM_OLD,
    ROLLBACK_AWAIT_OLD,
    /** Production traffic moved back to the old colour: one write. */
    ROLLBACK_SWITCH,
    ROLLBACK_WAIT,
    ROLLBACK_SCALE_DOWN,
    DONE;

    boolean rollingBack() {
        return this == ROLLBACK_WARM_OLD || this == ROLLBACK_AWAIT_OLD || this == ROLLBACK_SWITCH
                || this == ROLLBACK_WAIT || this == ROLLBACK_SCALE_DOWN;
    }

    /** Production traffic may be on the new colour: a rollback from here switches back. */
    boolean switchIssued() {
        return compareTo(SWITCH) >= 0 && compareTo(SCALE_DOWN_OLD) <= 0;
    }
}
