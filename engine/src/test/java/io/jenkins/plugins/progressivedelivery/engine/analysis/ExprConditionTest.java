package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Conditions in Argo's expression language, with the results expr-lang gives Argo Rollouts
 * ({@code utils/evaluate/evaluate.go}: {@code result} is {@code []float64} for a vector, {@code float64} for a
 * scalar, the decoded JSON for a web metric).
 */
class ExprConditionTest {
    private static final MetricValue VECTOR = MetricValue.vector(List.of(0.5, 2.0, 999.0));
    private static final MetricValue EMPTY = MetricValue.vector(List.of());
    private static final MetricValue DOC = MetricValue.document(
            "{\"Status\":0,\"ok\":true,\"name\":\"checkout-7\",\"items\":[1,2,3],\"nested\":{\"rate\":0.97},"
                    + "\"count\":\"42\",\"ratio\":\"0.25\",\"none\":null}");

    @ParameterizedTest(name = "{0} on [0.5,2,999] is {1}")
    @CsvSource(delimiter = '|', value = {
        "result[0] >= 0.5 and result[1] == 2|true",
        "result[0] > 1 or result[2] > 1|true",
        "not (result[0] > 1)|true",
        "not true == false|true",
        "!(result[0] > 1) && true|true",
        "all(result, # < 1000)|true",
        "all(result, {# < 1000})|true",
        "any(result, # > 990)|true",
        "none(result, # > 1000)|true",
        "one(result, # > 1)|false",
        "len(filter(result, # > 1)) == 2|true",
        "count(result, # > 1) == 2|true",
        "map(result, # * 2)[2] == 1998|true",
        "all(map(result, # + 1), # > 1)|true",
        "result[-1] == 999|true",
        "result[-3] == 0.5|true",
        "len(result) == 3|true",
        "2 in result|true",
        "3 not in result|true",
        "result[0] > 0.1 ? result[1] == 2 : false|true",
        "result[0] < 0.1 ? true : result[2] < 10|false",
        "1 / 2 == 0.5|true",
        "7 % 4 == 3|true",
        "2 ** 10 == 1024|true",
        "result[1] * 3 - 1 == 5|true",
        "-result[0] == -0.5|true",
        "default(result[0], 1) == 0.5|true",
        "isNil(result)|false",
        "isNaN(result[0])|false",
        "isInf(result[2])|false",
        "asInt(result[2]) == 999|true",
        "asFloat(result[0]) == 0.5|true",
        "sum(result) == 1001.5|true",
        "max(result) == 999|true",
        "result[0:2] == [0.5, 2]|true",
        "1e3 > result[2]|true",
        "result[0] == .5|true",
    })
    void vectorConditions(String condition, boolean expected) throws Exception {
        assertThat(Condition.compile(condition).evaluate(VECTOR)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} on a JSON document is {1}")
    @CsvSource(delimiter = '|', value = {
        "result.Status == 0|true",
        "result.Status == 999|false",
        "result.ok|true",
        "result.missing == nil|true",
        "isNil(result.missing)|true",
        "isNil(result.none)|true",
        "default(result.missing, 5) == 5|true",
        "default(result.Status, 5) == 0|true",
        "result.nested.rate >= 0.95|true",
        "result[\"nested\"][\"rate\"] > 0.9|true",
        "result?.missing?.deeper == nil|true",
        "result.name startsWith \"checkout\"|true",
        "result.name matches \"^checkout-[0-9]+$\"|true",
        "result.name contains \"out\"|true",
        "result.name endsWith \"-7\"|true",
        "\"ok\" in result|true",
        "asInt(result.count) == 42|true",
        "asFloat(result.ratio) < 0.3|true",
        "all(result.items, # > 0) and len(result.items) == 3|true",
        "result.items[-1] == 3|true",
        "len(result.name) == 10|true",
    })
    void documentConditions(String condition, boolean expected) throws Exception {
        assertThat(Condition.compile(condition).evaluate(DOC)).isEqualTo(expected);
    }

    @Test
    void closuresUseTheInnermostElementAndFieldShorthand() throws Exception {
        MetricValue doc = MetricValue.document("{\"pods\":[{\"ready\":true,\"restarts\":[0,0]},"
                + "{\"ready\":true,\"restarts\":[1,0]}]}");
        assertThat(Condition.compile("all(result.pods, .ready)").evaluate(doc)).isTrue();
        assertThat(Condition.compile("all(result.pods, all(#.restarts, # < 2))").evaluate(doc)).isTrue();
        assertThat(Condition.compile("any(result.pods, any(.restarts, # > 0))").evaluate(doc)).isTrue();
    }

    @Test
    void errorsAreEvaluationErrorsAsInExpr() {
        // expr: index out of range, asInt of a non-number, a field of nil: the measurement is an Error
        assertThatThrownBy(() -> Condition.compile("result[3] > 0").evaluate(VECTOR))
                .isInstanceOf(ConditionException.class).hasMessageContaining("3");
        assertThatThrownBy(() -> Condition.compile("result[-4] > 0").evaluate(VECTOR))
                .isInstanceOf(ConditionException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Condition.compile("result[0] > 0").evaluate(EMPTY))
                .isInstanceOf(ConditionException.class);
        assertThatThrownBy(() -> Condition.compile("asInt(result.name) > 0").evaluate(DOC))
                .isInstanceOf(ConditionException.class).hasMessageContaining("not an integer");
        assertThatThrownBy(() -> Condition.compile("result.missing.deeper == 1").evaluate(DOC))
                .isInstanceOf(ConditionException.class).hasMessageContaining("from nil");
        assertThatThrownBy(() -> Condition.compile("result.missing > 1").evaluate(DOC))
                .isInstanceOf(ConditionException.class);
    }

    @Test
    void nanAndInfinityAsArgoSeesThem() throws Exception {
        MetricValue values = MetricValue.vector(List.of(Double.NaN, Double.POSITIVE_INFINITY));
        assertThat(Condition.compile("isNaN(result[0]) and isInf(result[1])").evaluate(values)).isTrue();
        assertThat(Condition.compile("result[0] >= 0.95").evaluate(values)).isFalse();
        assertThat(Condition.compile("result[0] < 0.95").evaluate(values)).isFalse();
        assertThat(Condition.compile("result[1] > 1e308").evaluate(values)).isTrue();
    }

    @Test
    void lenDefaultAndIsNilLetAConditionJudgeAnEmptyResult() {
        assertThat(Condition.compile("len(result) == 0").inspectsEmptiness()).isTrue();
        assertThat(Condition.compile("result == []").inspectsEmptiness()).isTrue();
        assertThat(Condition.compile("result[0] > 1").inspectsEmptiness()).isFalse();
        assertThat(Condition.compile("all(result, # < 1)").inspectsEmptiness()).isFalse();
    }

    @Test
    void aConditionOnlyCelReadsStillCompilesAndCelCanBeChosen() throws Exception {
        assertThat(Condition.compile("size(result) == 3").evaluate(VECTOR)).isTrue();
        assertThat(Condition.compile("result.all(x, x < 1000)").evaluate(VECTOR)).isTrue();
        // 1 / 2 is 0.5 in expr and 0 in CEL
        assertThat(Condition.compile("1 / 2 == 0", Condition.CEL).evaluate(VECTOR)).isTrue();
        assertThat(Condition.compile("1 / 2 == 0").evaluate(VECTOR)).isFalse();
        assertThatThrownBy(() -> Condition.compile("all(result, # < 1)", Condition.CEL))
                .hasMessageContaining("CEL");
    }

    @Test
    void badExpressionsAreReportedWithTheColumn() {
        assertThatThrownBy(() -> Condition.compile("result[0] >= "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column");
        assertThatThrownBy(() -> Condition.compile("exec(\"rm\")"))
                .hasMessageContaining("unknown function 'exec'");
        assertThatThrownBy(() -> Condition.compile("# > 1")).hasMessageContaining("predicate");
        // what YAML leaves of an unquoted all(result, # < 1000)
        assertThatThrownBy(() -> Condition.compile("all(result,"))
                .hasMessageContaining("a space and '#' start a comment");
        assertThatThrownBy(() -> Condition.compile("foo > 1")).hasMessageContaining("unknown name 'foo'");
    }

    @Test
    void theThresholdOfASimpleComparisonIsStillFoundForCharts() {
        assertThat(Condition.compile("result[0] >= 0.95").threshold()).hasValue(0.95);
    }
}
