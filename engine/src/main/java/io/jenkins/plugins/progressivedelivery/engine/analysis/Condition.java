package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.google.common.primitives.UnsignedLong;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.checker.CelStandardDeclarations;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelStandardFunctions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.IntPredicate;

/**
 * A {@code successCondition} or {@code failureCondition}: a CEL expression over {@code result}, which is a
 * {@code list(double)} for a Prometheus vector and a {@code double} for a scalar, as in Argo Rollouts. Compiled
 * once; {@link #evaluate} is thread-safe. Besides CEL's standard library, Argo's helpers {@code len(list)},
 * {@code isNaN(double)} and {@code isInf(double)} are available, and an int literal compares with a double
 * ({@code result[0] >= 1}).
 */
public final class Condition {
    static final String VARIABLE = "result";

    private static final Set<String> EMPTINESS_FUNCTIONS = Set.of("size", "len");
    private static final Set<String> ORDERINGS = Set.of("_<_", "_<=_", "_>_", "_>=_");

    private final String expression;
    private final CelRuntime.Program program;
    private final boolean inspectsEmptiness;
    private final Double threshold;

    private Condition(String expression, CelRuntime.Program program, boolean inspectsEmptiness, Double threshold) {
        this.expression = expression;
        this.program = program;
        this.inspectsEmptiness = inspectsEmptiness;
        this.threshold = threshold;
    }

    /**
     * Parses and type-checks {@code expression}.
     *
     * @throws IllegalArgumentException with CEL's error, the position, and a hint when the expression is written
     *                                  in Argo's older expr syntax ({@code all(result, # < 1000)})
     */
    public static Condition compile(String expression) {
        if (expression != null) {
            Condition known = COMPILED.get(expression);
            if (known != null) {
                return known;
            }
        }
        Condition compiled = compileNew(expression);
        COMPILED.put(expression, compiled);
        return compiled;
    }

