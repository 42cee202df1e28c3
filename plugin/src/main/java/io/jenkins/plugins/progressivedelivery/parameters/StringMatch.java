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
 * How a header, path or method matches: exactly one of {@code exact}, {@code prefix} or {@code regex} (RE2, as Envoy
 * and nginx read it): {@code [exact: 'always']}.
 */
public final class StringMatch extends AbstractDescribableImpl<StringMatch> {
    private String exact;
    private String prefix;
    private String regex;

    @DataBoundConstructor
    public StringMatch() {
    }

    public String getExact() {
        return exact;
    }

    @DataBoundSetter
    public void setExact(String exact) {
        this.exact = exact;
    }

    public String getPrefix() {
        return prefix;
    }

    @DataBoundSetter
    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public String getRegex() {
        return regex;
    }

    @DataBoundSetter
    public void setRegex(String regex) {
        this.regex = regex;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> match = new LinkedHashMap<>();
        Literals.put(match, "exact", exact);
        Literals.put(match, "prefix", prefix);
        Literals.put(match, "regex", regex);
        return match;
    }

    @Extension
    @Symbol("stringMatch")
    public static final class DescriptorImpl extends Descriptor<StringMatch> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "String match";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(StringMatch.class, arguments);
        }
    }
}
