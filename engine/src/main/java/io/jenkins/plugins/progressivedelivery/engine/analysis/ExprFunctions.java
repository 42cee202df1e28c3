package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.google.common.primitives.UnsignedLong;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The operations of Argo's expression language whose meaning differs from CEL's, evaluated with expr-lang's rules
 * inside cel-java (as the one CEL function {@code _expr(name, [args])}): arithmetic mixing ints and floats,
 * {@code /} always a float, negative list indices, a missing map key read as nil, {@code len}, {@code default},
 * {@code isNil}, Argo's {@code asInt}/{@code asFloat}/{@code isNaN}/{@code isInf}, and a few of expr's builtins.
 * Values are CEL's: {@code Long}, {@code Double}, {@code String}, {@code Boolean}, {@code List}, {@code Map} and
 * CEL's null.
 */
final class ExprFunctions {
    static final Set<String> NAMES = Set.copyOf(new TreeSet<>(List.of("len", "default", "isNil", "asInt", "asFloat",
            "isNaN", "isInf", "abs", "ceil", "floor", "round", "int", "float", "string", "sum", "max", "min", "mean",
            "first", "last", "upper", "lower", "trim", "keys", "values")));

    private ExprFunctions() {
    }

    static boolean knows(String function) {
        return NAMES.contains(function);
    }

    /**
     * @throws IllegalArgumentException with expr's reason (CEL reports it as an evaluation error, so the
     *                                  measurement is an Error)
     */
    static Object call(String name, List<?> rawArgs, Object nullValue) {
        List<Object> args = new ArrayList<>(rawArgs.size());
        for (Object arg : rawArgs) {
            args.add(isNull(arg) ? null : arg instanceof UnsignedLong u ? (Object) u.longValue() : arg);
        }
        Object result = apply(name, args);
        return result == null ? nullValue : result;
    }

    private static Object apply(String name, List<Object> a) {
        switch (name) {
            case "+":
                if (a.get(0) instanceof String || a.get(1) instanceof String) {
                    return text(a.get(0), "+") + text(a.get(1), "+");
                }
                if (a.get(0) instanceof List<?> left && a.get(1) instanceof List<?> right) {
                    List<Object> joined = new ArrayList<>(left);
                    joined.addAll(right);
                    return joined;
                }
                return arithmetic(a, "+", Math::addExact, Double::sum);
            case "-":
                return arithmetic(a, "-", Math::subtractExact, (x, y) -> x - y);
            case "*":
                return arithmetic(a, "*", Math::multiplyExact, (x, y) -> x * y);
            case "/":
                return number(a.get(0), "/") / number(a.get(1), "/");
            case "%":
                if (!(a.get(0) instanceof Long) || !(a.get(1) instanceof Long)) {
                    throw new IllegalArgumentException("invalid operation: " + describe(a.get(0)) + " % "
                            + describe(a.get(1)) + " (% needs two integers)");
                }
                if ((Long) a.get(1) == 0) {
                    throw new IllegalArgumentException("integer divide by zero");
                }
                return (Long) a.get(0) % (Long) a.get(1);
            case "**":
                return Math.pow(number(a.get(0), "**"), number(a.get(1), "**"));
            case "neg":
                return a.get(0) instanceof Long l ? (Object) (-l) : (Object) (-number(a.get(0), "-"));
            case "index":
                return index(a.get(0), a.get(1));
            case "member":
                if (a.get(0) == null) {
                    throw new IllegalArgumentException("cannot fetch " + a.get(1) + " from nil");
                }
                return index(a.get(0), a.get(1));
            case "safeMember":
                return a.get(0) == null ? null : index(a.get(0), a.get(1));
            case "slice":
                return slice(a.get(0), a.get(1), a.get(2));
            case "in":
                return contains(a.get(1), a.get(0));
            case "matches":
                try {
                    return Pattern.compile(text(a.get(1), "matches")).matcher(text(a.get(0), "matches")).find();
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid regular expression: " + e.getDescription());
                }
            case "contains":
                return text(a.get(0), "contains").contains(text(a.get(1), "contains"));
            case "startsWith":
                return text(a.get(0), "startsWith").startsWith(text(a.get(1), "startsWith"));
            case "endsWith":
                return text(a.get(0), "endsWith").endsWith(text(a.get(1), "endsWith"));
            case "..":
                List<Object> range = new ArrayList<>();
                for (long i = integer(a.get(0), ".."); i <= integer(a.get(1), ".."); i++) {
                    range.add(i);
                }
                return range;
            case "??":
                return a.get(0) == null ? a.get(1) : a.get(0);
            case "list":
                if (a.get(0) instanceof List<?>) {
                    return a.get(0);
                }
                throw new IllegalArgumentException("expected an array, not " + describe(a.get(0)));
            default:
                return builtin(name, a);
        }
    }

