package io.jenkins.plugins.progressivedelivery.config;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import hudson.AbortException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusDefaults;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.parameters.Analysis;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Manage Jenkins » System adds to a step's plan before the engine reads it (the engine still validates it all):
 * the named analysis templates expanded where an analysis says {@code template: 'name'}, and the Prometheus server's
 * URL, timeout and headers on every Prometheus query that does not give its own ({@link PrometheusDefaults}, the rule
 * the AnalysisTemplates read from the cluster get too, see {@link #prometheusDefaults}). Works on the plan as nested
 * maps, whichever way it came (parameters or a plan file).
 */
public final class PlanDefaults {
    /** The plan fields that hold an analysis (a canary step's, a background analysis, blue-green's two). */
    private static final Set<String> ANALYSIS_KEYS = Set.of("analysis", "prePromotionAnalysis",
            "postPromotionAnalysis");

    private PlanDefaults() {
    }

    /**
     * @param plan       mutable nested maps and lists (changed in place)
     * @param prometheus the server the step named, or null for the first one configured
     */
    public static void apply(Map<String, Object> plan, ProgressiveDeliveryConfiguration config, String prometheus)
            throws AbortException {
        if (config == null) {
            return;
        }
        expandTemplates(plan, config);
        PrometheusServer server = config.prometheusServer(prometheus);
        if (server != null) {
            applyServer(plan, server);
            applyJudgeServer(plan, server);
        }
    }

    /**
     * A plan with judge steps and no Prometheus of its own for them ({@code metrics.prometheus}, or the step's
     * {@code prometheus}) gets the server as its {@code metrics.prometheus}, so that {@code judge(metrics: [...])}
     * needs no address.
     */
    @SuppressWarnings("unchecked")
    static void applyJudgeServer(Map<String, Object> plan, PrometheusServer server) {
        boolean needed = needsBuiltinServer(plan);
        for (Object step : list(plan.get("steps"))) {
            if (step instanceof Map<?, ?> map && map.get("judge") instanceof Map<?, ?> judge) {
                if (judge.get("prometheus") instanceof Map<?, ?> own) {
                    fill((Map<String, Object>) own, server);
                } else {
                    needed = true;
                }
            }
        }
        if (!needed) {
            return;
        }
        Object existing = plan.get("metrics");
        Map<String, Object> metrics = existing instanceof Map<?, ?> map ? (Map<String, Object>) map
                : new LinkedHashMap<>();
        Map<String, Object> prometheus = metrics.get("prometheus") instanceof Map<?, ?> own
                ? (Map<String, Object>) own : new LinkedHashMap<>();
        fill(prometheus, server);
        metrics.put("prometheus", prometheus);
        plan.put("metrics", metrics);
    }

    /**
     * Whether an analysis of the plan has a built-in metric ({@code [name: 'success-rate', min: 99]}) without a
     * Prometheus address of its own, which then reads the plan's {@code metrics.prometheus}.
     */
    static boolean needsBuiltinServer(Object node) {
        if (node instanceof Map<?, ?> map) {
            boolean builtin = map.containsKey("name") && (map.containsKey("min") || map.containsKey("max")
                    || map.containsKey("builtin"));
            if (builtin && !(map.get("provider") instanceof Map<?, ?> provider
                    && provider.get("prometheus") instanceof Map<?, ?> query && query.get("address") != null)) {
                return true;
            }
            for (Object value : map.values()) {
                if (needsBuiltinServer(value)) {
                    return true;
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object element : list) {
                if (needsBuiltinServer(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The built-in metrics' source of {@code analysisGate} ({@code builtinMetrics}), with the server's address,
     * timeout and headers when it gives no Prometheus of its own.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> builtinSource(Map<String, Object> source, ProgressiveDeliveryConfiguration config,
                                                    String prometheus) throws AbortException {
        Map<String, Object> metrics = source == null ? new LinkedHashMap<>() : new LinkedHashMap<>(source);
        PrometheusServer server = config == null ? null : config.prometheusServer(prometheus);
        if (server == null) {
            return metrics;
        }
        Map<String, Object> query = metrics.get("prometheus") instanceof Map<?, ?> own
                ? new LinkedHashMap<>((Map<String, Object>) own) : new LinkedHashMap<>();
        fill(query, server);
        metrics.put("prometheus", query);
        return metrics;
    }

    /**
     * A file of several AnalysisTemplates ({@code ---}) with the server on each document's Prometheus queries, as
     * {@link #apply} puts it on a plan's: the file is merged (and validated) before it becomes the step's analysis, so
     * a metric without {@code address} must have the server's by then. Unchanged without a server, or when it is not
     * YAML (the loader says what is wrong with it).
     */
    public static String applyToDocuments(String yaml, ProgressiveDeliveryConfiguration config, String prometheus)
            throws AbortException {
        PrometheusDefaults defaults = config == null ? null : prometheusDefaults(config.prometheusServer(prometheus));
        if (defaults == null) {
            return yaml;
        }
        YAMLMapper mapper = new YAMLMapper();
        StringBuilder filled = new StringBuilder();
        try (com.fasterxml.jackson.databind.MappingIterator<Object> documents = mapper.readerFor(Object.class)
                .readValues(yaml)) {
            while (documents.hasNextValue()) {
                Object document = documents.nextValue();
                applyServer(document, defaults);
                filled.append(mapper.writeValueAsString(document)); // each starts with its own "---"
            }
        } catch (IOException | RuntimeException e) {
            return yaml;
        }
        return filled.toString();
    }

    /** The analysis named {@code template} merged under the given one: its args and metrics first, then these. */
    @SuppressWarnings("unchecked")
    static void expandTemplates(Object node, ProgressiveDeliveryConfiguration config) throws AbortException {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (ANALYSIS_KEYS.contains(String.valueOf(entry.getKey())) && entry.getValue() instanceof Map) {
                    expand((Map<String, Object>) entry.getValue(), config);
                }
                expandTemplates(entry.getValue(), config);
            }
        } else if (node instanceof List<?> list) {
            for (Object element : list) {
                expandTemplates(element, config);
            }
        }
    }

    @SuppressWarnings("unchecked")
    public static void expand(Map<String, Object> analysis, ProgressiveDeliveryConfiguration config)
            throws AbortException {
        Object name = analysis.get(Analysis.TEMPLATE_KEY);
        if (!(name instanceof String templateName)) {
            return;
        }
        AnalysisTemplate template = config.analysisTemplate(templateName);
        Map<String, Object> spec = spec(template);
        analysis.remove(Analysis.TEMPLATE_KEY);
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Object arg : list(spec.get("args"))) {
            byName.put(nameOf(arg), arg);
        }
        for (Object arg : list(analysis.get("args"))) {
            byName.put(nameOf(arg), arg); // the step's value for an argument overrides the template's default
        }
        List<Object> metrics = new ArrayList<>(list(spec.get("metrics")));
        metrics.addAll(list(analysis.get("metrics")));
        if (!byName.isEmpty()) {
            analysis.put("args", new ArrayList<>(byName.values()));
        }
        analysis.put("metrics", metrics);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(AnalysisTemplate template) throws AbortException {
        Object parsed;
        try {
            parsed = new YAMLMapper().readValue(template.getYaml() == null ? "" : template.getYaml(), Object.class);
        } catch (IOException e) {
            throw new AbortException("template: the analysis template '" + template.getName() + "' is not valid"
                    + " YAML: " + e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            throw new AbortException("template: the analysis template '" + template.getName() + "' is not a YAML"
                    + " mapping; give an AnalysisTemplate or its spec ({args, metrics})");
        }
        Map<String, Object> map = (Map<String, Object>) parsed;
        return map.get("spec") instanceof Map && map.containsKey("kind") ? (Map<String, Object>) map.get("spec") : map;
    }

    /**
     * The server as the engine applies it to a query that names no Prometheus ({@link PrometheusDefaults}): here to
     * the plan's queries, and by the steps to those of the AnalysisTemplates they read from the cluster, so that both
     * get the same address, timeout and headers. Null without a server (or one without a URL).
     */
    public static PrometheusDefaults prometheusDefaults(PrometheusServer server) {
        if (server == null || server.getUrl() == null || server.getUrl().isBlank()) {
            return null;
        }
        List<PrometheusSpec.Header> headers = new ArrayList<>();
        if (server.getHeaders() != null) {
            server.getHeaders().forEach(header -> headers.add(new PrometheusSpec.Header(header.getKey(),
                    header.getValue())));
        }
        return new PrometheusDefaults(server.getUrl(), server.getTimeout(), headers);
    }

    static void applyServer(Object node, PrometheusServer server) {
        PrometheusDefaults defaults = prometheusDefaults(server);
        if (defaults != null) {
            applyServer(node, defaults);
        }
    }

    @SuppressWarnings("unchecked")
    private static void applyServer(Object node, PrometheusDefaults defaults) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("provider") instanceof Map<?, ?> provider
                    && provider.get("prometheus") instanceof Map<?, ?> query) {
                defaults.fill((Map<String, Object>) query);
            }
            // the doctor's traffic-volume check ({doctor: {traffic: {prometheus: ...}}}) asks Prometheus too
            if (map.get("traffic") instanceof Map<?, ?> traffic
                    && traffic.get("prometheus") instanceof Map<?, ?> query) {
                defaults.fill((Map<String, Object>) query);
            }
            for (Object value : map.values()) {
                applyServer(value, defaults);
            }
        } else if (node instanceof List<?> list) {
            for (Object element : list) {
                applyServer(element, defaults);
            }
        }
    }

    private static void fill(Map<String, Object> query, PrometheusServer server) {
        PrometheusDefaults defaults = prometheusDefaults(server);
        if (defaults != null) {
            defaults.fill(query);
        }
    }

    private static List<Object> list(Object value) {
        return value instanceof List<?> list ? new ArrayList<>(list) : List.of();
    }

    private static String nameOf(Object arg) {
        return arg instanceof Map<?, ?> map ? String.valueOf(map.get("name")) : String.valueOf(arg);
    }
}
