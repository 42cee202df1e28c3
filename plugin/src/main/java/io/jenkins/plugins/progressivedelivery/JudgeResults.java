package io.jenkins.plugins.progressivedelivery;

import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeAudit;
import io.jenkins.plugins.progressivedelivery.engine.judge.JudgeGate;
import io.jenkins.plugins.progressivedelivery.engine.judge.MetricJudgement;
import io.jenkins.plugins.progressivedelivery.engine.judge.Scorecard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A judgement as the Pipeline sees it, the same for {@code analysisGate(judge: ...)} and each judge step of
 * {@code canaryRollout}. Only JDK types (String, Number, Boolean, List, Map), so the value is safe to keep in CPS
 * program state and passes JEP-200.
 */
final class JudgeResults {
    private JudgeResults() {
    }

    /**
     * {@code name}, {@code verdict} (Successful, Failed, Inconclusive, as an analysis), {@code message}, the judge's
     * {@code judgement} (Pass, Marginal, Fail, Nodata), {@code score}, the {@code pass} and {@code marginal}
     * thresholds, what the experiment was {@code compared} with ({@code baseline}, {@code stable}, {@code control})
     * and the {@code control} workload, {@code bias} (why a comparison with the stable is biased, else null), the
     * experiment's requests over the window, and {@code metrics}: per metric its classification, reason, direction,
     * weight, critical, p-value, shift estimate and interval, effect size and sample sizes.
     */
    static Map<String, Object> map(JudgeGate.Result result) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", result.analysis().name());
        map.put("verdict", result.analysis().phase().displayName());
        map.put("message", result.analysis().message());
        List<Object> metrics = new ArrayList<>();
        if (result.outcome() != null) {
            Scorecard card = result.outcome().scorecard();
            map.put("judgement", card.verdict().displayName());
            map.put("score", card.score());
            map.put("pass", card.passThreshold());
            map.put("marginal", card.marginalThreshold());
            map.put("compared", card.control());
            map.put("control", result.outcome().controlWorkload());
            map.put("bias", JudgeAudit.biasNote(card));
            map.put("experimentRequests", result.outcome().canaryRequests() < 0 ? null
                    : result.outcome().canaryRequests());
            for (MetricJudgement metric : card.metrics()) {
                metrics.add(metric(metric));
            }
        }
        map.put("metrics", metrics);
        return map;
    }

    /** One map per judgement, in order. */
    static List<Object> maps(List<JudgeGate.Result> results) {
        List<Object> maps = new ArrayList<>();
        for (JudgeGate.Result result : results) {
            maps.add(map(result));
        }
        return maps;
    }

    private static Map<String, Object> metric(MetricJudgement metric) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", metric.name());
        m.put("classification", metric.classification().displayName());
        m.put("reason", metric.reason());
        m.put("direction", metric.direction().id());
        m.put("weight", metric.weight());
        m.put("critical", metric.critical());
        m.put("pValue", metric.pValue());
        m.put("estimate", metric.estimate());
        m.put("lower", metric.lower());
        m.put("upper", metric.upper());
        m.put("effectSizeMeasure", metric.effectSizeMeasure() == null ? null : metric.effectSizeMeasure().id());
        m.put("effectSize", metric.effectSize());
        m.put("experimentSamples", metric.canarySamples());
        m.put("controlSamples", metric.controlSamples());
        return m;
    }
}
