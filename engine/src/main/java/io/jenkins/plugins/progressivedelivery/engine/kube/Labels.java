package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Label selector semantics, as the API server applies them, for checking which pods a selector would pick. */
public final class Labels {
    private Labels() {
    }

    /**
     * Whether a Deployment-style selector selects pods labelled {@code labels}. An empty selector selects
     * everything; a null one selects nothing.
     */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (!matchesAll(selector.getMatchLabels(), labels)) {
            return false;
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
        if (expressions != null) {
            for (LabelSelectorRequirement requirement : expressions) {
                if (!matches(requirement, labels)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether a Service's {@code spec.selector} selects pods labelled {@code labels}; no selector selects none. */
    public static boolean serviceSelects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && matchesAll(selector, labels);
    }

    /**
     * Whether a DestinationRule subset's {@code labels} select pods labelled {@code labels}; no labels select every
     * pod of the host.
     */
    public static boolean subsetSelects(Map<String, String> subsetLabels, Map<String, String> labels) {
        return matchesAll(subsetLabels, labels);
    }

    private static boolean matchesAll(Map<String, String> required, Map<String, String> labels) {
        if (required == null) {
            return true;
        }
        for (Map.Entry<String, String> entry : required.entrySet()) {
            if (!entry.getValue().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false;
        };
    }

    /** {@code {app=web, track=canary}}, keys sorted, for messages. */
    public static String format(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "{}";
        }
        return new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** A selector for messages: {@code {app=web} and track NotIn (canary)}. */
    public static String format(LabelSelector selector) {
        if (selector == null) {
            return "<none>";
        }
        StringBuilder out = new StringBuilder(format(selector.getMatchLabels()));
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                out.append(" and ").append(r.getKey()).append(' ').append(r.getOperator());
                if (r.getValues() != null && !r.getValues().isEmpty()) {
                    out.append(" (").append(String.join(", ", r.getValues())).append(')');
                }
            }
        }
        return out.toString();
    }
}
