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
 * {@code setMirrorRoute(name: 'shadow', percentage: 20)} / {@code [setMirrorRoute: [name: 'shadow', percentage: 20]]}:
 * copies a percentage of the matching requests to the canary, whose responses are discarded; a percentage of 0
 * removes the route, as in Argo Rollouts.
 */
public final class SetMirrorRouteStep extends CanaryPlanStep {
    private final String name;
    private Integer percentage;
    private List<RouteMatch> match;

    @DataBoundConstructor
    public SetMirrorRouteStep(String name) {
        this.name = name == null || name.isBlank() ? null : name.trim();
    }

    public String getName() {
        return name;
    }

    public Integer getPercentage() {
        return percentage;
    }

    @DataBoundSetter
    public void setPercentage(Integer percentage) {
        this.percentage = percentage;
    }

    public List<RouteMatch> getMatch() {
        return match;
    }

    @DataBoundSetter
    public void setMatch(List<RouteMatch> match) {
        this.match = Literals.copy(match);
    }

    @Override
    public Map<String, Object> toPlan() {
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("name", name);
        Literals.put(route, "percentage", percentage);
        Literals.put(route, "match", Literals.plans(match, RouteMatch::toPlan));
        return Map.of("setMirrorRoute", route);
    }

    @Extension
    @Symbol("setMirrorRoute")
    public static final class DescriptorImpl extends CanaryPlanStepDescriptor implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Mirror a share of the requests to the canary";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(SetMirrorRouteStep.class, arguments);
        }
    }
}
