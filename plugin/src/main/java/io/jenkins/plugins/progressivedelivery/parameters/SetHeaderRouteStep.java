package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code setHeaderRoute(name: 'testers', match: [headerMatch(...)])} /
 * {@code [setHeaderRoute: [name: 'testers', match: [[headerName: 'X-Canary', headerValue: [exact: 'always']]]]]}: a route
 * the engine adds before the weighted one sends every request whose headers match to the canary; without {@code match}
 * the route is removed, as in Argo Rollouts.
 */
public final class SetHeaderRouteStep extends CanaryPlanStep {
    private final String name;
    private List<HeaderMatch> match;

    @DataBoundConstructor
    public SetHeaderRouteStep(String name) {
        this.name = name == null || name.isBlank() ? null : name.trim();
    }

    public String getName() {
        return name;
    }

    public List<HeaderMatch> getMatch() {
        return match;
    }

    @DataBoundSetter
    public void setMatch(List<HeaderMatch> match) {
        this.match = Literals.copy(match);
    }

    @Override
    public Map<String, Object> toPlan() {
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("name", name);
        Literals.put(route, "match", Literals.plans(match, HeaderMatch::toPlan));
        return Map.of("setHeaderRoute", route);
    }

    @Extension
    @Symbol("setHeaderRoute")
    public static final class DescriptorImpl extends CanaryPlanStepDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Send requests with matching headers to the canary";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(SetHeaderRouteStep.class, arguments);
        }
    }
}
