package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * {@code analysisGate}'s judge: compares two label sets over a window with the canary judge's statistics, as
 * Kayenta's standalone canary analysis does without a rollout.
 *
 * @param judge         the metrics, window, step and thresholds, as a canary {@code judge} step has them
 * @param control       what is compared against (Kayenta's control)
 * @param experiment    what is judged (Kayenta's experiment)
 * @param requests      the application's request metric for the built-in metrics; null for Istio's
 * @param retrospective judge the window that ends now instead of waiting for a window that starts now (default)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JudgeGateSpec(JudgeSpec judge, LabelSetSpec control, LabelSetSpec experiment,
                            RequestMetricSpec requests, Boolean retrospective) implements Serializable {
    private static final long serialVersionUID = 1L;

    public JudgeGateSpec withRetrospective() {
        return new JudgeGateSpec(judge, control, experiment, requests, true);
    }

    public boolean effectiveRetrospective() {
        return retrospective != null && retrospective;
    }
}
