package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * One step of a canary plan, written as in Argo Rollouts: {@code - setWeight: 20}, {@code - pause: 2m}
 * (or {@code pause: {duration: 2m}}), {@code - pause: {}} (wait for promote or abort), {@code - analysis: {...}},
 * {@code - setHeaderRoute: {...}}, {@code - setMirrorRoute: {...}}, {@code - setCanaryScale: {...}},
 * {@code - judge: {metrics: [success-rate, latency-p99]}}.
 */
@JsonDeserialize(using = PlanStepJson.Reader.class)
@JsonSerialize(using = PlanStepJson.Writer.class)
public sealed interface PlanStep extends Serializable {

    /** Sends {@code weight} percent of traffic to the canary. */
    record SetWeight(int weight) implements PlanStep {
        private static final long serialVersionUID = 1L;
    }

    /** Waits {@code duration}, or until promoted or aborted when {@code duration} is null. */
    record Pause(Duration duration) implements PlanStep {
        private static final long serialVersionUID = 1L;

        public boolean indefinite() {
            return duration == null;
        }
    }

    /** Runs an analysis and continues only if its verdict is Successful. */
    record Analysis(AnalysisSpec analysis) implements PlanStep {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Sends requests whose headers match to the canary at 100 %, by a route the engine adds before the weighted one
     * (for testers: {@code X-Canary: always}). An empty {@code match} removes the route. Every such route is removed
     * when the rollout is promoted, rolled back or aborted.
     *
     * @param name  the route's name, unique among the plan's managed routes and the route object's own
     * @param match the header conditions, all of which a request must meet
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record SetHeaderRoute(String name, List<HeaderMatch> match) implements PlanStep {
        private static final long serialVersionUID = 1L;

        public SetHeaderRoute {
            match = match == null ? List.of() : List.copyOf(match);
        }

        /** Whether this step removes the route instead of setting it. */
        @JsonIgnore
        public boolean removes() {
            return match.isEmpty();
        }
    }

    /**
     * Copies a {@code percentage} of the requests that match (all of the weighted route's when {@code match} is
     * empty) to the canary, whose responses are discarded: the clients are still served by the weighted route. A
     * {@code match} of none and a percentage of 0 removes it; promotion, rollback and abort remove it too.
     *
     * @param percentage 0..100 of the matching requests; 100 when omitted
     * @param match      request conditions (any one of them); each condition's parts must all hold
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record SetMirrorRoute(String name, Integer percentage, List<RouteMatch> match) implements PlanStep {
        private static final long serialVersionUID = 1L;

        public SetMirrorRoute {
            match = match == null ? List.of() : List.copyOf(match);
        }

        @JsonIgnore
        public int effectivePercentage() {
            return percentage == null ? 100 : percentage;
        }

        /** Whether this step removes the route instead of setting it. */
        @JsonIgnore
        public boolean removes() {
            return percentage != null && percentage == 0;
        }
    }

    /**
     * Sizes the canary Deployment apart from its traffic weight, as Argo Rollouts' {@code setCanaryScale}: exactly
     * {@code replicas} pods, or {@code weight} percent of the stable's replicas, until a later step says
     * {@code matchTrafficWeight: true} (sized by the traffic weight again, the default). Exactly one of the three.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record SetCanaryScale(Integer replicas, Integer weight, Boolean matchTrafficWeight) implements PlanStep {
        private static final long serialVersionUID = 1L;

        /** Whether the canary follows the traffic weight again. */
        @JsonIgnore
        public boolean matchesTraffic() {
            return Boolean.TRUE.equals(matchTrafficWeight);
        }
    }

    /** One header condition: {@code {headerName: X-Canary, headerValue: {exact: always}}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HeaderMatch(String headerName, StringMatch headerValue) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Exactly one of {@code exact}, {@code prefix} or {@code regex} (RE2 syntax, as Envoy and nginx read it). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StringMatch(String exact, String prefix, String regex) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** {@code exact}, {@code prefix} or {@code regex}; null when none is set. */
        @JsonIgnore
        public String type() {
            return exact != null ? "exact" : prefix != null ? "prefix" : regex != null ? "regex" : null;
        }

        @JsonIgnore
        public String value() {
            return exact != null ? exact : prefix != null ? prefix : regex;
        }

        /** {@code exact "always"}. */
        @Override
        public String toString() {
            return type() + " \"" + value() + "\"";
        }
    }

    /**
     * A request condition of a mirror route: {@code {method: {exact: GET}, path: {prefix: /api},
     * headers: {X-Debug: {exact: "1"}}}}, every part optional and all of them required to hold.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record RouteMatch(StringMatch method, StringMatch path, java.util.Map<String, StringMatch> headers)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public RouteMatch {
            headers = headers == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(
                    new java.util.LinkedHashMap<>(headers));
        }
    }

    /** Compares the canary with its baseline (or the stable) statistically and continues only if the score passes. */
    record Judge(JudgeSpec judge) implements PlanStep {
        private static final long serialVersionUID = 1L;
    }
}