    private static Object builtin(String name, List<Object> a) {
        expectArgs(name, a, name.equals("default") || name.equals("max") || name.equals("min") ? 2 : 1);
        Object x = a.get(0);
        switch (name) {
            case "len":
                if (x instanceof Collection<?> c) {
                    return (long) c.size();
                }
                if (x instanceof Map<?, ?> m) {
                    return (long) m.size();
                }
                if (x instanceof String s) {
                    return (long) s.codePointCount(0, s.length());
                }
                throw new IllegalArgumentException("invalid argument for len (type " + describe(x) + ")");
            case "default":
                return x == null ? a.get(1) : x;
            case "isNil":
                return x == null;
            case "asInt":
                if (x instanceof String s) {
                    try {
                        return Long.parseLong(s.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("asInt: '" + s + "' is not an integer");
                    }
                }
                return (long) number(x, "asInt");
            case "asFloat":
                if (x instanceof String s) {
                    try {
                        return Double.parseDouble(s.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("asFloat: '" + s + "' is not a number");
                    }
                }
                return number(x, "asFloat");
            case "isNaN":
                return Double.isNaN(number(x, "isNaN"));
            case "isInf":
                return Double.isInfinite(number(x, "isInf"));
            case "abs":
                return x instanceof Long l ? (Object) Math.abs(l) : (Object) Math.abs(number(x, "abs"));
            case "ceil":
                return Math.ceil(number(x, "ceil"));
            case "floor":
                return Math.floor(number(x, "floor"));
            case "round":
                return (double) Math.round(number(x, "round"));
            case "int":
                return x instanceof String ? builtin("asInt", a) : (Object) (long) number(x, "int");
            case "float":
                return x instanceof String ? builtin("asFloat", a) : (Object) number(x, "float");
            case "string":
                return x instanceof Double d ? MetricValue.format(d) : String.valueOf(x);
            case "sum":
            case "mean": {
                List<?> values = list(x, name);
                double total = 0;
                boolean integers = true;
                for (Object v : values) {
                    total += number(v, name);
                    integers &= v instanceof Long;
                }
                if (name.equals("mean")) {
                    return values.isEmpty() ? 0.0 : total / values.size();
                }
                return integers ? (Object) (long) total : (Object) total;
            }
            case "max":
            case "min": {
                List<Object> values = a.size() == 1 ? new ArrayList<>(list(x, name)) : a;
                if (values.isEmpty()) {
                    throw new IllegalArgumentException(name + " of an empty array");
                }
                Object best = values.get(0);
                for (Object v : values) {
                    double d = number(v, name);
                    double b = number(best, name);
                    if (Double.isNaN(d) || (name.equals("max") ? d > b : d < b)) {
                        best = v;
                    }
                }
                return best;
            }
            case "first":
                return list(x, name).isEmpty() ? null : list(x, name).get(0);
            case "last":
                return list(x, name).isEmpty() ? null : list(x, name).get(list(x, name).size() - 1);
            case "upper":
                return text(x, name).toUpperCase(java.util.Locale.ROOT);
            case "lower":
                return text(x, name).toLowerCase(java.util.Locale.ROOT);
            case "trim":
                return text(x, name).trim();
            case "keys":
                return new ArrayList<>(map(x, name).keySet());
            case "values":
                return new ArrayList<>(map(x, name).values());
            default:
                throw new IllegalArgumentException("unknown function " + name);
        }
    }

    private static void expectArgs(String name, List<Object> a, int count) {
        boolean variadic = name.equals("max") || name.equals("min");
        if (variadic ? a.isEmpty() : a.size() != count) {
            throw new IllegalArgumentException(name + " takes " + count + " argument" + (count == 1 ? "" : "s")
                    + ", not " + a.size());
        }
    }

    private static Object index(Object target, Object key) {
        if (target == null) {
            throw new IllegalArgumentException("cannot fetch " + describeKey(key) + " from nil");
        }
        if (target instanceof List<?> list) {
            long i = integer(key, "index");
            long at = i < 0 ? list.size() + i : i;
            if (at < 0 || at >= list.size()) {
                throw new IllegalArgumentException("index out of range: " + i + " (array of length " + list.size()
                        + ")");
            }
            return list.get((int) at);
        }
        if (target instanceof Map<?, ?> map) {
            return map.get(key instanceof Long l && !map.containsKey(l) ? String.valueOf(l) : key);
        }
        if (target instanceof String s) {
            long i = integer(key, "index");
            long at = i < 0 ? s.length() + i : i;
            if (at < 0 || at >= s.length()) {
                throw new IllegalArgumentException("index out of range: " + i);
            }
            return String.valueOf(s.charAt((int) at));
        }
        throw new IllegalArgumentException("cannot fetch " + describeKey(key) + " from " + describe(target));
    }

    private static Object slice(Object target, Object from, Object to) {
        int size;
        if (target instanceof List<?> list) {
            size = list.size();
        } else if (target instanceof String s) {
            size = s.length();
        } else {
            throw new IllegalArgumentException("cannot slice " + describe(target));
        }
        int start = (int) clamp(from == null ? 0 : integer(from, "slice"), size);
        int end = (int) clamp(to == null ? size : integer(to, "slice"), size);
        if (end < start) {
            end = start;
        }
        return target instanceof List<?> list ? new ArrayList<>(list.subList(start, end))
                : ((String) target).substring(start, end);
    }

    private static long clamp(long i, int size) {
        long at = i < 0 ? size + i : i;
        return Math.max(0, Math.min(size, at));
    }

    private static boolean contains(Object container, Object element) {
        if (container instanceof List<?> list) {
            for (Object item : list) {
                if (equal(item, element)) {
                    return true;
                }
            }
            return false;
        }
        if (container instanceof Map<?, ?> map) {
            return map.containsKey(element);
        }
        throw new IllegalArgumentException("operator in not defined on " + describe(container));
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return a == null ? b == null : a.equals(b);
    }

    private interface LongOp {
        long apply(long a, long b);
    }

    private interface DoubleOp {
        double apply(double a, double b);
    }

    private static Object arithmetic(List<Object> a, String operator, LongOp ints, DoubleOp doubles) {
        if (a.get(0) instanceof Long x && a.get(1) instanceof Long y) {
            try {
                return ints.apply(x, y);
            } catch (ArithmeticException e) {
                return doubles.apply(x, y);
            }
        }
        return doubles.apply(number(a.get(0), operator), number(a.get(1), operator));
    }

    private static double number(Object value, String operation) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("invalid operation " + operation + " on " + describe(value)
                + " (a number is needed; asFloat() converts a string)");
    }

    private static long integer(Object value, String operation) {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return d.longValue();
        }
        throw new IllegalArgumentException("invalid " + operation + " " + describe(value) + " (an integer is needed)");
    }

    private static String text(Object value, String operation) {
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("invalid operation " + operation + " on " + describe(value)
                + " (a string is needed)");
    }

    private static List<?> list(Object value, String operation) {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException(operation + " needs an array, not " + describe(value));
    }

    private static Map<?, ?> map(Object value, String operation) {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException(operation + " needs a map, not " + describe(value));
    }

    static boolean isNull(Object value) {
        return value == null || value.getClass().getSimpleName().equals("NullValue");
    }

    private static String describeKey(Object key) {
        return key instanceof String ? (String) key : String.valueOf(key);
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nil";
        }
        if (value instanceof Long) {
            return "int";
        }
        if (value instanceof Double) {
            return "float64";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof List) {
            return "array";
        }
        if (value instanceof Map) {
            return "map";
        }
        return value.getClass().getSimpleName();
    }
}
