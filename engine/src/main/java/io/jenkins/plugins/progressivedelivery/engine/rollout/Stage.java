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
    PROMOTE_STABLE,
    AWAIT_STABLE,
    FINAL_SHIFT,
    FINAL_SCALE_DOWN,
    ROLLBACK_TRAFFIC,
    ROLLBACK_WAIT,
    ROLLBACK_SCALE_DOWN,
    DONE;

    boolean rollingBack() {
        return this == ROLLBACK_TRAFFIC || this == ROLLBACK_WAIT || this == ROLLBACK_SCALE_DOWN;
    }
}
