package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import static io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.asList;
import static io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.asMap;
import static io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.string;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.kube.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stable and canary subsets of a DestinationRule: pure functions that read them and point their label selectors
 * at pods, leaving every other field (traffic policies, other subsets) as it was.
 */
public final class DestinationRuleSubsets {
    private DestinationRuleSubsets() {
    }

    /** {@code spec.host}, or null. */
    static String host(GenericKubernetesResource destinationRule) {
        return string(spec(destinationRule).get("host"));
    }

    static List<String> subsetNames(GenericKubernetesResource destinationRule) {
        List<String> names = new ArrayList<>();
        for (Object subset : subsets(destinationRule)) {
            names.add(string(asMap(subset).get("name")));
        }
        return names;
    }

    /** The labels of subset {@code name}, or null when there is no such subset. */
    static Map<String, String> labels(GenericKubernetesResource destinationRule, String name) {
        for (Object subset : subsets(destinationRule)) {
            Map<String, Object> map = asMap(subset);
            if (name.equals(string(map.get("name")))) {
                Map<String, String> labels = new LinkedHashMap<>();
                asMap(map.get("labels")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
                return labels;
            }
        }
        return null;
    }

    /**
     * A copy with the {@code labels} of the named subsets replaced.
     *
     * @throws RouteProblem when a subset is missing
     */
    static GenericKubernetesResource withLabels(GenericKubernetesResource destinationRule,
                                                Map<String, Map<String, String>> labelsBySubset) {
        GenericKubernetesResource copy = Serialization.clone(destinationRule);
        for (Map.Entry<String, Map<String, String>> entry : labelsBySubset.entrySet()) {
            Map<String, Object> subset = null;
            for (Object candidate : subsets(copy)) {
                if (entry.getKey().equals(string(asMap(candidate).get("name")))) {
                    subset = asMap(candidate);
                }
            }
            if (subset == null) {
                throw new RouteProblem("traffic.istio.destinationRule", "destinationrule "
                        + copy.getMetadata().getName() + " has no subset " + entry.getKey() + "; add it to"
                        + " spec.subsets (its labels are maintained by the engine)");
            }
            subset.put("labels", new LinkedHashMap<String, Object>(entry.getValue()));
        }
        return copy;
    }

    /** {@code stable {app=web, track=stable}, canary {app=web, track=canary}} for the named subsets. */
    static String describe(GenericKubernetesResource destinationRule, String stableSubset, String canarySubset) {
        return stableSubset + " " + Labels.format(labels(destinationRule, stableSubset)) + ", " + canarySubset + " "
                + Labels.format(labels(destinationRule, canarySubset));
    }

    private static Map<String, Object> spec(GenericKubernetesResource destinationRule) {
        return asMap(destinationRule.getAdditionalProperties().get("spec"));
    }

    private static List<Object> subsets(GenericKubernetesResource destinationRule) {
        Object subsets = spec(destinationRule).get("subsets");
        return subsets instanceof List<?> ? asList(subsets) : List.of();
    }
}
