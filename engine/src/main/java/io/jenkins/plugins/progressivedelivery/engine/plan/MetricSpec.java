package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.time.Duration;

/**
 * One metric of an analysis, with Argo Rollouts semantics.
 *
 * @param interval              time between measurements; absent means one measurement
 * @param count                 number of measurements; a step analysis with an interval needs one
 * @param initialDelay          wait before the first measurement
 * @param successCondition      CEL over {@code result}; a measurement that does not meet it fails when there is no
 *                              {@code failureCondition}
 * @param failureCondition      CEL over {@code result}
 * @param failureLimit          the metric fails when failed measurements exceed this (default 0)
 * @param inconclusiveLimit     the metric is inconclusive when inconclusive measurements exceed this (default 0)
 * @param consecutiveErrorLimit the metric errs when consecutive errors exceed this (default 4)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricSpec(
        String name,
        Duration interval,
        Integer count,
        Duration initialDelay,
        String successCondition,
        String failureCondition,
        Integer failureLimit,
        Integer inconclusiveLimit,
        Integer consecutiveErrorLimit,
        MetricProviderSpec provider) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

    public int effectiveFailureLimit() {
        return failureLimit == null ? 0 : failureLimit;
    }

    public int effectiveInconclusiveLimit() {
        return inconclusiveLimit == null ? 0 : inconclusiveLimit;
    }

    public int effectiveConsecutiveErrorLimit() {
        return consecutiveErrorLimit == null ? DEFAULT_CONSECUTIVE_ERROR_LIMIT : consecutiveErrorLimit;
    }

    /** How many measurements end the metric: {@code count}, or 1 when neither count nor interval is given. */
    public Integer effectiveCount() {
        if (count != null) {
            return count;
        }
        return interval == null ? 1 : null;
    }
}
