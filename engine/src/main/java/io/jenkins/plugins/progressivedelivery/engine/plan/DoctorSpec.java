package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;

/**
 * How the doctor judges the plan's workloads before a rollout (see {@code docs/doctor.md}).
 *
 * @param required                   check ids whose warnings stop the rollout before anything is written (an
 *                                   error instead of a warning); {@code all} makes every check required
 * @param skip                       check ids not run at all
 * @param endpointPropagationSeconds how long the mesh or kube-proxy takes to stop sending to a terminating pod; a
 *                                   preStop sleep must cover it (default 5)
 * @param longestRequestSeconds      the longest request the service serves; the grace period must cover the preStop
 *                                   sleep plus this (default 10)
 * @param slowStartSeconds           a container whose probes wait this long before the first check is a slow
 *                                   starter that needs a startup probe (default 30)
 * @param traffic                    how to measure the service's request rate, for the traffic-volume check
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DoctorSpec(
        List<String> required,
        List<String> skip,
        Integer endpointPropagationSeconds,
        Integer longestRequestSeconds,
        Integer slowStartSeconds,
        TrafficVolumeSpec traffic) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Every check the doctor has, by the id a plan names it with in {@code required} and {@code skip}. */
    public static final List<String> CHECKS = List.of("readiness-probe", "startup-probe", "prestop-hook",
            "termination-grace", "rolling-update", "pod-disruption-budget", "hpa", "image-tag", "image-pull-policy",
            "destination-rule-subsets", "outlier-detection", "route-retries", "long-lived-connections",
            "traffic-volume");

    public static final DoctorSpec DEFAULTS = new DoctorSpec(null, null, null, null, null, null);
    public static final int DEFAULT_ENDPOINT_PROPAGATION_SECONDS = 5;
    public static final int DEFAULT_LONGEST_REQUEST_SECONDS = 10;
    public static final int DEFAULT_SLOW_START_SECONDS = 30;

    public DoctorSpec {
        required = required == null ? List.of() : List.copyOf(required);
        skip = skip == null ? List.of() : List.copyOf(skip);
    }

    public int effectiveEndpointPropagationSeconds() {
        return endpointPropagationSeconds == null ? DEFAULT_ENDPOINT_PROPAGATION_SECONDS : endpointPropagationSeconds;
    }

    public int effectiveLongestRequestSeconds() {
        return longestRequestSeconds == null ? DEFAULT_LONGEST_REQUEST_SECONDS : longestRequestSeconds;
    }

    public int effectiveSlowStartSeconds() {
        return slowStartSeconds == null ? DEFAULT_SLOW_START_SECONDS : slowStartSeconds;
    }

    public boolean isRequired(String check) {
        return required.contains(check) || required.contains("all");
    }

    public boolean isSkipped(String check) {
        return skip.contains(check);
    }

    /**
     * The request rate of the service as it is now (all versions), from Prometheus.
     *
     * @param prometheus      an instant query answering requests per second, e.g.
     *                        {@code sum(rate(http_requests_total{service="checkout"}[5m]))}
     * @param minimumRequests requests the canary must receive in one measurement interval of its analysis for a
     *                        verdict to mean something (default 100: below that one error moves an error ratio by
     *                        a percent or more)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrafficVolumeSpec(PrometheusSpec prometheus, Integer minimumRequests) implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final int DEFAULT_MINIMUM_REQUESTS = 100;

        public int effectiveMinimumRequests() {
            return minimumRequests == null ? DEFAULT_MINIMUM_REQUESTS : minimumRequests;
        }
    }
}
