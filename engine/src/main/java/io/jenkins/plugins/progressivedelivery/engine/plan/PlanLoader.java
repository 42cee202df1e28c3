package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads plans and analysis templates from YAML or JSON (or the maps a Jenkinsfile passes) and validates them
 * completely: what comes back is a plan that can run; anything else is an {@link InvalidPlanException} whose
 * errors name the field path and the fix.
 */
public final class PlanLoader {
    private static final ObjectMapper MAPPER = EngineJson.YAML;

    private PlanLoader() {
    }

    /**
     * A plan of either strategy from YAML or JSON text: one with a {@code previewService} is a blue-green plan,
     * anything else a canary plan.
     */
    public static DeliveryPlan load(String text, String sourceName) {
        JsonNode tree = readTree(text, sourceName);
        return tree.has("previewService")
                ? validated(tree, sourceName, BlueGreenPlan.class, PlanValidator::validate)
                : validated(tree, sourceName, CanaryPlan.class, PlanValidator::validate);
    }

    /** A canary plan from YAML or JSON text; {@code sourceName} (a file name) prefixes the error message. */
    public static CanaryPlan loadCanary(String text, String sourceName) {
        return validated(readTree(text, sourceName), sourceName, CanaryPlan.class, PlanValidator::validate);
    }

    /** A canary plan from the nested maps and lists of a Jenkinsfile (values already plain Java types). */
    public static CanaryPlan fromMap(Map<String, ?> map, String sourceName) {
        return validated(MAPPER.valueToTree(map), sourceName, CanaryPlan.class, PlanValidator::validate);
    }

    /** A blue-green plan from YAML or JSON text; {@code sourceName} (a file name) prefixes the error message. */
    public static BlueGreenPlan loadBlueGreen(String text, String sourceName) {
        return validated(readTree(text, sourceName), sourceName, BlueGreenPlan.class, PlanValidator::validate);
    }

    /** A blue-green plan from the nested maps and lists of a Jenkinsfile (values already plain Java types). */
    public static BlueGreenPlan blueGreenFromMap(Map<String, ?> map, String sourceName) {
        return validated(MAPPER.valueToTree(map), sourceName, BlueGreenPlan.class, PlanValidator::validate);
    }

    /**
     * An analysis from YAML or JSON: an Argo Rollouts {@code AnalysisTemplate}, {@code ClusterAnalysisTemplate} or
     * {@code AnalysisRun} as {@code kubectl get -o yaml} writes it (its {@code spec} is used; a {@code kind: List}
     * of them too), or a bare {@code {args, metrics}} object. A file of several YAML documents ({@code ---}) is
     * merged into one analysis as Argo merges the templates of one run ({@link AnalysisTemplates#merge}).
     */
    public static AnalysisSpec loadAnalysis(String text, String sourceName) {
        List<AnalysisTemplates.Named> templates = loadTemplates(text, sourceName);
        if (templates.size() == 1) {
            return templates.get(0).spec();
        }
        AnalysisSpec merged = AnalysisTemplates.merge(templates, List.of(), null, sourceName);
        List<ValidationError> errors = io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation
                .validate(merged, "", false);
        if (!errors.isEmpty()) {
            throw new InvalidPlanException(sourceName, errors);
        }
        return merged;
    }

