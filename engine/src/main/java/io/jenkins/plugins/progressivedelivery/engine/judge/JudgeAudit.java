package io.jenkins.plugins.progressivedelivery.engine.judge;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Measurement;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricResult;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a judgement leaves in the build log and the deploy record: the comparison it made (and a warning when it had
 * no baseline), each metric's resolved PromQL, one line per metric with its classification and numbers, and the
 * verdict; and the judgement as an {@link AnalysisResult}, so the rollout's result lists it with its analyses.
 */
public final class JudgeAudit {
    /** {@code details} keys of a metric's verdict event, for whoever reads the record. */
    public static final String CANARY_SERIES = "canarySeries";
    public static final String CONTROL_SERIES = "controlSeries";

    private JudgeAudit() {
    }

    /**
     * @param name     the judgement's name ({@code step-3-judge})
     * @param resource what the events are about (the stable Deployment)
     * @param event    a builder at the run's clock
     */
    public static List<AuditEvent.Builder> events(String name, JudgeRun.Outcome outcome, String resource,
                                                  Function<AuditAction, AuditEvent.Builder> event) {
        return events(name, "the canary", "the canary", outcome, resource, event);
    }

    /** Why a comparison with the stable (no baseline) is biased, or null when the control is not the stable. */
    public static String biasNote(Scorecard card) {
        return !"stable".equals(card.control()) ? null : "no baseline: the comparison with the stable is biased, since"
                + " the stable is older, warmer and larger than the canary; set baseline: true to compare like with"
                + " like";
    }

    /**
     * @param subject how the first line names what is judged ({@code the experiment checkout-canary (prod)})
     * @param served  how it names it before "served N requests" ({@code the experiment})
     */
    public static List<AuditEvent.Builder> events(String name, String subject, String served,
                                                  JudgeRun.Outcome outcome, String resource,
                                                  Function<AuditAction, AuditEvent.Builder> event) {
        List<AuditEvent.Builder> events = new ArrayList<>();
        Scorecard card = outcome.scorecard();
        // START, not MEASUREMENT: these lines say what the judge does; its numbers are in the verdicts.
        events.add(event.apply(AuditAction.START).resource(resource)
                .after("judge " + name + " compares " + subject + " with the " + card.control() + " "
                        + outcome.controlWorkload() + " over " + Durations.format(outcome.window()) + ", a sample"
                        + " every " + Durations.format(outcome.step())
                        + (outcome.canaryRequests() >= 0 ? "; " + served + " served " + outcome.canaryRequests()
                        + " requests" : ""))
                .reason(biasNote(card))
                .detail("judge", name).detail("control", outcome.controlWorkload()));
        for (JudgeRun.MetricQueries query : outcome.queries()) {
            events.add(event.apply(AuditAction.START).resource(resource)
                    .after("judge " + name + " metric " + query.name() + ": " + query.canary())
                    .detail("metric", query.name()).detail("canaryQuery", query.canary())
                    .detail("controlQuery", query.control()));
        }
        for (MetricJudgement metric : card.metrics()) {
            events.add(event.apply(AuditAction.VERDICT).resource(resource)
                    .after("judge " + name + " metric " + metric.name() + " " + metric.classification().displayName()
                            + (metric.critical() ? " (critical)" : ""))
                    .reason(metric.reason())
                    .detail("judge", name)
                    .detail("metric", metric.name())
                    .detail("classification", metric.classification().displayName())
                    .detail("direction", metric.direction().id())
                    .detail("weight", MetricClassifier.format(metric.weight()))
                    .detail("critical", metric.critical())
                    .detail("pValue", metric.pValue())
                    .detail("estimate", metric.estimate())
                    .detail("lower", metric.lower())
                    .detail("upper", metric.upper())
                    .detail("effectSize", metric.effectSize())
                    .detail("effectSizeMeasure", metric.effectSizeMeasure() == null ? null
                            : metric.effectSizeMeasure().id())
                    .detail("canarySamples", metric.canarySamples())
                    .detail("controlSamples", metric.controlSamples())
                    .detail(CANARY_SERIES, join(metric.canaryValues()))
                    .detail(CONTROL_SERIES, join(metric.controlValues())));
        }
        events.add(event.apply(AuditAction.VERDICT).resource(resource)
                .after("judge " + name + " " + card.verdict().displayName()
                        + (card.score() == null ? "" : ", score " + MetricClassifier.format(card.score()))
                        + " against the " + card.control())
                .reason(card.message())
                .detail("judge", name)
                .detail("verdict", card.verdict().displayName())
                .detail("phase", phase(card.verdict()).displayName())
                .detail("score", card.score() == null ? null : MetricClassifier.format(card.score()))
                .detail("pass", MetricClassifier.format(card.passThreshold()))
                .detail("marginal", MetricClassifier.format(card.marginalThreshold()))
                .detail("canaryRequests", outcome.canaryRequests() < 0 ? null : outcome.canaryRequests()));
        return events;
    }

    /** Pass continues; Marginal and Nodata are Inconclusive; Fail fails. */
    public static AnalysisPhase phase(Verdict verdict) {
        return switch (verdict) {
            case PASS -> AnalysisPhase.SUCCESSFUL;
            case MARGINAL, NODATA -> AnalysisPhase.INCONCLUSIVE;
            case FAIL -> AnalysisPhase.FAILED;
        };
    }

    /**
     * The judgement as an analysis result: one metric result per judged metric (Pass is Successful, High and Low
     * Failed, Nodata Inconclusive), its one measurement holding the shift estimate, and the scorecard's message.
     */
    public static AnalysisResult toAnalysisResult(String name, JudgeRun.Outcome outcome, Instant started,
                                                  Instant finished) {
        return toAnalysisResult(name, outcome, started, finished, "the canary");
    }

    /** @param subject how the message names what was judged ({@code the canary}, {@code the experiment}) */
    public static AnalysisResult toAnalysisResult(String name, JudgeRun.Outcome outcome, Instant started,
                                                  Instant finished, String subject) {
        Scorecard card = outcome.scorecard();
        List<MetricResult> metrics = metricResults(card, started, finished);
        String message = card.message() + "; " + subject + " was compared with the " + card.control();
        return new AnalysisResult(name, phase(card.verdict()), metrics, message);
    }

    private static List<MetricResult> metricResults(Scorecard card, Instant started, Instant finished) {
        List<MetricResult> metrics = new ArrayList<>();
        for (MetricJudgement metric : card.metrics()) {
            AnalysisPhase phase = switch (metric.classification()) {
                case PASS -> AnalysisPhase.SUCCESSFUL;
                case HIGH, LOW -> AnalysisPhase.FAILED;
                case NODATA -> AnalysisPhase.INCONCLUSIVE;
            };
            String message = metric.classification().displayName() + ": " + metric.reason();
            MetricValue value = metric.estimate() == null ? MetricValue.vector(List.of())
                    : MetricValue.scalar(metric.estimate());
            Measurement measurement = new Measurement(started, finished, phase, value, message);
            metrics.add(new MetricResult(metric.name(), phase, 1, phase == AnalysisPhase.SUCCESSFUL ? 1 : 0,
                    phase == AnalysisPhase.FAILED ? 1 : 0, phase == AnalysisPhase.INCONCLUSIVE ? 1 : 0, 0, 0,
                    List.of(measurement), message));
        }
        return metrics;
    }

    private static String join(List<Double> values) {
        return values.isEmpty() ? null
                : values.stream().map(MetricClassifier::format).collect(Collectors.joining(","));
    }
}
