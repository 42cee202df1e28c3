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
 * A {@code successCondition} or {@code failureCondition} over {@code result}, which is a {@code list(double)} for a
 * Prometheus vector, a {@code double} for a scalar and the JSON document of a web metric, as in Argo Rollouts.
 * Written in Argo's expression language (expr-lang; {@link ExprTranslator} turns it into CEL) or, with
 * {@code conditionLanguage: cel}, in CEL; either way cel-java evaluates it, never Groovy or reflection. Compiled
 * once; {@link #evaluate} is thread-safe. Besides CEL's standard library, Argo's helpers {@code len(list)},
 * {@code isNaN(double)} and {@code isInf(double)} are available in CEL too, and an int literal compares with a
 * double ({@code result[0] >= 1}).
 */
public final class Condition {
    static final String VARIABLE = "result";

    private static final Set<String> EMPTINESS_FUNCTIONS = Set.of("size", "len");

    /** Argo's expression language (the default). */
    public static final String EXPR = "expr";
    /** CEL, as written. */
    public static final String CEL = "cel";
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

    /** Compiles a condition in Argo's language, or in CEL when it is not valid expr but valid CEL. */
    public static Condition compile(String expression) {
        return compile(expression, null);
    }

    /**
     * Parses and type-checks {@code expression}.
     *
     * @param language {@value #EXPR}, {@value #CEL}, or null: expr, and CEL for a condition that only CEL reads
     *                 ({@code size(result) == 0}, {@code result.all(x, x < 1)})
     * @throws IllegalArgumentException with the error, the position, and a hint
     */
    public static Condition compile(String expression, String language) {
        if (expression == null) {
            return compileNew(null, language);
        }
        String key = (language == null ? "" : language.trim().toLowerCase(java.util.Locale.ROOT)) + '\u0000'
                + expression;
        Condition known = COMPILED.get(key);
        if (known != null) {
            return known;
        }
        Condition compiled = compileNew(expression, language);
        COMPILED.put(key, compiled);
        return compiled;
    }

    /**
     * Conditions already compiled in this JVM, by language and text: an analysis' start validates its conditions and
     * then uses them, and a thousand analyses of one template share one program (compiled programs are immutable and
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

    private static Condition compileNew(String expression, String language) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("is empty; write a condition over 'result', e.g. result[0] >= 0.95");
        }
        String lang = language == null ? null : language.trim().toLowerCase(java.util.Locale.ROOT);
        if (lang != null && !lang.equals(EXPR) && !lang.equals(CEL)) {
            throw new IllegalArgumentException("conditionLanguage '" + language + "' is not expr or cel");
        }
        if (CEL.equals(lang)) {
            return compileCel(expression, expression, null);
        }
        ExprTranslator.Translation translation;
        try {
            translation = ExprTranslator.translate(expression);
        } catch (IllegalArgumentException exprError) {
            if (lang == null && compiles(expression)) {
                return compileCel(expression, expression, null);
            }
            String trimmed = expression.strip();
            String yamlHint = trimmed.endsWith(",") || trimmed.endsWith("(")
                    ? "; in YAML a space and '#' start a comment, which cut the condition here: quote it, e.g."
                    + " successCondition: \"all(result, # < 1000)\"" : "";
            throw new IllegalArgumentException(exprError.getMessage()
                    + (lang == null ? "; it is not valid CEL either (conditionLanguage: cel)" : "") + yamlHint,
                    exprError);
        }
        return compileCel(expression, translation.cel(), translation.inspectsEmptiness());
    }

    private static Condition compileCel(String expression, String cel, Boolean inspectsEmptiness) {
        CelValidationResult compiled = Environment.CEL.compile(cel);
        if (compiled.hasError()) {
            if (inspectsEmptiness != null) {
                throw new IllegalArgumentException("'" + expression + "' is not a valid condition: "
                        + compiled.getErrorString());
            }
            throw new IllegalArgumentException("'" + expression + "' is not a valid CEL condition:\n"
                    + compiled.getErrorString() + ExprSyntaxHints.hintFor(expression, compiled.getErrorString(), Condition::compiles));
        }
        try {
            CelAbstractSyntaxTree ast = compiled.getAst();
            CelRuntime.Program program = Environment.CEL.createProgram(ast);
            boolean emptiness = inspectsEmptiness != null ? inspectsEmptiness : examinesEmptiness(ast);
            return new Condition(expression, program, emptiness, simpleThreshold(ast.getExpr()));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid condition: " + e.getMessage(), e);
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
        Object input = result.isDocument() ? JsonValues.toCel(result.json(), Environment.NULL)
                : result.scalar() ? (Object) result.values().get(0) : result.values();
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
        static final Object NULL = com.google.protobuf.NullValue.NULL_VALUE;
        static final Cel CEL = build();

        private static Cel build() {
            CelOptions options = CelOptions.current()
                    .enableHeterogeneousNumericComparisons(true)
                    .build();
            List<CelFunctionBinding> bindings = new ArrayList<>();
            bindings.add(CelFunctionBinding.from("len_list", List.class, list -> (long) list.size()));
            bindings.add(CelFunctionBinding.from("expr_call", String.class, List.class, (name, args) -> {
                try {
                    return ExprFunctions.call(name, args, NULL);
                } catch (IllegalArgumentException | ClassCastException e) {
                    throw new CelEvaluationException(e.getMessage(), e);
                }
            }));
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
                            CelFunctionDecl.newFunctionDeclaration(ExprTranslator.CALL,
                                    CelOverloadDecl.newGlobalOverload("expr_call",
                                            "an operation of Argo's expression language", SimpleType.DYN,
                                            SimpleType.STRING, ListType.create(SimpleType.DYN))),
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