    /**
     * Conditions already compiled in this JVM, by their text: an analysis' start validates its conditions and then
     * uses them, and a thousand analyses of one template share one program (CEL programs are immutable and
     * thread-safe). Bounded, least recently used first out.
     */
    private static final Map<String, Condition> COMPILED = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Condition> eldest) {
                    return size() > 512;
                }
            });

    private static Condition compileNew(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("is empty; write a CEL expression over 'result', e.g. result[0] >= 0.95");
        }
        CelValidationResult compiled = Environment.CEL.compile(expression);
        if (compiled.hasError()) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid CEL condition:\n"
                    + compiled.getErrorString() + ExprSyntaxHints.hintFor(expression, compiled.getErrorString(), Condition::compiles));
        }
        try {
            CelAbstractSyntaxTree ast = compiled.getAst();
            CelRuntime.Program program = Environment.CEL.createProgram(ast);
            return new Condition(expression, program, examinesEmptiness(ast), simpleThreshold(ast.getExpr()));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid CEL condition: " + e.getMessage(), e);
        }
    }

    static boolean compiles(String expression) {
        return !Environment.CEL.compile(expression).hasError();
    }

    /**
     * Evaluates the condition against one measurement.
     *
     * @throws ConditionException when CEL cannot evaluate it (index out of range, wrong kind of result) or the
     *                            result is not a boolean
     */
    public boolean evaluate(MetricValue result) throws ConditionException {
        Object input = result.scalar() ? (Object) result.values().get(0) : result.values();
        Object output;
        try {
            output = program.eval(Map.of(VARIABLE, input));
        } catch (CelEvaluationException e) {
            throw new ConditionException("'" + expression + "' could not be evaluated on " + result + ": "
                    + stripLocation(e.getMessage()), e);
        }
        if (!(output instanceof Boolean)) {
            throw new ConditionException("'" + expression + "' evaluated to " + output + " on " + result
                    + ", not to true or false; compare the result with a threshold, e.g. result[0] >= 0.95");
        }
        return (Boolean) output;
    }

    /**
     * Whether the expression looks at how many values there are ({@code len(result)}, {@code size(result)},
     * {@code result == []}): only such a condition may judge a query that returned no series.
     */
    public boolean inspectsEmptiness() {
        return inspectsEmptiness;
    }

    /**
     * The constant of a simple comparison such as {@code result[0] >= 0.95} or {@code 0.05 > result}, for charts;
     * empty for anything more complex.
     */
    public OptionalDouble threshold() {
        return threshold == null ? OptionalDouble.empty() : OptionalDouble.of(threshold);
    }

    public String expression() {
        return expression;
    }

    @Override
    public String toString() {
        return expression;
    }

    private static String stripLocation(String message) {
        return message == null ? "" : message.replaceFirst("^evaluation error at <input>:\\d+: ", "");
    }

    private static boolean examinesEmptiness(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .map(CelNavigableExpr::expr)
                .filter(e -> e.getKind() == CelExpr.ExprKind.Kind.CALL)
                .map(CelExpr::call)
                .anyMatch(call -> EMPTINESS_FUNCTIONS.contains(call.function())
                        || (isEquality(call.function()) && call.args().stream().anyMatch(Condition::isEmptyList)));
    }

    private static boolean isEquality(String function) {
        return function.equals("_==_") || function.equals("_!=_");
    }

    private static boolean isEmptyList(CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.LIST && expr.list().elements().isEmpty();
    }

    private static Double simpleThreshold(CelExpr root) {
        if (root.getKind() != CelExpr.ExprKind.Kind.CALL || !ORDERINGS.contains(root.call().function())
                || root.call().args().size() != 2) {
            return null;
        }
        CelExpr left = root.call().args().get(0);
        CelExpr right = root.call().args().get(1);
        if (isResult(left)) {
            return numericConstant(right).orElse(null);
        }
        if (isResult(right)) {
            return numericConstant(left).orElse(null);
        }
        return null;
    }

    /** {@code result} or {@code result[i]}. */
    private static boolean isResult(CelExpr expr) {
        if (expr.getKind() == CelExpr.ExprKind.Kind.IDENT) {
            return expr.ident().name().equals(VARIABLE);
        }
        return expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().function().equals("_[_]")
                && expr.call().args().size() == 2
                && expr.call().args().get(0).getKind() == CelExpr.ExprKind.Kind.IDENT
                && expr.call().args().get(0).ident().name().equals(VARIABLE);
    }

    private static Optional<Double> numericConstant(CelExpr expr) {
        if (expr.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
            return Optional.empty();
        }
        CelConstant constant = expr.constant();
        switch (constant.getKind()) {
            case DOUBLE_VALUE:
                return Optional.of(constant.doubleValue());
            case INT64_VALUE:
                return Optional.of((double) constant.int64Value());
            case UINT64_VALUE:
                return Optional.of(constant.uint64Value().doubleValue());
            default:
                return Optional.empty();
        }
    }

    /** The one CEL environment: immutable and thread-safe, so shared by every condition. */
    private static final class Environment {
        static final Cel CEL = build();

        private static Cel build() {
            CelOptions options = CelOptions.current()
                    .enableHeterogeneousNumericComparisons(true)
                    .build();
            List<CelFunctionBinding> bindings = new ArrayList<>();
            bindings.add(CelFunctionBinding.from("len_list", List.class, list -> (long) list.size()));
            bindings.add(CelFunctionBinding.from("isNaN_double", Double.class, value -> Double.isNaN(value)));
            bindings.add(CelFunctionBinding.from("isInf_double", Double.class, value -> Double.isInfinite(value)));
            bindings.addAll(nanAwareMixedComparisons());
            return CelFactory.standardCelBuilder()
                    .setOptions(options)
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                    // Replacing standard bindings requires supplying the standard environment explicitly.
                    .setStandardEnvironmentEnabled(false)
                    .setStandardDeclarations(CelStandardDeclarations.newBuilder().build())
                    .setStandardFunctions(CelStandardFunctions.newBuilder()
                            .filterFunctions((function, overload) -> !isMixedDoubleOrdering(overload))
                            .build())
                    .addVar(VARIABLE, SimpleType.DYN)
                    .addFunctionDeclarations(
                            CelFunctionDecl.newFunctionDeclaration("len", CelOverloadDecl.newGlobalOverload(
                                    "len_list", "number of values in the result", SimpleType.INT,
                                    ListType.create(SimpleType.DYN))),
                            CelFunctionDecl.newFunctionDeclaration("isNaN", CelOverloadDecl.newGlobalOverload(
                                    "isNaN_double", "whether a value is NaN", SimpleType.BOOL, SimpleType.DOUBLE)),
                            CelFunctionDecl.newFunctionDeclaration("isInf", CelOverloadDecl.newGlobalOverload(
                                    "isInf_double", "whether a value is +Inf or -Inf", SimpleType.BOOL,
                                    SimpleType.DOUBLE)))
                    .addFunctionBindings(bindings)
                    .setResultType(SimpleType.BOOL)
                    .build();
        }

        /**
         * cel-java 0.14 orders NaN above every integer ({@code NaN >= 1} is true), which would let a query that
         * divides zero by zero pass {@code result[0] >= 1}. These bindings keep IEEE semantics: every ordering
         * involving NaN is false, exactly as for two doubles.
         */
        private static boolean isMixedDoubleOrdering(Object overload) {
            if (!(overload instanceof Enum)) {
                return false;
            }
            String name = ((Enum<?>) overload).name();
            boolean ordering = name.startsWith("LESS") || name.startsWith("GREATER");
            boolean mixed = name.endsWith("_DOUBLE_INT64") || name.endsWith("_INT64_DOUBLE")
                    || name.endsWith("_DOUBLE_UINT64") || name.endsWith("_UINT64_DOUBLE");
            return ordering && mixed;
        }

        private static List<CelFunctionBinding> nanAwareMixedComparisons() {
            List<CelFunctionBinding> bindings = new ArrayList<>();
            addOrdering(bindings, "less", (c) -> c < 0);
            addOrdering(bindings, "less_equals", (c) -> c <= 0);
            addOrdering(bindings, "greater", (c) -> c > 0);
            addOrdering(bindings, "greater_equals", (c) -> c >= 0);
            return bindings;
        }

        private static void addOrdering(List<CelFunctionBinding> bindings, String operator,
                                        IntPredicate holds) {
            // primitive comparisons, not Double.compare, which orders -0.0 below 0.0
            BiPredicate<Double, Double> test = (a, b) -> !a.isNaN() && !b.isNaN()
                    && holds.test(a < b ? -1 : (a > b ? 1 : 0));
            bindings.add(CelFunctionBinding.from(operator + "_double_int64", Double.class, Long.class,
                    (d, l) -> !d.isNaN() && holds.test(compareDoubleToLong(d, l))));
            bindings.add(CelFunctionBinding.from(operator + "_int64_double", Long.class, Double.class,
                    (l, d) -> !d.isNaN() && holds.test(-compareDoubleToLong(d, l))));
            bindings.add(CelFunctionBinding.from(operator + "_double_uint64", Double.class, UnsignedLong.class,
                    (d, u) -> test.test(d, u.doubleValue())));
            bindings.add(CelFunctionBinding.from(operator + "_uint64_double", UnsignedLong.class, Double.class,
                    (u, d) -> test.test(u.doubleValue(), d)));
        }

        /** Exact comparison of a (non-NaN) double with a long, without losing the long's low bits. */
        static int compareDoubleToLong(double d, long l) {
            if (d < -0x1p63) {
                return -1;
            }
            if (d >= 0x1p63) {
                return 1;
            }
            long whole = (long) d;
            if (whole != l) {
                return Long.compare(whole, l);
            }
            double fraction = d - whole;
            return fraction < 0 ? -1 : (fraction > 0 ? 1 : 0);
        }
    }
}
