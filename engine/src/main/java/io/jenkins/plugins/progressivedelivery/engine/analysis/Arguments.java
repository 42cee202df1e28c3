package io.jenkins.plugins.progressivedelivery.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.JobSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.JsonText;
import io.jenkins.plugins.progressivedelivery.engine.plan.WebSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ArgumentSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes Argo-style {@code {{args.name}}} placeholders in a metric, so that a value can never change the
 * structure of a query or condition: inside a quoted PromQL or CEL string the value is escaped for that string
 * literal; anywhere else it must be a plain token such as {@code 5m} or {@code checkout}
 * ({@value #SAFE_TOKEN_PATTERN}). Header values may not contain control characters.
 */
public final class Arguments {
    static final String SAFE_TOKEN_PATTERN = "[A-Za-z0-9_:.\\-]+";
    private static final Pattern SAFE_TOKEN = Pattern.compile(SAFE_TOKEN_PATTERN);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
    private static final Pattern ARGUMENT_REFERENCE = Pattern.compile("\\s*args\\.([A-Za-z0-9_.\\-]+)\\s*");

    private Arguments() {
    }

    /** Where a text is used, which decides how a value is made safe in it. */
    enum Syntax {
        PROMQL, CEL, URL, HEADER
    }

    /** One {@code {{...}}} in a text; {@code name} is null when it is not of the form {@code args.NAME}. */
    record Placeholder(int start, int end, String raw, String name) { }

    /**
     * Resolves every placeholder of {@code spec} with the declared argument values, overridden by
     * {@code runArguments}.
     *
     * @throws InvalidPlanException listing every missing value, unknown run argument and unsafe value
     */
    public static AnalysisSpec resolve(AnalysisSpec spec, Map<String, String> runArguments) {
        return resolve(spec, runArguments, "");
    }

    /** As {@link #resolve(AnalysisSpec, Map)}, with error paths under {@code pathPrefix} ({@code steps[2].analysis}). */
    public static AnalysisSpec resolve(AnalysisSpec spec, Map<String, String> runArguments, String pathPrefix) {
        List<ValidationError> errors = new ArrayList<>();
        Map<String, String> values = values(spec, runArguments == null ? Map.of() : runArguments, pathPrefix, errors);
        List<MetricSpec> metrics = new ArrayList<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            metrics.add(substitute(spec.metrics().get(i), values, declared(spec),
                    join(pathPrefix, "metrics[" + i + "]"), errors));
        }
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("The analysis arguments", errors);
        }
        List<ArgumentSpec> resolvedArgs = new ArrayList<>();
        values.forEach((name, value) -> resolvedArgs.add(new ArgumentSpec(name, value)));
        return spec.withArgsAndMetrics(resolvedArgs, metrics);
    }

    private static Map<String, String> declared(AnalysisSpec spec) {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (ArgumentSpec arg : spec.args()) {
            defaults.put(arg.name(), arg.value());
        }
        return defaults;
    }

    /** The declared defaults overridden by the run's values; reports unknown run arguments and missing values. */
    static Map<String, String> values(AnalysisSpec spec, Map<String, String> runArguments, String pathPrefix,
                                      List<ValidationError> errors) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ArgumentSpec arg : spec.args()) {
            values.put(arg.name(), arg.value());
        }
        runArguments.forEach((name, value) -> {
            if (!values.containsKey(name)) {
                errors.add(new ValidationError(join(pathPrefix, "args"), "run argument '" + name
                        + "' is not declared by the analysis; declare it under args or remove it (declared: "
                        + (values.isEmpty() ? "none" : String.join(", ", values.keySet())) + ")"));
            } else {
                values.put(name, value);
            }
        });
        List<ArgumentSpec> args = spec.args();
        for (int i = 0; i < args.size(); i++) {
            if (values.get(args.get(i).name()) == null) {
                errors.add(new ValidationError(join(pathPrefix, "args[" + i + "]"), "args." + args.get(i).name()
                        + " has no value: give it a 'value' in the analysis or pass it as an argument when the"
                        + " analysis runs"));
            }
        }
        return values;
    }

    static MetricSpec substitute(MetricSpec metric, Map<String, String> values, String path,
                                 List<ValidationError> errors) {
        return substitute(metric, values, values, path, errors);
    }

    /**
     * @param declared the template's own defaults: a run argument may not move an address or URL to another host
     *                 than these give, so credentials configured for the plan's host never go elsewhere
     */
    static MetricSpec substitute(MetricSpec metric, Map<String, String> values, Map<String, String> declared,
                                 String path, List<ValidationError> errors) {
        String success = substitute(metric.successCondition(), Syntax.CEL, values, path + ".successCondition", errors);
        String failure = substitute(metric.failureCondition(), Syntax.CEL, values, path + ".failureCondition", errors);
        MetricProviderSpec provider = metric.provider();
        if (provider != null && provider.prometheus() != null) {
            PrometheusSpec prometheus = provider.prometheus();
            String prometheusPath = path + ".provider.prometheus";
            PrometheusSpec.RangeQuery range = prometheus.rangeQuery();
            if (range != null) {
                String rangePath = prometheusPath + ".rangeQuery";
                range = new PrometheusSpec.RangeQuery(
                        substitute(range.start(), Syntax.CEL, values, rangePath + ".start", errors),
                        substitute(range.end(), Syntax.CEL, values, rangePath + ".end", errors),
                        substitute(range.step(), Syntax.CEL, values, rangePath + ".step", errors));
            }
            provider = new MetricProviderSpec(new PrometheusSpec(
                    address(prometheus.address(), values, declared, prometheusPath + ".address", errors),
                    substitute(prometheus.query(), Syntax.PROMQL, values, prometheusPath + ".query", errors),
                    prometheus.timeout(), headers(prometheus.headers(), values, prometheusPath, errors), range),
                    null, null);
        } else if (provider != null && provider.web() != null) {
            WebSpec web = provider.web();
            String webPath = path + ".provider.web";
            provider = new MetricProviderSpec(null, web.withRequest(
                    address(web.url(), values, declared, webPath + ".url", errors),
                    headers(web.headers(), values, webPath, errors),
                    substitute(web.body(), Syntax.HEADER, values, webPath + ".body", errors)), null);
        } else if (provider != null && provider.job() != null) {
            JobSpec job = provider.job();
            String jobPath = path + ".provider.job";
            provider = new MetricProviderSpec(null, null, new JobSpec(
                    JsonText.text(substituteTree(JsonText.tree(job.metadata()), values, jobPath + ".metadata", errors)),
                    JsonText.text(substituteTree(JsonText.tree(job.spec()), values, jobPath + ".spec", errors))));
        }
        return metric.withConditionsAndProvider(success, failure, provider);
    }

    private static List<PrometheusSpec.Header> headers(List<PrometheusSpec.Header> headers, Map<String, String> values,
                                                       String path, List<ValidationError> errors) {
        List<PrometheusSpec.Header> resolved = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            PrometheusSpec.Header header = headers.get(i);
            String headerPath = path + ".headers[" + i + "]";
            resolved.add(new PrometheusSpec.Header(
                    substitute(header.key(), Syntax.HEADER, values, headerPath + ".key", errors),
                    substitute(header.value(), Syntax.HEADER, values, headerPath + ".value", errors)));
        }
        return resolved;
    }

    private static String address(String text, Map<String, String> values, Map<String, String> declared, String path,
                                  List<ValidationError> errors) {
        String resolved = substitute(text, Syntax.URL, values, path, errors);
        if (resolved == null || placeholders(text).isEmpty() || values == declared) {
            return resolved;
        }
        List<ValidationError> ignored = new ArrayList<>();
        String planned = substitute(text, Syntax.URL, declared, path, ignored);
        if (!placeholders(planned).isEmpty()) {
            String literal = planned.substring(0, placeholders(planned).get(0).start());
            if (!literal.matches("(?i)^https?://[^/:?#\\s]+[:/?#].*")) {
                errors.add(new ValidationError(path, "the host of this address comes from a run argument without"
                        + " a default; write the host in the analysis (or give the argument a default), so that"
                        + " credentials only go to a host the analysis names"));
            }
            return resolved;
        }
        String plannedHost = host(planned);
        String resolvedHost = host(resolved);
        if (plannedHost != null && !plannedHost.equalsIgnoreCase(resolvedHost == null ? "" : resolvedHost)) {
            errors.add(new ValidationError(path, "a run argument moves this address from host " + plannedHost
                    + " to " + resolvedHost + "; run arguments cannot choose another host than the analysis names"
                    + " (credentials configured for it would go there); change the analysis instead"));
        }
        return resolved;
    }

    private static String host(String url) {
        try {
            return java.net.URI.create(url.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static JsonNode substituteTree(JsonNode node, Map<String, String> values, String path,
                                           List<ValidationError> errors) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(substitute(node.asText(), Syntax.HEADER, values, path, errors));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(),
                    substituteTree(e.getValue(), values, path + "." + e.getKey(), errors)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(substituteTree(node.get(i), values, path + "[" + i + "]", errors));
            }
            return copy;
        }
        return node;
    }

    /** Placeholders left in a spec that should have been resolved, one error per field. */
    static List<ValidationError> unresolved(AnalysisSpec spec) {
        List<ValidationError> errors = new ArrayList<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            textFields(spec.metrics().get(i), "metrics[" + i + "]").forEach((field, text) -> {
                List<Placeholder> left = placeholders(text);
                if (!left.isEmpty()) {
                    errors.add(new ValidationError(field, left.get(0).raw() + " is not resolved; resolve the"
                            + " analysis arguments before running it"));
                }
            });
        }
        return errors;
    }

    /** Every text of a metric in which a placeholder may appear, by its path. */
    static Map<String, String> textFields(MetricSpec metric, String path) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(path + ".successCondition", metric.successCondition());
        fields.put(path + ".failureCondition", metric.failureCondition());
        MetricProviderSpec provider = metric.provider();
        if (provider != null && provider.prometheus() != null) {
            PrometheusSpec prometheus = provider.prometheus();
            String p = path + ".provider.prometheus";
            fields.put(p + ".address", prometheus.address());
            fields.put(p + ".query", prometheus.query());
            headerFields(prometheus.headers(), p, fields);
            if (prometheus.rangeQuery() != null) {
                fields.put(p + ".rangeQuery.start", prometheus.rangeQuery().start());
                fields.put(p + ".rangeQuery.end", prometheus.rangeQuery().end());
                fields.put(p + ".rangeQuery.step", prometheus.rangeQuery().step());
            }
        }
        if (provider != null && provider.web() != null) {
            String p = path + ".provider.web";
            fields.put(p + ".url", provider.web().url());
            fields.put(p + ".body", provider.web().body());
            headerFields(provider.web().headers(), p, fields);
        }
        if (provider != null && provider.job() != null) {
            treeFields(JsonText.tree(provider.job().metadata()), path + ".provider.job.metadata", fields);
            treeFields(JsonText.tree(provider.job().spec()), path + ".provider.job.spec", fields);
        }
        return fields;
    }

    private static void headerFields(List<PrometheusSpec.Header> headers, String path, Map<String, String> fields) {
        for (int h = 0; h < headers.size(); h++) {
            fields.put(path + ".headers[" + h + "].key", headers.get(h).key());
            fields.put(path + ".headers[" + h + "].value", headers.get(h).value());
        }
    }

    private static void treeFields(JsonNode node, String path, Map<String, String> fields) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            fields.put(path, node.asText());
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> treeFields(e.getValue(), path + "." + e.getKey(), fields));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                treeFields(node.get(i), path + "[" + i + "]", fields);
            }
        }
    }

    /** Every {@code {{...}}} in {@code text}, in order. */
    static List<Placeholder> placeholders(String text) {
        List<Placeholder> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            Matcher reference = ARGUMENT_REFERENCE.matcher(m.group(1));
            found.add(new Placeholder(m.start(), m.end(), m.group(), reference.matches() ? reference.group(1) : null));
        }
        return found;
    }

    /**
     * Replaces the placeholders of one field. A value that cannot be made safe, an unknown placeholder or a
     * missing value is reported in {@code errors}, and the placeholder is left as it was.
     */
    static String substitute(String text, Syntax syntax, Map<String, String> values, String path,
                             List<ValidationError> errors) {
        List<Placeholder> placeholders = placeholders(text);
        if (placeholders.isEmpty()) {
            return text;
        }
        QuoteScanner quotes = new QuoteScanner(text, syntax);
        StringBuilder out = new StringBuilder();
        int position = 0;
        for (Placeholder placeholder : placeholders) {
            out.append(text, position, placeholder.start());
            position = placeholder.end();
            if (placeholder.name() == null) {
                errors.add(new ValidationError(path, "unknown placeholder " + placeholder.raw()
                        + "; only {{args.NAME}} is supported, with NAME declared under args"));
                out.append(placeholder.raw());
                continue;
            }
            String name = placeholder.name();
            if (!values.containsKey(name)) {
                errors.add(new ValidationError(path, placeholder.raw() + " refers to args." + name
                        + ", which is not declared; add it under args (declared: "
                        + (values.isEmpty() ? "none" : String.join(", ", new TreeSet<>(values.keySet()))) + ")"));
                out.append(placeholder.raw());
                continue;
            }
            String value = values.get(name);
            if (value == null) {
                out.append(placeholder.raw());
                continue;
            }
            String safe = makeSafe(value, syntax, quotes.contextAt(placeholder.start()), name, path, errors);
            out.append(safe == null ? placeholder.raw() : safe);
        }
        out.append(text.substring(position));
        return out.toString();
    }

    private static String makeSafe(String value, Syntax syntax, Context context, String name, String path,
                                   List<ValidationError> errors) {
        switch (syntax) {
            case URL:
                if (value.isEmpty() || value.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                    errors.add(new ValidationError(path, "args." + name + ": '" + printable(value)
                            + "' cannot be part of an address; use a value without spaces or control characters"));
                    return null;
                }
                return value;
            case HEADER:
                if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
                    errors.add(new ValidationError(path, "args." + name
                            + ": an HTTP header cannot contain line breaks or control characters; remove them"));
                    return null;
                }
                return value;
            default:
                return makeSafeInExpression(value, context, name, path, errors);
        }
    }

    private static String makeSafeInExpression(String value, Context context, String name, String path,
                                               List<ValidationError> errors) {
        switch (context) {
            case DOUBLE_QUOTED:
                return escape(value, '"');
            case SINGLE_QUOTED:
                return escape(value, '\'');
            case RAW_BACKTICK:
            case RAW_DOUBLE_QUOTED:
            case RAW_SINGLE_QUOTED:
                char quote = context == Context.RAW_BACKTICK ? '`' : (context == Context.RAW_DOUBLE_QUOTED ? '"' : '\'');
                if (value.indexOf(quote) >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                    errors.add(new ValidationError(path, "args." + name + ": '" + printable(value)
                            + "' is used in a raw string, which cannot escape " + quote
                            + " or line breaks; use a normal double-quoted string instead"));
                    return null;
                }
                return value;
            default:
                if (!SAFE_TOKEN.matcher(value).matches()) {
                    errors.add(new ValidationError(path, "args." + name + ": '" + printable(value)
                            + "' is used outside a quoted string, where only a plain token is allowed ("
                            + SAFE_TOKEN_PATTERN + ", like 5m, 0.95 or checkout); put the placeholder inside"
                            + " quotes if it is a label value, e.g. app=\"{{args." + name + "}}\""));
                    return null;
                }
                return value;
        }
    }

    /** Escapes for a PromQL or CEL string literal delimited by {@code quote}; both read Go-style escapes. */
    static String escape(String value, char quote) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == quote) {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String printable(String value) {
        String shown = value.length() > 60 ? value.substring(0, 57) + "..." : value;
        return escape(shown, '\'');
    }

    static String join(String prefix, String rest) {
        return prefix == null || prefix.isEmpty() ? rest : prefix + "." + rest;
    }

    /** Where in an expression a character is. */
    enum Context {
        CODE, DOUBLE_QUOTED, SINGLE_QUOTED, RAW_BACKTICK, RAW_DOUBLE_QUOTED, RAW_SINGLE_QUOTED, COMMENT
    }

    /**
     * Tracks string literals in PromQL ({@code "..."}, {@code '...'}, {@code `raw`}, {@code # comment}) and CEL
     * ({@code "..."}, {@code '...'}, {@code r"raw"}); backslash escapes the next character in non-raw strings.
     */
    private static final class QuoteScanner {
        private final Context[] contexts;

        QuoteScanner(String text, Syntax syntax) {
            contexts = new Context[text.length() + 1];
            Context context = Context.CODE;
            for (int i = 0; i < text.length(); i++) {
                contexts[i] = context;
                char c = text.charAt(i);
                switch (context) {
                    case CODE:
                        if (c == '"' || c == '\'') {
                            boolean raw = syntax == Syntax.CEL && i > 0 && (text.charAt(i - 1) == 'r'
                                    || text.charAt(i - 1) == 'R')
                                    && (i < 2 || !Character.isLetterOrDigit(text.charAt(i - 2)));
                            context = c == '"' ? (raw ? Context.RAW_DOUBLE_QUOTED : Context.DOUBLE_QUOTED)
                                    : (raw ? Context.RAW_SINGLE_QUOTED : Context.SINGLE_QUOTED);
                        } else if (c == '`' && syntax == Syntax.PROMQL) {
                            context = Context.RAW_BACKTICK;
                        } else if (c == '#' && syntax == Syntax.PROMQL) {
                            context = Context.COMMENT;
                        }
                        break;
                    case DOUBLE_QUOTED:
                    case SINGLE_QUOTED:
                        if (c == '\\' && i + 1 < text.length()) {
                            contexts[++i] = context;
                        } else if (c == (context == Context.DOUBLE_QUOTED ? '"' : '\'')) {
                            context = Context.CODE;
                        }
                        break;
                    case RAW_BACKTICK:
                        if (c == '`') {
                            context = Context.CODE;
                        }
                        break;
                    case RAW_DOUBLE_QUOTED:
                    case RAW_SINGLE_QUOTED:
                        if (c == (context == Context.RAW_DOUBLE_QUOTED ? '"' : '\'')) {
                            context = Context.CODE;
                        }
                        break;
                    default:
                        if (c == '\n') {
                            context = Context.CODE;
                        }
                        break;
                }
            }
            contexts[text.length()] = context;
        }

        Context contextAt(int index) {
            return contexts[index];
        }
    }
}
