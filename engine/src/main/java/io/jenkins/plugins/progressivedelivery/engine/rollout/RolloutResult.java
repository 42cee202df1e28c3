package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeGate;
import java.io.Serializable;
import java.util.List;

/**
 * How a rollout ended.
 *
 * @param finalWeight the canary's share of traffic at the end (0 after promotion, when stable runs the new version,
 *                    and after a rollback)
 * @param analyses    the verdict of every analysis step that ran, in order
 * @param message     why it ended this way, for the build log and the pipeline
 * @param judgements  every judge step's full result (scorecard, control, requests), in order; each is also one of
 *                    {@code analyses}
 */
public record RolloutResult(RolloutPhase phase, int finalWeight, List<AnalysisResult> analyses, String message,
                            List<JudgeGate.Result> judgements) implements Serializable {
    private static final long serialVersionUID = 1L;

    public RolloutResult {
        analyses = List.copyOf(analyses);
        judgements = judgements == null ? List.of() : List.copyOf(judgements);
    }

    /** A rollout without judge steps. */
    public RolloutResult(RolloutPhase phase, int finalWeight, List<AnalysisResult> analyses, String message) {
        this(phase, finalWeight, analyses, message, null);
    }

    public boolean promoted() {
        return phase == RolloutPhase.PROMOTED;
    }
}
