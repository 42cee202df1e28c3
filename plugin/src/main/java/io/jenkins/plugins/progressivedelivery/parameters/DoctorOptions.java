package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The {@code doctor} of a rollout step, the plan's {@code doctor}: how the preflight doctor judges the workloads
 * before anything is written: {@code [required: 'prestop-hook, readiness-probe', skip: 'hpa']}. The check lists are
 * comma-separated text, as {@code deliveryDoctor}'s; a Groovy list binds too.
 */
public final class DoctorOptions extends AbstractDescribableImpl<DoctorOptions> {
    private String required;
    private String skip;
    private Integer endpointPropagationSeconds;
    private Integer longestRequestSeconds;
    private Integer slowStartSeconds;
    private TrafficVolume traffic;

    @DataBoundConstructor
    public DoctorOptions() {
    }

    public String getRequired() {
        return required;
    }

    @DataBoundSetter
    public void setRequired(String required) {
        this.required = required;
    }

    public String getSkip() {
        return skip;
    }

    @DataBoundSetter
    public void setSkip(String skip) {
        this.skip = skip;
    }

    public Integer getEndpointPropagationSeconds() {
        return endpointPropagationSeconds;
    }

    @DataBoundSetter
    public void setEndpointPropagationSeconds(Integer endpointPropagationSeconds) {
        this.endpointPropagationSeconds = endpointPropagationSeconds;
    }

    public Integer getLongestRequestSeconds() {
        return longestRequestSeconds;
    }

    @DataBoundSetter
    public void setLongestRequestSeconds(Integer longestRequestSeconds) {
        this.longestRequestSeconds = longestRequestSeconds;
    }

    public Integer getSlowStartSeconds() {
        return slowStartSeconds;
    }

    @DataBoundSetter
    public void setSlowStartSeconds(Integer slowStartSeconds) {
        this.slowStartSeconds = slowStartSeconds;
    }

    public TrafficVolume getTraffic() {
        return traffic;
    }

    @DataBoundSetter
    public void setTraffic(TrafficVolume traffic) {
        this.traffic = traffic;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> doctor = new LinkedHashMap<>();
        Literals.put(doctor, "required", Literals.items(required));
        Literals.put(doctor, "skip", Literals.items(skip));
        Literals.put(doctor, "endpointPropagationSeconds", endpointPropagationSeconds);
        Literals.put(doctor, "longestRequestSeconds", longestRequestSeconds);
        Literals.put(doctor, "slowStartSeconds", slowStartSeconds);
        Literals.put(doctor, "traffic", traffic == null ? null : traffic.toPlan());
        return doctor;
    }

    @Extension
    @Symbol("doctorOptions")
    public static final class DescriptorImpl extends Descriptor<DoctorOptions> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Preflight doctor options";
        }

        /** {@code required: ['prestop-hook', 'hpa']} as the comma-separated text. */
        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.commaSeparated(Literals.commaSeparated(Literals.checked(DoctorOptions.class, arguments), "required"), "skip");
        }
    }
}
