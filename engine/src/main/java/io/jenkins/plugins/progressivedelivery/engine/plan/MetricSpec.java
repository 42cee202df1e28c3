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
 * @param consecutiveSuccessLimit the metric is Successful as soon as this many measurements in a row were Successful
 *                              (default 0: not used); with {@code failureLimit: -1} it is the only success rule
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
        MetricProviderSpec provider,
        Integer consecutiveSuccessLimit) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

    /** {@code failureLimit: -1}: failures never fail the metric (Argo Rollouts 1.8). */
    public static final int NO_FAILURE_LIMIT = -1;

    /** A metric without {@code consecutiveSuccessLimit}. */
    public MetricSpec(String name, Duration interval, Integer count, Duration initialDelay, String successCondition,
                      String failureCondition, Integer failureLimit, Integer inconclusiveLimit,
                      Integer consecutiveErrorLimit, MetricProviderSpec provider) {
        this(name, interval, count, initialDelay, successCondition, failureCondition, failureLimit, inconclusiveLimit,
                consecutiveErrorLimit, provider, null);
    }

    public int effectiveFailureLimit() {
        return failureLimit == null ? 0 : failureLimit;
    }

    public int effectiveInconclusiveLimit() {
        return inconclusiveLimit == null ? 0 : inconclusiveLimit;
    }

    public int effectiveConsecutiveErrorLimit() {
        return consecutiveErrorLimit == null ? DEFAULT_CONSECUTIVE_ERROR_LIMIT : consecutiveErrorLimit;
    }

    public int effectiveConsecutiveSuccessLimit() {
        return consecutiveSuccessLimit == null ? 0 : consecutiveSuccessLimit;
    }

    /** Whether failures can fail the metric: {@code failureLimit} is not -1. */
    public boolean failureLimitApplies() {
        return effectiveFailureLimit() >= 0;
    }

    /**
     * How many measurements end the metric, as Argo's {@code EffectiveCount}: {@code count}; 1 when neither count
     * nor interval is given; null (until stopped) when there is an interval and no count or {@code count: 0}.
     */
    public Integer effectiveCount() {
        if (count != null && count > 0) {
            return count;
        }
        return interval == null ? 1 : null;
    }

    /** The same metric under another name or provider, for merged templates and resolved arguments. */
    public MetricSpec withConditionsAndProvider(String success, String failure, MetricProviderSpec newProvider) {
        return new MetricSpec(name, interval, count, initialDelay, success, failure, failureLimit, inconclusiveLimit,
                consecutiveErrorLimit, newProvider, consecutiveSuccessLimit);
    }
}
