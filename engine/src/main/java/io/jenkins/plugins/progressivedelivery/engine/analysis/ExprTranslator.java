package io.jenkins.plugins.progressivedelivery.engine.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a condition written in Argo Rollouts' expression language (expr-lang, as Argo evaluates it) and writes the
 * same condition as a CEL expression, so that one evaluator, cel-java, runs both languages. The parser is a small
 * precedence-climbing parser for the part of expr a condition uses: {@code and}/{@code or}/{@code not} (and
 * {@code &&}, {@code ||}, {@code !}), comparisons, {@code in}/{@code not in}, {@code matches}, {@code contains},
 * {@code startsWith}, {@code endsWith}, arithmetic with expr's numeric rules, {@code ?:}, {@code ??}, member and
 * index access (negative indices count from the end, a missing map key is nil), slices, list literals, and the
 * builtins {@code all}, {@code any}, {@code none}, {@code one}, {@code filter}, {@code map}, {@code count} with
 * {@code #} (or {@code .field}) predicates, bare or in {@code {...}}, plus the functions {@link ExprFunctions}
 * implements ({@code len}, {@code default}, {@code isNil}, {@code asInt}, {@code asFloat}, {@code isNaN},
 * {@code isInf}, ...). Anything else is refused with the position and what to write instead, never guessed.
 *
 * <p>Everything whose meaning differs between the languages is translated to a call of {@code _expr(name, [args])},
 * which {@link ExprFunctions} evaluates with expr's rules; the logical operators, comparisons, ternaries and the
 * collection builtins map onto CEL's own operators and macros.
 */
final class ExprTranslator {
    static final String CALL = "_expr";

    private static final Set<String> MACROS = Set.of("all", "any", "none", "one", "filter", "map", "count");
    private static final Set<String> EMPTINESS = Set.of("len", "isNil", "default", "first", "last", "count");

    private final String source;
    private final List<Token> tokens;
    private int position;
    private int closureDepth;
    private boolean inspectsEmptiness;

    /** The CEL text and whether the condition looks at how many values there are. */
    record Translation(String cel, boolean inspectsEmptiness) { }

    private ExprTranslator(String source) {
        this.source = source;
        this.tokens = new Lexer(source).tokens();
    }

    /**
     * @throws IllegalArgumentException naming the position and the construct that is not understood
     */
    static Translation translate(String expression) {
        ExprTranslator translator = new ExprTranslator(expression);
        String cel = translator.expression(0);
        if (translator.peek().kind != Kind.END) {
            throw translator.error(translator.peek(), "unexpected '" + translator.peek().text + "'");
        }
        if (cel.matches("(?s)^_expr\\(\"(\\+|-|\\*|/|%|\\*\\*|neg|\\.\\.)\",.*|^\\(?-?[0-9.].*|^\".*")) {
            // expr.AsBool() refuses these when Argo compiles the condition
            throw new IllegalArgumentException("'" + expression + "' is not a valid condition: it evaluates to a"
                    + " number or text, not to true or false (expected type 'bool'); compare it, e.g. result[0] >= 0.95");
        }
        return new Translation(cel, translator.inspectsEmptiness);
    }

    // ---- grammar ----------------------------------------------------------------------------------------------

    /** Binary operators and their precedence, as expr-lang's parser table. */
    private static int precedence(Token token) {
        if (token.kind == Kind.OPERATOR || token.kind == Kind.IDENT) {
            switch (token.text) {
                case "??":
                    return 5;
                case "or":
                case "||":
                    return 10;
                case "and":
                case "&&":
                    return 15;
                case "==":
                case "!=":
                case "<":
                case ">":
                case "<=":
                case ">=":
                case "in":
                case "matches":
                case "contains":
                case "startsWith":
                case "endsWith":
                case "not":
                    return 20;
                case "..":
                    return 25;
                case "+":
                case "-":
                    return 30;
                case "*":
                case "/":
                case "%":
                    return 60;
                case "**":
                case "^":
                    return 100;
                default:
                    return -1;
            }
        }
        return -1;
    }

    private String expression(int minimum) {
        String left = unary();
        while (true) {
            Token operator = peek();
            int precedence = precedence(operator);
            if (precedence < 0 || precedence < minimum || (precedence == minimum && !rightAssociative(operator))) {
                if (minimum == 0 && operator.kind == Kind.OPERATOR && operator.text.equals("?")) {
                    next();
                    String whenTrue = expression(0);
                    expect(":");
                    String whenFalse = expression(0);
                    left = "(" + left + " ? " + whenTrue + " : " + whenFalse + ")";
                    continue;
                }
                return left;
            }
            next();
            if (operator.text.equals("not")) {
                Token in = next();
                if (!in.text.equals("in")) {
                    throw error(in, "expected 'in' after 'not'");
                }
                left = "!" + call("in", left, expression(precedence + 1));
                continue;
            }
            String right = expression(rightAssociative(operator) ? precedence : precedence + 1);
            left = binary(operator, left, right);
        }
    }

    private static boolean rightAssociative(Token operator) {
        return operator.text.equals("**") || operator.text.equals("^");
    }

    private String binary(Token operator, String left, String right) {
        switch (operator.text) {
            case "or":
            case "||":
                return "(" + left + " || " + right + ")";
            case "and":
            case "&&":
                return "(" + left + " && " + right + ")";
            case "==":
            case "!=":
            case "<":
            case ">":
            case "<=":
            case ">=":
                if (right.equals("[]") || left.equals("[]")) {
                    inspectsEmptiness = true;
                }
                // CEL's comparisons already have expr's meaning here: numbers compare across int and float, NaN
                // orders with nothing, and nil or mismatched kinds are an evaluation error (== is simply false)
                return "(" + left + " " + operator.text + " " + right + ")";
            case "+":
            case "-":
            case "*":
            case "/":
            case "%":
            case "in":
            case "matches":
            case "contains":
            case "startsWith":
            case "endsWith":
            case "..":
            case "??":
                return call(operator.text, left, right);
            default:
                return call("**", left, right);
        }
    }

    private String unary() {
        Token token = peek();
        if (token.kind == Kind.OPERATOR && (token.text.equals("!")) || token.kind == Kind.IDENT && token.text.equals("not")) {
            next();
            return "!(" + expression(50) + ")";
        }
        if (token.kind == Kind.OPERATOR && token.text.equals("-")) {
            next();
            Token number = peek();
            if (number.kind == Kind.INT || number.kind == Kind.FLOAT) {
                next();
                return postfix(number(number, true));
            }
            return call("neg", expression(90));
        }
        if (token.kind == Kind.OPERATOR && token.text.equals("+")) {
            next();
            return expression(90);
        }
        return postfix(primary());
    }

    private String primary() {
        Token token = next();
        switch (token.kind) {
            case INT:
            case FLOAT:
                return number(token, false);
            case STRING:
                return celString(token.text);
            case IDENT:
                return identifier(token);
            case OPERATOR:
                if (token.text.equals("(")) {
                    String inner = expression(0);
                    expect(")");
                    return "(" + inner + ")";
                }
                if (token.text.equals("[")) {
                    List<String> elements = new ArrayList<>();
                    if (!peekIs("]")) {
                        do {
                            if (peekIs("]")) {
                                break;
                            }
                            elements.add(expression(0));
                        } while (accept(","));
                    }
                    expect("]");
                    return "[" + String.join(", ", elements) + "]";
                }
                if (token.text.equals("#")) {
                    if (closureDepth == 0) {
                        throw error(token, "'#' is only meaningful inside a predicate such as all(result, # < 1)");
                    }
                    return closureVariable();
                }
                if (token.text.equals(".") && closureDepth > 0 && peek().kind == Kind.IDENT) {
                    // expr's shorthand: .Status inside a predicate is #.Status
                    Token field = next();
                    return call("member", closureVariable(), celString(field.text));
                }
                if (token.text.equals("{")) {
                    throw error(token, "map literals are not supported in conditions");
                }
                throw error(token, "unexpected '" + token.text + "'");
            default:
                throw error(token, "the condition ends too early");
        }
    }

    private String identifier(Token token) {
        switch (token.text) {
            case "true":
            case "false":
                return token.text;
            case "nil":
                return "null";
            case "result":
                return Condition.VARIABLE;
            default:
                break;
        }
        if (!peekIs("(")) {
            throw error(token, "unknown name '" + token.text + "'; the measurement is called 'result'");
        }
        next();
        if (MACROS.contains(token.text)) {
            return macro(token);
        }
        List<String> args = new ArrayList<>();
        if (!peekIs(")")) {
            do {
                args.add(expression(0));
            } while (accept(","));
        }
        expect(")");
        if (!ExprFunctions.knows(token.text)) {
            throw error(token, "unknown function '" + token.text + "'; conditions may use " + ExprFunctions.NAMES
                    + " and all/any/none/one/filter/map/count");
        }
        if (EMPTINESS.contains(token.text)) {
            inspectsEmptiness = true;
        }
        return call(token.text, args.toArray(String[]::new));
    }

    /** {@code all(result, # < 1)} as a CEL macro over a fresh variable. */
    private String macro(Token name) {
        String collection = expression(0);
        expect(",");
        closureDepth++;
        String variable = closureVariable();
        String predicate;
        if (accept("{")) {
            predicate = expression(0);
            expect("}");
        } else {
            predicate = expression(0);
        }
        closureDepth--;
        expect(")");
        String target = call("list", collection);
        switch (name.text) {
            case "all":
                return target + ".all(" + variable + ", " + predicate + ")";
            case "any":
                return target + ".exists(" + variable + ", " + predicate + ")";
            case "none":
                return "!" + target + ".exists(" + variable + ", " + predicate + ")";
            case "one":
                return target + ".exists_one(" + variable + ", " + predicate + ")";
            case "filter":
                return target + ".filter(" + variable + ", " + predicate + ")";
            case "map":
                return target + ".map(" + variable + ", " + predicate + ")";
            default:
                inspectsEmptiness = true;
                return "size(" + target + ".filter(" + variable + ", " + predicate + "))";
        }
    }

    private String closureVariable() {
        return "__it" + closureDepth;
    }

    private String postfix(String target) {
        String result = target;
        while (true) {
            Token token = peek();
            if (token.kind != Kind.OPERATOR) {
                return result;
            }
            if (token.text.equals(".") || token.text.equals("?.")) {
                next();
                Token field = next();
                if (field.kind != Kind.IDENT) {
                    throw error(field, "expected a field name after '" + token.text + "'");
                }
                if (peekIs("(")) {
                    throw error(field, "method calls are not supported; use " + field.text + "(...) as a function");
                }
                result = call(token.text.equals("?.") ? "safeMember" : "member", result, celString(field.text));
            } else if (token.text.equals("[")) {
                next();
                if (accept(":")) {
                    String to = peekIs("]") ? "null" : expression(0);
                    expect("]");
                    result = call("slice", result, "null", to);
                    continue;
                }
                String index = expression(0);
                if (accept(":")) {
                    String to = peekIs("]") ? "null" : expression(0);
                    expect("]");
                    result = call("slice", result, index, to);
                    continue;
                }
                expect("]");
                // result[0]: CEL's own index, so charts still see a simple threshold
                result = result.equals(Condition.VARIABLE) && index.matches("\\d+") ? result + "[" + index + "]"
                        : call("index", result, index);
            } else {
                return result;
            }
        }
    }

    private static String number(Token token, boolean negative) {
        String text = token.text.replace("_", "");
        if (token.kind == Kind.INT) {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                return (negative ? "-" : "") + text;
            }
            return (negative ? "-" : "") + text;
        }
        if (text.startsWith(".")) {
            text = "0" + text;
        }
        if (!text.contains(".") && !text.toLowerCase(Locale.ROOT).contains("e")) {
            text = text + ".0";
        }
        if (text.toLowerCase(Locale.ROOT).contains("e") && !text.contains(".")) {
            int e = text.toLowerCase(Locale.ROOT).indexOf('e');
            text = text.substring(0, e) + ".0" + text.substring(e);
        }
        return "(" + (negative ? "-" : "") + text + ")";
    }

    private static String call(String name, String... args) {
        return CALL + "(" + celString(name) + ", [" + String.join(", ", args) + "])";
    }

    static String celString(String value) {
        return "\"" + Arguments.escape(value, '"') + "\"";
    }

    // ---- tokens -----------------------------------------------------------------------------------------------

    private Token peek() {
        return tokens.get(position);
    }

    private boolean peekIs(String text) {
        Token token = peek();
        return token.kind == Kind.OPERATOR && token.text.equals(text);
    }

    private Token next() {
        Token token = tokens.get(position);
        if (token.kind != Kind.END) {
            position++;
        }
        return token;
    }

    private boolean accept(String text) {
        if (peekIs(text)) {
            next();
            return true;
        }
        return false;
    }

    private void expect(String text) {
        Token token = next();
        if (token.kind != Kind.OPERATOR || !token.text.equals(text)) {
            throw error(token, "expected '" + text + "'" + (token.kind == Kind.END ? " before the end"
                    : " but found '" + token.text + "'"));
        }
    }

    private IllegalArgumentException error(Token token, String message) {
        return new IllegalArgumentException("'" + source + "' is not a valid condition: " + message + " (column "
                + (token.start + 1) + ")");
    }

    enum Kind {
        INT, FLOAT, STRING, IDENT, OPERATOR, END
    }

    record Token(Kind kind, String text, int start) { }

    /** expr-lang's tokens: numbers, "..."/'...'/`raw` strings, identifiers and operators. */
    private static final class Lexer {
        private static final String[] OPERATORS = {"**", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "..",
            "<", ">", "+", "-", "*", "/", "%", "^", "!", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}", "#"};

        private final String text;

        Lexer(String text) {
            this.text = text;
        }

        List<Token> tokens() {
            List<Token> tokens = new ArrayList<>();
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (Character.isDigit(c) || (c == '.' && i + 1 < text.length()
                        && Character.isDigit(text.charAt(i + 1)) && !previousIsValue(tokens))) {
                    i = number(i, tokens);
                } else if (c == '"' || c == '\'') {
                    i = string(i, c, tokens);
                } else if (c == '`') {
                    int end = text.indexOf('`', i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("'" + text + "' has an unterminated `raw string`");
                    }
                    tokens.add(new Token(Kind.STRING, text.substring(i + 1, end), i));
                    i = end + 1;
                } else if (Character.isLetter(c) || c == '_' || c == '$') {
                    int start = i;
                    while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
                            || text.charAt(i) == '$')) {
                        i++;
                    }
                    tokens.add(new Token(Kind.IDENT, text.substring(start, i), start));
                } else {
                    String operator = null;
                    for (String candidate : OPERATORS) {
                        if (text.startsWith(candidate, i)) {
                            operator = candidate;
                            break;
                        }
                    }
                    if (operator == null) {
                        throw new IllegalArgumentException("'" + text + "' is not a valid condition: unexpected '"
                                + c + "' (column " + (i + 1) + ")");
                    }
                    tokens.add(new Token(Kind.OPERATOR, operator, i));
                    i += operator.length();
                }
            }
            tokens.add(new Token(Kind.END, "", text.length()));
            return tokens;
        }

        private static boolean previousIsValue(List<Token> tokens) {
            if (tokens.isEmpty()) {
                return false;
            }
            Token last = tokens.get(tokens.size() - 1);
            return last.kind != Kind.OPERATOR || last.text.equals(")") || last.text.equals("]");
        }

        private int number(int start, List<Token> tokens) {
            int i = start;
            boolean isFloat = false;
            if (text.startsWith("0x", i) || text.startsWith("0X", i)) {
                i += 2;
                while (i < text.length() && (Character.digit(text.charAt(i), 16) >= 0 || text.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.INT, text.substring(start, i), start));
                return i;
            }
            while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                i++;
            }
            if (i < text.length() && text.charAt(i) == '.' && !text.startsWith("..", i)) {
                isFloat = true;
                i++;
                while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
            }
            if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
                int exponent = i + 1;
                if (exponent < text.length() && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
                    exponent++;
                }
                if (exponent < text.length() && Character.isDigit(text.charAt(exponent))) {
                    isFloat = true;
                    i = exponent;
                    while (i < text.length() && Character.isDigit(text.charAt(i))) {
                        i++;
                    }
                }
            }
            tokens.add(new Token(isFloat ? Kind.FLOAT : Kind.INT, text.substring(start, i), start));
            return i;
        }

        private int string(int start, char quote, List<Token> tokens) {
            StringBuilder value = new StringBuilder();
            int i = start + 1;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == quote) {
                    tokens.add(new Token(Kind.STRING, value.toString(), start));
                    return i + 1;
                }
                if (c == '\\' && i + 1 < text.length()) {
                    char escaped = text.charAt(++i);
                    switch (escaped) {
                        case 'n' -> value.append('\n');
                        case 't' -> value.append('\t');
                        case 'r' -> value.append('\r');
                        case 'u' -> {
                            if (i + 4 >= text.length()) {
                                throw new IllegalArgumentException("'" + text + "' has a bad \\u escape");
                            }
                            value.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                            i += 4;
                        }
                        default -> value.append(escaped);
                    }
                    i++;
                    continue;
                }
                value.append(c);
                i++;
            }
            throw new IllegalArgumentException("'" + text + "' has an unterminated string starting at column "
                    + (start + 1));
        }
    }
}
