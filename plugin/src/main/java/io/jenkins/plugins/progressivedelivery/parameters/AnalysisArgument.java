package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * An analysis argument: {@code arg(name: 'service', value: 'web')}. In an analysis's {@code args} it declares
 * {@code {{args.service}}}, the value being a default; in a step's {@code analysisArgs} (or {@code analysisGate}'s
 * {@code args}) it gives the value, and the map {@code [service: 'web']} binds as a list of these.
 */
public final class AnalysisArgument extends AbstractDescribableImpl<AnalysisArgument> {
    private final String name;
    private String value;

    @DataBoundConstructor
    public AnalysisArgument(String name) {
        this.name = name == null ? null : name.trim();
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }

    @DataBoundSetter
    public void setValue(String value) {
        this.value = value;
    }

    /** {@code {name, value}}, as an AnalysisTemplate declares its args. */
    public Map<String, Object> toPlan() {
        Map<String, Object> arg = new LinkedHashMap<>();
        arg.put("name", name);
        if (value != null) {
            arg.put("value", value);
        }
        return arg;
    }

    /** Values by name, as the engine resolves {@code {{args.name}}}; a later duplicate wins, as in a Groovy map. */
    public static Map<String, String> values(List<AnalysisArgument> args) {
        Map<String, String> values = new LinkedHashMap<>();
        if (args != null) {
            for (AnalysisArgument arg : args) {
                if (arg != null && arg.name != null) {
                    values.put(arg.name, arg.value);
                }
            }
        }
        return values;
    }

    @Extension
    @Symbol("arg")
    public static final class DescriptorImpl extends Descriptor<AnalysisArgument> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Analysis argument";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(AnalysisArgument.class, arguments);
        }
    }
}
