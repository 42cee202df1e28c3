package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One side of a comparison without a rollout ({@code analysisGate}'s judge): a workload in a namespace, or label
 * matchers of the request metric's series, or both (the labels narrow the workload's series).
 *
 * @param workload  Istio's {@code destination_workload} (the Deployment's name), or the request metric's
 *                  {@code workloadLabel} value
 * @param namespace Istio's {@code destination_workload_namespace}; required with {@code workload} for Istio's metrics
 * @param labels    further label matchers, exact values ({@code version: v2})
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LabelSetSpec(String workload, String namespace, Map<String, String> labels) implements Serializable {
    private static final long serialVersionUID = 1L;

    public LabelSetSpec {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** {@code checkout (prod)}, {@code {version="v2"}} or both, for the log. */
    public String describe() {
        String matchers = labels.isEmpty() ? "" : new TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue() + "\"").collect(Collectors.joining(",", "{", "}"));
        if (workload == null || workload.isBlank()) {
            return matchers;
        }
        return workload + (namespace == null || namespace.isBlank() ? "" : " (" + namespace + ")")
                + (matchers.isEmpty() ? "" : " " + matchers);
    }
}
