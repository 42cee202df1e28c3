package io.jenkins.plugins.progressivedelivery.engine.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisState;
import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeGate;
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
 * @param stableImage    what stable ran before the rollout (from preflight)
 * @param stablePodTemplate stable's pod template before the rollout (JSON), put back by a rollback after promotion
 * @param rollbackCommand the kubectl command that moves traffic back by hand, from preflight, or null
 * @param stablePromoted the promotion write was issued: a rollback restores {@code stablePodTemplate} first
 * @param rollbackStartedAt when the rollback began ({@code rollbackTimeout} counts from it), else null
 * @param failingSince   since when the current rollback call keeps failing, else null
 * @param trouble        what kind of failure that is ({@code API unreachable}), else null
 * @param driftPause     paused because someone else changed what the engine manages
 * @param driftAccepted  changes by others that a person accepted by promoting after a drift pause: not drift again
 * @param weightSince    when the canary's weight was last set, else null: a judge step's window starts no earlier, so
 *                       a judge resumed after a restart collects the same window as one that was never interrupted
 * @param judgements     every judge step's result so far, in order (without the series, which are in the record)
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
        String message,
        String stableImage,
        String stablePodTemplate,
        String rollbackCommand,
        boolean stablePromoted,
        Instant rollbackStartedAt,
        Instant failingSince,
        String trouble,
        boolean driftPause,
        List<String> driftAccepted,
        Instant weightSince,
        List<JudgeGate.Result> judgements) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A state from before the rollback's own fields: no pod template to restore, no retry in progress. */
    public RolloutState(CanaryPlan plan, Map<String, String> analysisArgs, RolloutPhase phase, Stage stage,
                        int stepIndex, int canaryWeight, int stableReplicas, Instant dueAt, Instant deadline,
                        int attempt, AnalysisState analysis, List<AnalysisResult> analyses, String rollbackReason,
                        String rollbackActor, boolean abortedByUser, boolean awaitingPromotion, String message) {
        this(plan, analysisArgs, phase, stage, stepIndex, canaryWeight, stableReplicas, dueAt, deadline, attempt,
                analysis, analyses, rollbackReason, rollbackActor, abortedByUser, awaitingPromotion, message, null,
                null, null, false, null, null, null, false, null);
    }

    /** A state from before {@code driftAccepted}. */
    public RolloutState(CanaryPlan plan, Map<String, String> analysisArgs, RolloutPhase phase, Stage stage,
                        int stepIndex, int canaryWeight, int stableReplicas, Instant dueAt, Instant deadline,
                        int attempt, AnalysisState analysis, List<AnalysisResult> analyses, String rollbackReason,
                        String rollbackActor, boolean abortedByUser, boolean awaitingPromotion, String message,
                        String stableImage, String stablePodTemplate, String rollbackCommand, boolean stablePromoted,
                        Instant rollbackStartedAt, Instant failingSince, String trouble, boolean driftPause) {
        this(plan, analysisArgs, phase, stage, stepIndex, canaryWeight, stableReplicas, dueAt, deadline, attempt,
                analysis, analyses, rollbackReason, rollbackActor, abortedByUser, awaitingPromotion, message,
                stableImage, stablePodTemplate, rollbackCommand, stablePromoted, rollbackStartedAt, failingSince,
                trouble, driftPause, null, null);
    }

    /** A state from before {@code weightSince}: a judge after a restart waits a whole window. */
    public RolloutState(CanaryPlan plan, Map<String, String> analysisArgs, RolloutPhase phase, Stage stage,
                        int stepIndex, int canaryWeight, int stableReplicas, Instant dueAt, Instant deadline,
                        int attempt, AnalysisState analysis, List<AnalysisResult> analyses, String rollbackReason,
                        String rollbackActor, boolean abortedByUser, boolean awaitingPromotion, String message,
                        String stableImage, String stablePodTemplate, String rollbackCommand, boolean stablePromoted,
                        Instant rollbackStartedAt, Instant failingSince, String trouble, boolean driftPause,
                        List<String> driftAccepted) {
        this(plan, analysisArgs, phase, stage, stepIndex, canaryWeight, stableReplicas, dueAt, deadline, attempt,
                analysis, analyses, rollbackReason, rollbackActor, abortedByUser, awaitingPromotion, message,
                stableImage, stablePodTemplate, rollbackCommand, stablePromoted, rollbackStartedAt, failingSince,
                trouble, driftPause, driftAccepted, null, null);
    }

    /** A state from before {@code judgements}. */
    public RolloutState(CanaryPlan plan, Map<String, String> analysisArgs, RolloutPhase phase, Stage stage,
                        int stepIndex, int canaryWeight, int stableReplicas, Instant dueAt, Instant deadline,
                        int attempt, AnalysisState analysis, List<AnalysisResult> analyses, String rollbackReason,
                        String rollbackActor, boolean abortedByUser, boolean awaitingPromotion, String message,
                        String stableImage, String stablePodTemplate, String rollbackCommand, boolean stablePromoted,
                        Instant rollbackStartedAt, Instant failingSince, String trouble, boolean driftPause,
                        List<String> driftAccepted, Instant weightSince) {
        this(plan, analysisArgs, phase, stage, stepIndex, canaryWeight, stableReplicas, dueAt, deadline, attempt,
                analysis, analyses, rollbackReason, rollbackActor, abortedByUser, awaitingPromotion, message,
                stableImage, stablePodTemplate, rollbackCommand, stablePromoted, rollbackStartedAt, failingSince,
                trouble, driftPause, driftAccepted, weightSince, null);
    }

    public RolloutState {
        analysisArgs = analysisArgs == null ? Map.of() : Map.copyOf(analysisArgs);
        analyses = analyses == null ? List.of() : List.copyOf(analyses);
        driftAccepted = driftAccepted == null ? List.of() : List.copyOf(driftAccepted);
        judgements = judgements == null ? List.of() : List.copyOf(judgements);
    }

    /** The state as JSON, for a CLI run to persist between invocations. */
    public String toJson() {
        return EngineJson.write(this, "rollout state");
    }

    public static RolloutState fromJson(String json) {
        return EngineJson.read(json, RolloutState.class, "rollout state");
    }
}
