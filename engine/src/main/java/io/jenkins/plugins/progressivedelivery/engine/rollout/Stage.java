package io.jenkins.plugins.progressivedelivery.engine.rollout;

/**
 * The runner's position inside a step. Persisted with the state, so a resumed runner knows whether to re-issue an
 * idempotent cluster call, re-arm a timer or keep waiting for promote.
 */
public enum Stage {
    PREFLIGHT,
    PREPARE_CANARY,
    AWAIT_CANARY,
    SHIFT_WEIGHT,
    /** A header or mirror route step: one write of the route. */
    SET_ROUTE,
    PAUSE,
    ANALYSIS,
    /** A judge step: the canary's and the control's series are queried and compared. */
    JUDGE,
    PROMOTE_STABLE,
    AWAIT_STABLE,
    FINAL_SHIFT,
    FINAL_SCALE_DOWN,
    /** The stable Deployment's pod template from before the promotion write put back. */
    ROLLBACK_RESTORE_STABLE,
    ROLLBACK_AWAIT_STABLE,
    ROLLBACK_TRAFFIC,
    ROLLBACK_WAIT,
    ROLLBACK_SCALE_DOWN,
    DONE;

    boolean rollingBack() {
        return this == ROLLBACK_RESTORE_STABLE || this == ROLLBACK_AWAIT_STABLE || this == ROLLBACK_TRAFFIC
                || this == ROLLBACK_WAIT || this == ROLLBACK_SCALE_DOWN;
    }

    /** Traffic is not yet safe: a rollback here retries until it is. */
    boolean trafficUnsafe() {
        return this == ROLLBACK_RESTORE_STABLE || this == ROLLBACK_AWAIT_STABLE || this == ROLLBACK_TRAFFIC;
    }
}
