package io.jenkins.plugins.progressivedelivery;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import hudson.AbortException;
import hudson.FilePath;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plan of a rollout step as nested maps, for the engine's plan loader to validate as a whole: the YAML of
 * {@code planFile} from the workspace, if given, with the step's own parameters laid over it.
 */
final class PlanParameters {
    private PlanParameters() {
    }

    /**
     * The plan file's top-level mapping, or an empty map without a plan file.
     *
     * @param step     the step's function name, for messages
     * @param topLevel what the file holds at the top level, for the message when it is not a mapping
     */
    static Map<String, Object> read(FilePath workspace, String planFile, String step, String topLevel)
            throws IOException, InterruptedException {
        Map<String, Object> plan = new LinkedHashMap<>();
        if (planFile == null || planFile.isBlank()) {
            return plan;
        }
        if (workspace == null) {
            throw new AbortException("planFile: needs a workspace; call " + step + " inside node { } (or pass the"
                    + " plan's parameters to the step)");
        }
        FilePath file = workspace.child(planFile);
        if (!file.exists()) {
            throw new AbortException("planFile: " + planFile + " does not exist in the workspace "
                    + workspace.getRemote() + "; check the path (relative to the workspace) or check it out first");
        }
        plan.putAll(yamlMap(file.readToString(), planFile, topLevel));
        return plan;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yamlMap(String text, String name, String topLevel) throws AbortException {
        Object parsed;
        try {
            parsed = new YAMLMapper().readValue(text, Object.class);
        } catch (IOException e) {
            throw new AbortException((name.contains(": ") ? name : "planFile: " + name) + " is not valid YAML: "
                    + e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            throw new AbortException((name.contains(": ") ? name : "planFile: " + name)
                    + " is not a YAML mapping; write " + topLevel
                    + " at the top level");
        }
        return (Map<String, Object>) parsed;
    }

    /** The mapping under {@code key}, copied so that the file's own stays as read; created when absent. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> section(Map<String, Object> parent, String key) {
        Object existing = parent.get(key);
        Map<String, Object> copy = existing instanceof Map
                ? new LinkedHashMap<>((Map<String, Object>) existing) : new LinkedHashMap<>();
        parent.put(key, copy);
        return copy;
    }

    /** Sets a parameter the step was given; one it was not given (null or blank) leaves the file's value. */
    static void put(Map<String, Object> map, String key, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            map.put(key, value);
        }
    }

    /** An analysis template file's mapping (an AnalysisTemplate, or its {@code {args, metrics}} spec). */
    static Map<String, Object> analysisMap(String text, String name) throws AbortException {
        return yamlMap(text, "templateFile: " + name, "an AnalysisTemplate or args: and metrics:");
    }

    /**
     * Whether an analysis template file holds several templates (YAML documents, or a {@code kind: List} as
     * {@code kubectl get -o yaml} writes): those are merged into one analysis, as Argo merges a run's templates.
     */
    static boolean severalTemplates(String text) {
        int documents = 0;
        try (com.fasterxml.jackson.databind.MappingIterator<Object> iterator = new YAMLMapper().readerFor(Object.class)
                .readValues(text)) {
            while (iterator.hasNextValue()) {
                Object document = iterator.nextValue();
                if (document instanceof Map<?, ?> map && !map.isEmpty()) {
                    documents += "List".equals(map.get("kind")) ? 2 : 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false; // analysisMap says what is wrong with it
        }
        return documents > 1;
    }
}
