package io.jenkins.plugins.progressivedelivery.engine.traffic;

import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the routers that add managed routes ({@code setHeaderRoute}, {@code setMirrorRoute}: Istio, Gateway API) share
 * in their drift check: which managed routes the plan's route steps leave, for a router that has no record of its own
 * writes (after a restart), and the comparison of the managed routes it expects with the ones the route has.
 */
public final class ManagedRouteDrift {
    private ManagedRouteDrift() {
    }

    /**
     * The step each managed route comes from, by name, in the order the steps first added them: a later step of the
     * same name replaces the route (the last step is the one that made it), a removing step removes it.
     */
    public static Map<String, PlanStep> lastStepByName(List<PlanStep> routeSteps) {
        Map<String, PlanStep> steps = new LinkedHashMap<>();
        for (PlanStep step : routeSteps) {
            if (step instanceof PlanStep.SetHeaderRoute header) {
                put(steps, header.name(), header.removes() ? null : step);
            } else if (step instanceof PlanStep.SetMirrorRoute mirror) {
                put(steps, mirror.name(), mirror.removes() ? null : step);
            }
        }
        return steps;
    }

    private static void put(Map<String, PlanStep> steps, String name, PlanStep step) {
        steps.remove(name);
        if (step != null) {
            steps.put(name, step);
        }
    }

    /**
     * {@code managed rule testers was edited, not by the engine}, for each managed route that differs between
     * {@code expected} and {@code now} (a comparable form of each route, by name).
     *
     * @param noun {@code managed rule} or {@code managed route}, as the router's API calls them
     */
    public static List<String> changes(String noun, Map<String, String> expected, Map<String, String> now) {
        Set<String> names = new LinkedHashSet<>(expected.keySet());
        names.addAll(now.keySet());
        List<String> changes = new ArrayList<>();
        for (String name : names) {
            String before = expected.get(name);
            String after = now.get(name);
            if (!Objects.equals(before, after)) {
                changes.add(noun + " " + name + (before == null ? " was added"
                        : after == null ? " was removed" : " was edited") + ", not by the engine");
            }
        }
        return changes;
    }
}
