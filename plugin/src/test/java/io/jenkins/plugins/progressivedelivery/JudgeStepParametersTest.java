package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.judge.Direction;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code judge} canary step as Pipeline binds it: the plan's literal shape and the Snippet Generator's symbols. */
class JudgeStepParametersTest {

    private static Map<String, Object> canary(Object judge) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("namespace", "shop");
        args.put("deployment", "checkout");
        args.put("container", "app");
        args.put("image", "checkout:2");
        args.put("virtualService", "checkout");
        args.put("stableService", "checkout-stable");
        args.put("canaryService", "checkout-canary");
        args.put("baseline", true);
        args.put("steps", List.of(Map.of("setWeight", 10), judge));
        return args;
    }

    private static JudgeSpec judgeOf(Map<String, Object> args) throws Exception {
        CanaryPlan plan = Structs.instantiate(CanaryRolloutStep.class, args).loadPlan(null);
        assertThat(plan.effectiveBaseline()).isTrue();
        return ((PlanStep.Judge) plan.steps().get(1)).judge();
    }

    @Test
    void theLiteralAndTheSymbolsBindToTheSameJudge() throws Exception {
        JudgeSpec literal = judgeOf(canary(Map.of("judge", Map.of(
                "metrics", List.of("success-rate", Map.of("name", "queue", "direction", "increase", "critical", true,
                        "query", "max(queue{pod=~\"{{workload}}-.*\"})")),
                "prometheus", Map.of("address", "http://prometheus:9090", "timeout", "5s"),
                "window", "10m", "confidence", new BigDecimal("0.95"), "minSamples", 12))));
        JudgeSpec symbols = judgeOf(canary(Structs.symbol("judge", Map.of(
                "metrics", List.of(Structs.symbol("judgeMetric", Map.of("name", "success-rate")),
                        Structs.symbol("judgeMetric", Map.of("name", "queue", "direction", "increase", "critical",
                                true, "query", "max(queue{pod=~\"{{workload}}-.*\"})"))),
                "address", "http://prometheus:9090", "timeout", "5s", "window", "10m", "confidence", 0.95,
                "minSamples", 12))));

        assertThat(symbols).isEqualTo(literal);
        assertThat(literal.metrics()).extracting(m -> m.name()).containsExactly("success-rate", "queue");
        assertThat(literal.metrics().get(1).direction()).isEqualTo(Direction.INCREASE);
        assertThat(literal.prometheus().address()).isEqualTo("http://prometheus:9090");
        assertThat(literal.prometheus().effectiveTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(literal.confidence()).isEqualTo(0.95);
        assertThat(literal.effectiveWindow()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aMisspelledJudgeParameterIsNamed() {
        assertThatThrownBy(() -> Structs.instantiate(CanaryRolloutStep.class, canary(Map.of("judge", Map.of(
                "metrics", List.of("success-rate"), "windw", "10m"))))).hasMessageContaining("unknown parameter"
                + " 'windw'");
    }
}
