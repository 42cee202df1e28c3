package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionTest {
    private static final MetricValue HEALTHY = MetricValue.vector(List.of(0.998));
    private static final MetricValue EMPTY = MetricValue.vector(List.of());
    private static final MetricValue NAN = MetricValue.vector(List.of(Double.NaN));

    @Test
    void comparesAVectorElementWithADoubleOrAnIntLiteral() throws Exception {
        assertThat(Condition.compile("result[0] >= 0.95").evaluate(HEALTHY)).isTrue();
        assertThat(Condition.compile("result[0] >= 1").evaluate(HEALTHY)).isFalse();
        assertThat(Condition.compile("result[0] >= 1").evaluate(MetricValue.vector(List.of(1.0)))).isTrue();
        assertThat(Condition.compile("result[0] == 1").evaluate(MetricValue.vector(List.of(1.0)))).isTrue();
        assertThat(Condition.compile("0 < result[0]").evaluate(HEALTHY)).isTrue();
    }

    @Test
    void aScalarIsANumber() throws Exception {
        Condition condition = Condition.compile("result >= 0.5");
        assertThat(condition.evaluate(MetricValue.scalar(0.7))).isTrue();
        assertThat(condition.evaluate(MetricValue.scalar(0.2))).isFalse();
        assertThat(Condition.compile("result < 1").evaluate(MetricValue.scalar(0.7))).isTrue();
    }

    @Test
    void lenAndSizeSeeAnEmptyVector() throws Exception {
        assertThat(Condition.compile("len(result) == 0").evaluate(EMPTY)).isTrue();
        assertThat(Condition.compile("size(result) == 0").evaluate(HEALTHY)).isFalse();
        assertThat(Condition.compile("len(result) == 0 || result[0] < 0.05").evaluate(EMPTY)).isTrue();
        assertThat(Condition.compile("result.all(x, x < 1000)").evaluate(MetricValue.vector(List.of(3.0, 999.0))))
                .isTrue();
    }

    @Test
    void nanIsNeitherAboveNorBelowAnyThreshold() throws Exception {
        assertThat(Condition.compile("isNaN(result[0])").evaluate(NAN)).isTrue();
        assertThat(Condition.compile("isNaN(result[0])").evaluate(HEALTHY)).isFalse();
        assertThat(Condition.compile("result[0] >= 0.95").evaluate(NAN)).isFalse();
        assertThat(Condition.compile("result[0] < 0.95").evaluate(NAN)).isFalse();
        // cel-java alone orders NaN above integers; a query dividing 0 by 0 must not pass this
        assertThat(Condition.compile("result[0] >= 1").evaluate(NAN)).isFalse();
        assertThat(Condition.compile("result[0] <= 1").evaluate(NAN)).isFalse();
        assertThat(Condition.compile("1 <= result[0]").evaluate(NAN)).isFalse();
        assertThat(Condition.compile("result >= 1").evaluate(MetricValue.scalar(Double.NaN))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "result[0] > 100, 1e300, true",
        "result[0] < 9007199254740993, 9007199254740992, true",
        "result[0] >= -1, -0.5, true",
        "result[0] > 0, -0.0, false",
        "result[0] >= 0, -0.0, true",
        "result[0] >= 0u, -0.0, true",
        "result[0] < 1u, NaN, false",
    })
    void mixedComparisonsAreExact(String expression, double value, boolean expected) throws Exception {
        assertThat(Condition.compile(expression).evaluate(MetricValue.vector(List.of(value)))).isEqualTo(expected);
    }

    @Test
    void infinityHelper() throws Exception {
        assertThat(Condition.compile("isInf(result[0])").evaluate(MetricValue.vector(List.of(Double.POSITIVE_INFINITY))))
                .isTrue();
        assertThat(Condition.compile("result[0] > 1000").evaluate(MetricValue.vector(List.of(Double.POSITIVE_INFINITY))))
                .isTrue();
    }

    @Test
    void evaluationFailuresAreConditionExceptions() {
        assertThatThrownBy(() -> Condition.compile("result[0] >= 0.95").evaluate(EMPTY))
                .isInstanceOf(ConditionException.class)
                .hasMessageContaining("result[0] >= 0.95")
                .hasMessageContaining("Index out of bounds");
        assertThatThrownBy(() -> Condition.compile("len(result) > 0").evaluate(MetricValue.scalar(1)))
                .isInstanceOf(ConditionException.class)
                .hasMessageContaining("len");
        assertThatThrownBy(() -> Condition.compile("result[0]").evaluate(HEALTHY))
                .isInstanceOf(ConditionException.class)
                .hasMessageContaining("not to true or false");
    }

    @Test
    void argoExprSyntaxGetsTheCelForm() {
        assertThatThrownBy(() -> Condition.compile("all(result, # < 1000)", Condition.CEL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a valid CEL condition")
                .hasMessageContaining("token recognition error")
                .hasMessageContaining("in CEL write: result.all(x, x < 1000)");
        assertThatThrownBy(() -> Condition.compile("result[0] >= 0.9 and result[0] <= 1", Condition.CEL))
                .hasMessageContaining("in CEL write: result[0] >= 0.9 && result[0] <= 1");
        assertThatThrownBy(() -> Condition.compile("any(result, # > 0.05) or len(result) == 0", Condition.CEL))
                .hasMessageContaining("in CEL write: result.exists(x, x > 0.05) || len(result) == 0");
        assertThatThrownBy(() -> Condition.compile("results[0] > 1", Condition.CEL))
                .hasMessageContaining("undeclared reference to 'results'")
                .hasMessageContaining("the measurement is called 'result'");
        assertThatThrownBy(() -> Condition.compile("results[0] > 1"))
                .hasMessageContaining("the measurement is called 'result'");
        assertThatThrownBy(() -> Condition.compile("result[0] + 1"))
                .hasMessageContaining("expected type 'bool'");
        assertThatThrownBy(() -> Condition.compile(" "))
                .hasMessageContaining("is empty");
    }

    @Test
    void emptinessIsReadFromTheSyntaxTree() {
        assertThat(Condition.compile("len(result) == 0 || result[0] < 0.05").inspectsEmptiness()).isTrue();
        assertThat(Condition.compile("result.size() > 0 && result[0] > 1").inspectsEmptiness()).isTrue();
        assertThat(Condition.compile("result == []").inspectsEmptiness()).isTrue();
        assertThat(Condition.compile("result[0] >= 0.95").inspectsEmptiness()).isFalse();
        assertThat(Condition.compile("result.all(x, x < 1000)").inspectsEmptiness()).isFalse();
        // the word in a string is not a call
        assertThat(Condition.compile("'len(result)' != '' && result[0] > 1").inspectsEmptiness()).isFalse();
    }

    @Test
    void thresholdOfSimpleComparisons() {
        assertThat(Condition.compile("result[0] >= 0.95").threshold()).hasValue(0.95);
        assertThat(Condition.compile("result < 1").threshold()).hasValue(1.0);
        assertThat(Condition.compile("0.05 > result[0]").threshold()).hasValue(0.05);
        assertThat(Condition.compile("result[0] > -1").threshold()).hasValue(-1.0);
        assertThat(Condition.compile("len(result) == 0 || result[0] < 0.05").threshold()).isEmpty();
        assertThat(Condition.compile("isNaN(result[0])").threshold()).isEmpty();
    }

    @Test
    void oneCompiledConditionIsSharedByThreads() throws Exception {
        Condition condition = Condition.compile("result.all(x, x < 1000) && result[0] >= 1");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                double value = i;
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return condition.evaluate(MetricValue.vector(List.of(value, 2.0)));
                    } catch (ConditionException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i >= 1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
