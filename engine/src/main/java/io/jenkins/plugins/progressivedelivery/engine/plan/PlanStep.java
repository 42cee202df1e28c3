package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.Serializable;
import java.time.Duration;

/**
 * One step of a canary plan, written as in Argo Rollouts: {@code - setWeight: 20}, {@code - pause: 2m}
 * (or {@code pause: {duration: 2m}}), {@code - pause: {}} (wait for promote or abort), {@code - analysis: {...}},
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

    /** Compares the canary with its baseline (or the stable) statistically and continues only if the score passes. */
    record Judge(JudgeSpec judge) implements PlanStep {
        private static final long serialVersionUID = 1L;
    }
}
