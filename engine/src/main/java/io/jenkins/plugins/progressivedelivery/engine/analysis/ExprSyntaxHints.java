package io.jenkins.plugins.progressivedelivery.engine.analysis;

import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hints for conditions copied from Argo Rollouts templates written in the expr language Argo used before CEL
 * ({@code all(result, # < 1000)}, {@code a and b}): the parse error alone does not tell a user what to write.
 * A suggested rewrite is only offered when it compiles.
 */
final class ExprSyntaxHints {
    private static final Pattern BUILTIN = Pattern.compile("(?<![\\w.])(all|any|none|one|filter|map|count)\\s*\\(");
    private static final Pattern WORD_OPERATOR = Pattern.compile("\\b(and|or|not)\\b");

    private ExprSyntaxHints() {
    }

    /** A line or two to append to CEL's error, or an empty string. */
    static String hintFor(String expression, String celErrors, Predicate<String> compiles) {
        String rewritten = rewrite(expression);
        if (rewritten != null && !rewritten.equals(expression) && compiles.test(rewritten)) {
            return "\nhint: this is Argo's older expr syntax; in CEL write: " + rewritten;
        }
        if (expression.contains("#")) {
            return "\nhint: expr's '#' predicates are CEL macros with a named variable: result.all(x, x < 1000),"
                    + " result.exists(x, x > 0.05), result.filter(x, x > 0.05)";
        }
        String lower = expression.toLowerCase(Locale.ROOT);
        if (lower.contains("asint(") || lower.contains("asfloat(")) {
            return "\nhint: asInt() and asFloat() are not needed: a Prometheus result is already a number"
                    + " (CEL converts with int(...) and double(...))";
        }
        if (lower.contains("isnil(") || lower.contains("default(")) {
            return "\nhint: a query without series gives an empty list, not nil: test it with len(result) == 0";
        }
        if (celErrors.contains("undeclared reference")) {
            return "\nhint: the measurement is called 'result': a list for a vector (result[0]), a number for a scalar";
        }
        return "";
    }

    /** Rewrites expr builtins and word operators to CEL; null when the expression cannot be rewritten. */
    static String rewrite(String expression) {
        String builtins = rewriteBuiltins(expression);
        if (builtins == null) {
            return null;
        }
        Matcher words = WORD_OPERATOR.matcher(builtins);
        StringBuilder out = new StringBuilder();
        while (words.find()) {
            String replacement = switch (words.group(1)) {
                case "and" -> "&&";
                case "or" -> "||";
                default -> "!";
            };
            words.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        words.appendTail(out);
        return out.toString().replaceAll("!\\s+", "!");
    }

    private static String rewriteBuiltins(String text) {
        StringBuilder out = new StringBuilder();
        int position = 0;
        Matcher m = BUILTIN.matcher(text);
        while (m.find(position)) {
            int open = m.end() - 1;
            int close = matchingParenthesis(text, open);
            if (close < 0) {
                return null;
            }
            String inner = text.substring(open + 1, close);
            int comma = topLevelComma(inner);
            if (comma < 0) {
                return null;
            }
            String target = rewriteBuiltins(inner.substring(0, comma).trim());
            String predicate = rewriteBuiltins(inner.substring(comma + 1).trim());
            if (target == null || predicate == null) {
                return null;
            }
            predicate = predicate.replace("#", "x");
            String macro = switch (m.group(1)) {
                case "all" -> target + ".all(x, " + predicate + ")";
                case "any" -> target + ".exists(x, " + predicate + ")";
                case "one" -> target + ".exists_one(x, " + predicate + ")";
                case "none" -> "!" + target + ".exists(x, " + predicate + ")";
                case "filter" -> target + ".filter(x, " + predicate + ")";
                case "map" -> target + ".map(x, " + predicate + ")";
                default -> "size(" + target + ".filter(x, " + predicate + "))";
            };
            out.append(text, position, m.start()).append(macro);
            position = close + 1;
        }
        out.append(text.substring(position));
        return out.toString();
    }

    private static int matchingParenthesis(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int topLevelComma(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
