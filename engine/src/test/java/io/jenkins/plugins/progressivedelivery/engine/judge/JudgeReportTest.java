package io.jenkins.plugins.progressivedelivery.engine.judge;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeReportTest {

    @Test
    void eachJudgementIsAScoreAndATableWithBothSeriesOfEveryMetric() {
        MetricJudgement latency = MetricClassifier.classify("latency-p99", new double[] {90, 95, 99, 97, 92, 96, 91,
                98, 94, 93}, new double[] {40, 42, 41, 39, 43, 40, 41, 42, 38, 44},
                ClassifierSettings.defaults(Direction.INCREASE), "baseline");
        Scorecard card = Scorer.score(List.of(latency), 95, 75, "baseline");
        JudgeRun.Outcome outcome = new JudgeRun.Outcome(card, List.of(new JudgeRun.MetricQueries("latency-p99",
                "q{w=\"canary\"}", "q{w=\"baseline\"}")), 600, "web-baseline", Duration.ofMinutes(5),
                Duration.ofSeconds(30));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<AuditEvent> events = JudgeAudit.events("step-3-judge", outcome, "deployment/shop/web",
                action -> AuditEvent.at(t, action)).stream().map(AuditEvent.Builder::build).toList();

        String html = JudgeReport.html(events, "jenkins-table");

        assertThat(html).contains("<h3>Judge step-3-judge: Fail, score 0 / 100")
                .contains("<table class=\"jenkins-table\">")
                .contains("<td>latency-p99</td><td>High</td>")
                .contains("<td class=\"num\">10 / 10</td>")
                .contains("stroke=\"#cf222e\"").contains("stroke=\"#0969da\"")
                .doesNotContain("<script").doesNotContain("style=");
        assertThat(JudgeReport.html(List.of(AuditEvent.at(t, io.jenkins.plugins.progressivedelivery.engine.audit
                .AuditAction.START).build()), "x")).isEmpty();
    }
}
