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
 * @param builtin               a built-in metric ({@code success-rate}, {@code latency-p99}, ...) measured instead of a
 *                              provider; absent with {@code min} or {@code max}, the metric's {@code name} is the one
 * @param min                   a built-in metric passes when its value is at least this (success-rate, percent)
 * @param max                   a built-in metric passes when its value is at most this (latencies, milliseconds)
 * @param workload              the Deployment a built-in metric measures; by default the one being judged (the
 *                              canary, the new colour); {@code analysisGate} needs it
 * @param namespace             that Deployment's namespace; by default the rollout's
 * @param minimumTraffic        fewer requests than this in the window make a measurement Inconclusive; set on the
 *                              built-in metrics when they are resolved into a query
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
        Integer consecutiveSuccessLimit,
        String builtin,
        Double min,
        Double max,
        String workload,
        String namespace,
        MinimumTraffic minimumTraffic) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

    /** {@code failureLimit: -1}: failures never fail the metric (Argo Rollouts 1.8). */
    public static final int NO_FAILURE_LIMIT = -1;

    /** A metric of a provider (not a built-in one). */
    public MetricSpec(String name, Duration interval, Integer count, Duration initialDelay, String successCondition,
                      String failureCondition, Integer failureLimit, Integer inconclusiveLimit,
                      Integer consecutiveErrorLimit, MetricProviderSpec provider, Integer consecutiveSuccessLimit) {
        this(name, interval, count, initialDelay, successCondition, failureCondition, failureLimit, inconclusiveLimit,
                consecutiveErrorLimit, provider, consecutiveSuccessLimit, null, null, null, null, null, null);
    }

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
                consecutiveErrorLimit, newProvider, consecutiveSuccessLimit, builtin, min, max, workload, namespace,
                minimumTraffic);
    }

    /** Whether this is a built-in metric with a threshold rather than a provider's query with conditions. */
    public boolean declaresBuiltin() {
        return builtin != null || min != null || max != null;
    }

    /** The built-in metric this one measures: {@code builtin}, else its name. */
    public String builtinName() {
        return builtin != null ? builtin : name;
    }

    /**
     * The same metric resolved into an ordinary one: its query, condition and traffic guard in place of the built-in
     * fields, so that it runs, validates and is recorded like any other Prometheus metric.
     */
    public MetricSpec resolvedAs(String success, MetricProviderSpec newProvider, MinimumTraffic guard) {
        return new MetricSpec(name, interval, count, initialDelay, success, null, failureLimit, inconclusiveLimit,
                consecutiveErrorLimit, newProvider, consecutiveSuccessLimit, null, null, null, null, null, guard);
    }

    /**
     * A measurement first counts the requests of the window with {@code query}; fewer than {@code requests} make it
     * Inconclusive, since at a trickle of traffic a rate or a percentile says nothing.
     *
     * @param query   PromQL counting the requests in the window
     * @param subject who served them, for the message ({@code canary}, {@code the new colour green})
     * @param advice  what to do about it, for the message
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MinimumTraffic(String query, Integer requests, Duration window, String subject, String advice)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        /** What to do when a canary sees too little traffic: its analyses' and its judge's advice. */
        public static final String CANARY_ADVICE = "raise the weight or the window, or use blueGreenSwitch";

        /** Why a measurement that counted {@code seen} requests is Inconclusive. */
        public String message(long seen) {
            return (subject == null ? "the workload" : subject) + " saw " + seen + " requests in "
                    + (window == null ? "the window" : Durations.format(window)) + "; at this traffic "
                    + ("canary".equals(subject) ? "a canary" : "a measurement") + " cannot tell good from bad"
                    + (advice == null ? "" : " \u2014 " + advice) + " (minRequests " + requests + ")";
        }
    }
}
