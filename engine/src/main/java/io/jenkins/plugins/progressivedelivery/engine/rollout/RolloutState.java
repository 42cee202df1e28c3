package io.jenkins.plugins.progressivedelivery.engine.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisState;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link CanaryRunner} needs to continue after its process went away (a Jenkins restart): Java
 * serialisable for the Pipeline's program state, and Jackson round-trippable for the CLI.
 *
 * @param stepIndex      0-based index of the current step
 * @param canaryWeight   the weight last written to the route
 * @param dueAt          when the current timed wait ends (pause, rollback scale-down delay), else null
 * @param deadline       when the current readiness wait gives up, else null
 * @param attempt        transient failures retried so far at this stage
 * @param analysis       the running analysis, if the stage is {@link Stage#ANALYSIS}
 * @param rollbackReason why the rollout is rolling back (or was), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutState(
        CanaryPlan plan,
        Map<String, String> analysisArgs,
        RolloutPhase phase,
        Stage stage,
        int stepIndex,
        int canaryWeight,
        int stableReplicas,
        Instant dueAt,
        Instant deadline,
        int attempt,
        AnalysisState analysis,
        List<AnalysisResult> analyses,
        String rollbackReason,
        String rollbackActor,
        boolean abortedByUser,
        boolean awaitingPromotion,
        String message) implements Serializable {

    private static final long serialVersionUID = 1L;

    public RolloutState {
        analysisArgs = analysisArgs == null ? Map.of() : Map.copyOf(analysisArgs);
        analyses = analyses == null ? List.of() : List.copyOf(analyses);
    }

    /** The state as JSON, for a CLI run to persist between invocations. */
    public String toJson() {
        return EngineJson.write(this, "rollout state");
    }

    public static RolloutState fromJson(String json) {
        return EngineJson.read(json, RolloutState.class, "rollout state");
    }
}