    /** Every analysis template in a (multi-document) YAML or JSON text, each validated on its own. */
    public static List<AnalysisTemplates.Named> loadTemplates(String text, String sourceName) {
        if (text == null || text.isBlank()) {
            throw new InvalidPlanException(sourceName, List.of(new ValidationError("", "is empty")));
        }
        List<JsonNode> documents = new java.util.ArrayList<>();
        try (com.fasterxml.jackson.databind.MappingIterator<JsonNode> iterator =
                     MAPPER.readerFor(JsonNode.class).readValues(text)) {
            while (iterator.hasNextValue()) {
                JsonNode document = iterator.nextValue();
                if (document == null || document.isNull() || document.isMissingNode()
                        || (document.isObject() && document.isEmpty())) {
                    continue;
                }
                if (document.path("kind").asText().equals("List") && document.path("items").isArray()) {
                    document.path("items").forEach(documents::add);
                } else {
                    documents.add(document);
                }
            }
        } catch (java.io.IOException e) {
            if (e instanceof JsonProcessingException processing) {
                throw new InvalidPlanException(sourceName, List.of(syntaxError(processing)));
            }
            throw new InvalidPlanException(sourceName, List.of(new ValidationError("", e.getMessage())));
        }
        if (documents.isEmpty()) {
            throw new InvalidPlanException(sourceName, List.of(new ValidationError("", "holds no analysis template")));
        }
        List<AnalysisTemplates.Named> templates = new java.util.ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            JsonNode document = documents.get(i);
            if (!document.isObject()) {
                throw new InvalidPlanException(sourceName, List.of(new ValidationError(documents.size() == 1 ? ""
                        : "document " + (i + 1), "must be a YAML or JSON object (a mapping of fields)")));
            }
            String name = document.path("metadata").path("name").asText(null);
            String label = (document.has("kind") ? document.get("kind").asText() + " " : "")
                    + (name == null ? (documents.size() == 1 ? sourceName : "document " + (i + 1)) : "'" + name + "'");
            String source = documents.size() == 1 ? sourceName : sourceName + " (" + label + ")";
            templates.add(new AnalysisTemplates.Named(label, analysis(document, source, documents.size() > 1)));
        }
        return templates;
    }

    /** A template's {@code spec} as read from the cluster (a GenericKubernetesResource's {@code spec}). */
    public static AnalysisSpec analysisFromTree(JsonNode spec, String sourceName) {
        return analysis(spec, sourceName);
    }

    /** An analysis from the maps of a Jenkinsfile ({@code [args: [...], metrics: [...]]}). */
    public static AnalysisSpec analysisFromMap(Map<String, ?> map, String sourceName) {
        return analysis(MAPPER.valueToTree(map), sourceName);
    }

    /**
     * Where built-in metrics come from, from the maps of a Jenkinsfile ({@code [prometheus: [address: '...'],
     * minRequests: 20]}), for a step without a plan of its own ({@code analysisGate}).
     */
    public static MeshMetricsSpec meshMetricsFromMap(Map<String, ?> map, String sourceName) {
        return validated(MAPPER.valueToTree(map), sourceName, MeshMetricsSpec.class, mesh -> {
            List<ValidationError> errors = new java.util.ArrayList<>();
            if (mesh.prometheus() != null && mesh.prometheus().address() != null) {
                String problem = io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation
                        .addressProblem(mesh.prometheus().address());
                if (problem != null) {
                    errors.add(new ValidationError("prometheus.address", problem));
                }
            }
            if (mesh.minRequests() != null && mesh.minRequests() < 0) {
                errors.add(new ValidationError("minRequests", mesh.minRequests() + " is negative; use 0 to turn the"
                        + " traffic guard off, or a number of requests such as 50"));
            }
            return errors;
        });
    }

    /** The plan as YAML, in the form {@link #loadCanary} or {@link #loadBlueGreen} reads back. */
    public static String toYaml(Object planOrSpec) {
        try {
            return MAPPER.writeValueAsString(planOrSpec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AnalysisSpec analysis(JsonNode tree, String sourceName) {
        return analysis(tree, sourceName, false);
    }

    /**
     * @param partOfSeveral the template is merged with others, which may declare the arguments it uses: those are
     *                      checked on the merged analysis
     */
    private static AnalysisSpec analysis(JsonNode tree, String sourceName, boolean partOfSeveral) {
        JsonNode spec = tree;
        String prefix = "";
        if (tree.has("kind")) {
            String kind = tree.get("kind").asText();
            if (!kind.equals("AnalysisTemplate") && !kind.equals("ClusterAnalysisTemplate")
                    && !kind.equals("AnalysisRun")) {
                throw new InvalidPlanException(sourceName, List.of(new ValidationError("kind",
                        "'" + kind + "' is not an analysis; use an Argo Rollouts AnalysisTemplate,"
                                + " ClusterAnalysisTemplate or {args, metrics}")));
            }
            spec = tree.path("spec");
            prefix = "spec";
        }
        String at = prefix;
        return validated(spec, sourceName, AnalysisSpec.class,
                s -> io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation.validate(s, at, false)
                        .stream().filter(e -> !partOfSeveral || !e.message().contains(", which is not declared"))
                        .toList());
    }

    private static JsonNode readTree(String text, String sourceName) {
        if (text == null || text.isBlank()) {
            throw new InvalidPlanException(sourceName, List.of(new ValidationError("", "is empty")));
        }
        try {
            JsonNode tree = MAPPER.readTree(text);
            if (tree == null || !tree.isObject()) {
                throw new InvalidPlanException(sourceName,
                        List.of(new ValidationError("", "must be a YAML or JSON object (a mapping of fields)")));
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new InvalidPlanException(sourceName, List.of(syntaxError(e)));
        }
    }

    private static <T> T validated(JsonNode tree, String sourceName, Class<T> type,
                                   Function<T, List<ValidationError>> validator) {
        T value;
        try {
            value = MAPPER.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new InvalidPlanException(sourceName, List.of(mappingError(e)));
        }
        List<ValidationError> errors = validator.apply(value);
        if (!errors.isEmpty()) {
            throw new InvalidPlanException(sourceName, errors);
        }
        return value;
    }

    private static ValidationError syntaxError(JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        String position = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
        String duplicate = duplicateKey(e);
        if (duplicate != null) {
            return new ValidationError(duplicate, "is given twice" + position + "; a key may appear once in each"
                    + " mapping: delete one of them (the engine never picks one silently)");
        }
        return new ValidationError("", "is not valid YAML or JSON" + position + ": " + e.getOriginalMessage());
    }

    /** The path of a key given twice ({@code target.image}), or null when {@code e} is about something else. */
    private static String duplicateKey(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null || !message.startsWith("Duplicate field '")
                || !(e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser)) {
            return null;
        }
        java.util.Deque<String> names = new java.util.ArrayDeque<>();
        String key = message.substring("Duplicate field '".length(), message.lastIndexOf('\''));
        names.push(key);
        for (com.fasterxml.jackson.core.JsonStreamContext context = parser.getParsingContext().getParent();
             context != null && !context.inRoot(); context = context.getParent()) {
            if (context.inArray()) {
                names.push("[" + Math.max(0, context.getCurrentIndex()) + "]");
            } else if (context.getCurrentName() != null) {
                names.push(context.getCurrentName());
            }
        }
        StringBuilder path = new StringBuilder();
        for (String name : names) {
            if (path.length() > 0 && !name.startsWith("[")) {
                path.append('.');
            }
            path.append(name);
        }
        return path.toString();
    }

    static ValidationError mappingError(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return syntaxError(e);
        }
        String path = path(mapping.getPath());
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new ValidationError(path, "unknown field; known fields here are "
                    + names(unknown.getKnownPropertyIds()) + " (check the spelling)");
        }
        if (e instanceof JsonParseException) {
            return syntaxError(e);
        }
        String message = mapping.getOriginalMessage();
        if (!(e instanceof InvalidFormatException) || message.startsWith("Cannot")) {
            message = "has the wrong type (" + firstLine(message) + ")";
        }
        return new ValidationError(path, message);
    }

    private static String names(Collection<Object> ids) {
        TreeSet<String> sorted = new TreeSet<>();
        ids.forEach(id -> sorted.add(String.valueOf(id)));
        return String.join(", ", sorted);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** {@code steps[3].setWeight}, as a user would point at the field. */
    static String path(List<JsonMappingException.Reference> references) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            }
        }
        return out.toString();
    }
}
