package io.jenkins.plugins.progressivedelivery.engine.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisState;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link BlueGreenRunner} needs to continue after its process went away (a Jenkins restart): Java
 * serialisable for the Pipeline's program state, and Jackson round-trippable for the CLI.
 *
 * @param newColour      the colour the new version is deployed to; null until preflight found the active one
 * @param activeColour   the colour production traffic was last switched to (the old colour until the switch)
 * @param fullReplicas   the active colour's size at preflight: the new colour's size in production
 * @param switchedAt     when production traffic was switched to the new colour, else null
 * @param dueAt          when the current timed wait ends (automatic promotion, scale-down delays), else null
 * @param deadline       when the current readiness wait gives up, else null
 * @param attempt        transient failures retried so far at this stage
 * @param analysis       the running analysis, in stage {@link BlueGreenStage#PRE_ANALYSIS} or
 *                       {@link BlueGreenStage#POST_ANALYSIS}
 * @param rollbackReason why the switch is being (or was) undone, else null
 * @param rollbackStartedAt when the switch back began ({@code rollbackTimeout} counts from it), else null
 * @param failingSince   since when the switch back keeps failing, else null
 * @param trouble        what kind of failure that is ({@code API unreachable}), else null
 * @param adopted        this run found production already on the new image (an earlier run switched and went away):
 *                       the old colour is not known to be warm, so a switch back warms it first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlueGreenState(
        BlueGreenPlan plan,
        Map<String, String> analysisArgs,
        RolloutPhase phase,
        BlueGreenStage stage,
        Colour newColour,
        Colour activeColour,
        int fullReplicas,
        Instant switchedAt,
        Instant dueAt,
        Instant deadline,
        int attempt,
        AnalysisState analysis,
        List<AnalysisResult> analyses,
        String rollbackReason,
        String rollbackActor,
        boolean abortedByUser,
        boolean awaitingPromotion,
        String message,
        Instant rollbackStartedAt,
        Instant failingSince,
        String trouble,
        boolean adopted) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A state from before the rollback's own fields: no switch back in progress. */
    public BlueGreenState(BlueGreenPlan plan, Map<String, String> analysisArgs, RolloutPhase phase,
                          BlueGreenStage stage, Colour newColour, Colour activeColour, int fullReplicas,
                          Instant switchedAt, Instant dueAt, Instant deadline, int attempt, AnalysisState analysis,
                          List<AnalysisResult> analyses, String rollbackReason, String rollbackActor,
                          boolean abortedByUser, boolean awaitingPromotion, String message) {
        this(plan, analysisArgs, phase, stage, newColour, activeColour, fullReplicas, switchedAt, dueAt, deadline,
                attempt, analysis, analyses, rollbackReason, rollbackActor, abortedByUser, awaitingPromotion, message,
                null, null, null, false);
    }

    public BlueGreenState {
        analysisArgs = analysisArgs == null ? Map.of() : Map.copyOf(analysisArgs);
        analyses = analyses == null ? List.of() : List.copyOf(analyses);
    }

    /** The state as JSON, for a CLI run to persist between invocations. */
    public String toJson() {
        return EngineJson.write(this, "blue-green state");
    }

    public static BlueGreenState fromJson(String json) {
        return EngineJson.read(json, BlueGreenState.class, "blue-green state");
    }
}
