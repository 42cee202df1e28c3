package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;

/**
 * A blue-green switch, in Argo Rollouts' {@code blueGreen} vocabulary: the new version is deployed as the idle colour
 * next to the active one, checked through the preview Service, promoted by a person or after
 * {@code autoPromotionSeconds}, switched to in one write, checked again, and the old colour is kept at full size for
 * {@code scaleDownDelaySeconds} so that switching back is instant. Load one with {@link PlanLoader#loadBlueGreen}; it
 * is validated completely before it is returned.
 *
 * @param colorLabel                 the pod label whose value, {@code blue} or {@code green}, tells the colours apart
 *                                   (default {@code slot})
 * @param activeService              the Service taking production traffic; its selector's {@code colorLabel} names
 *                                   the active colour. Not used with {@code traffic.istio}, where the route does
 * @param previewService             the Service pointed at the new colour before promotion, for tests and the
 *                                   pre-promotion analysis
 * @param previewReplicaCount        size of the new colour until promotion; default the active colour's size
 * @param traffic                    how production traffic is switched (default: the active Service's selector)
 * @param prePromotionAnalysis       checks the new colour through the preview before promotion; Failed or Error
 *                                   aborts without touching production
 * @param autoPromotionSeconds       promote this long after the new colour is ready and passed its pre-promotion
 *                                   analysis; absent, a person promotes (or aborts)
 * @param postPromotionAnalysis      checks the new colour once it takes production traffic; Failed or Error switches
 *                                   back to the old colour
 * @param scaleDownDelaySeconds      how long the old colour keeps its full size after the switch, the window in which
 *                                   switching back is instant (default 30, as Argo); never ends before the
 *                                   post-promotion analysis passed
 * @param abortScaleDownDelaySeconds after an abort or a failed analysis, how long the new colour keeps running
 *                                   before it is scaled to zero (default 30)
 * @param readinessTimeout           how long a Deployment may take to become ready (default 10m)
 * @param onInconclusive             what an Inconclusive analysis does: {@code pause} (default) or {@code abort}
 * @param rollbackTimeout            how long a switch back keeps retrying a failing API before it gives up and says
 *                                   how to finish it by hand (default: no limit)
 * @param doctor                     how the preflight doctor judges the workloads (default: every check, warnings
 *                                   only)
 * @param hooks                      Jobs and webhooks run around the switch's phases
 * @param drainSeconds               after a switch (or switch back), how long the colour that lost production keeps
 *                                   serving its in-flight requests before it may be scaled down (default: the
 *                                   preStop sleep the doctor found)
 * @param metrics                    where the analyses' built-in metrics come from ({@code success-rate} of the new
 *                                   colour): the Prometheus, or the request metric of a cluster without Istio
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlueGreenPlan(
        BlueGreenTarget target,
        String colorLabel,
        String activeService,
        String previewService,
        Integer previewReplicaCount,
        BlueGreenTraffic traffic,
        AnalysisSpec prePromotionAnalysis,
        Integer autoPromotionSeconds,
        AnalysisSpec postPromotionAnalysis,
        Integer scaleDownDelaySeconds,
        Integer abortScaleDownDelaySeconds,
        Duration readinessTimeout,
        CanaryPlan.OnInconclusive onInconclusive,
        Duration rollbackTimeout,
        DoctorSpec doctor,
        HooksSpec hooks,
        Integer drainSeconds,
        MeshMetricsSpec metrics) implements DeliveryPlan {

    private static final long serialVersionUID = 1L;

    @Override
    public String image() {
        return target == null ? null : target.image();
    }

    public static final String DEFAULT_COLOR_LABEL = "slot";
    public static final int DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;
    public static final int DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30;

    public BlueGreenPlan {
        traffic = traffic == null ? BlueGreenTraffic.SERVICE_SELECTOR : traffic;
    }

    @Override
    public DoctorSpec effectiveDoctor() {
        return doctor == null ? DoctorSpec.DEFAULTS : doctor;
    }

    @Override
    public HooksSpec effectiveHooks() {
        return hooks == null ? HooksSpec.NONE : hooks;
    }

    /** A plan without built-in metric settings. */
    public BlueGreenPlan(BlueGreenTarget target, String colorLabel, String activeService, String previewService,
                         Integer previewReplicaCount, BlueGreenTraffic traffic, AnalysisSpec prePromotionAnalysis,
                         Integer autoPromotionSeconds, AnalysisSpec postPromotionAnalysis,
                         Integer scaleDownDelaySeconds, Integer abortScaleDownDelaySeconds, Duration readinessTimeout,
                         CanaryPlan.OnInconclusive onInconclusive, Duration rollbackTimeout, DoctorSpec doctor,
                         HooksSpec hooks, Integer drainSeconds) {
        this(target, colorLabel, activeService, previewService, previewReplicaCount, traffic, prePromotionAnalysis,
                autoPromotionSeconds, postPromotionAnalysis, scaleDownDelaySeconds, abortScaleDownDelaySeconds,
                readinessTimeout, onInconclusive, rollbackTimeout, doctor, hooks, drainSeconds, null);
    }

    /** A plan without doctor settings, hooks or a drain window. */
    public BlueGreenPlan(BlueGreenTarget target, String colorLabel, String activeService, String previewService,
                         Integer previewReplicaCount, BlueGreenTraffic traffic, AnalysisSpec prePromotionAnalysis,
                         Integer autoPromotionSeconds, AnalysisSpec postPromotionAnalysis,
                         Integer scaleDownDelaySeconds, Integer abortScaleDownDelaySeconds, Duration readinessTimeout,
                         CanaryPlan.OnInconclusive onInconclusive) {
        this(target, colorLabel, activeService, previewService, previewReplicaCount, traffic, prePromotionAnalysis,
                autoPromotionSeconds, postPromotionAnalysis, scaleDownDelaySeconds, abortScaleDownDelaySeconds,
                readinessTimeout, onInconclusive, null, null, null, null);
    }

    /** A plan without doctor settings, hooks or a drain window. */
    public BlueGreenPlan(BlueGreenTarget target, String colorLabel, String activeService, String previewService,
                         Integer previewReplicaCount, BlueGreenTraffic traffic, AnalysisSpec prePromotionAnalysis,
                         Integer autoPromotionSeconds, AnalysisSpec postPromotionAnalysis,
                         Integer scaleDownDelaySeconds, Integer abortScaleDownDelaySeconds, Duration readinessTimeout,
                         CanaryPlan.OnInconclusive onInconclusive, Duration rollbackTimeout) {
        this(target, colorLabel, activeService, previewService, previewReplicaCount, traffic, prePromotionAnalysis,
                autoPromotionSeconds, postPromotionAnalysis, scaleDownDelaySeconds, abortScaleDownDelaySeconds,
                readinessTimeout, onInconclusive, rollbackTimeout, null, null, null);
    }

    public String effectiveColorLabel() {
        return colorLabel == null ? DEFAULT_COLOR_LABEL : colorLabel;
    }

    public Duration effectiveScaleDownDelay() {
        return Duration.ofSeconds(scaleDownDelaySeconds == null ? DEFAULT_SCALE_DOWN_DELAY_SECONDS
                : scaleDownDelaySeconds);
    }

    public Duration effectiveAbortScaleDownDelay() {
        return Duration.ofSeconds(abortScaleDownDelaySeconds == null ? DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS
                : abortScaleDownDelaySeconds);
    }

    public Duration effectiveReadinessTimeout() {
        return readinessTimeout == null ? CanaryPlan.DEFAULT_READINESS_TIMEOUT : readinessTimeout;
    }

    public CanaryPlan.OnInconclusive effectiveOnInconclusive() {
        return onInconclusive == null ? CanaryPlan.OnInconclusive.PAUSE : onInconclusive;
    }

    /** The new colour's size before promotion, given the active colour's. */
    public int previewReplicas(int activeReplicas) {
        return previewReplicaCount == null ? activeReplicas : previewReplicaCount;
    }

    /** The plan with other pre- and post-promotion analyses (their AnalysisTemplates read and merged in). */
    public BlueGreenPlan withAnalyses(AnalysisSpec newPrePromotionAnalysis, AnalysisSpec newPostPromotionAnalysis) {
        return new BlueGreenPlan(target, colorLabel, activeService, previewService, previewReplicaCount, traffic,
                newPrePromotionAnalysis, autoPromotionSeconds, newPostPromotionAnalysis, scaleDownDelaySeconds,
                abortScaleDownDelaySeconds, readinessTimeout, onInconclusive, rollbackTimeout, doctor, hooks,
                drainSeconds);
    }
}
