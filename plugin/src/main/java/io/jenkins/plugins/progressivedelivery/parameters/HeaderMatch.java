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
 * One header condition: {@code headerMatch(headerName: 'X-Canary', headerValue: stringMatch(exact: 'always'))}, or
 * {@code [headerName: 'X-Canary', headerValue: [exact: 'always']]}.
 */
public final class HeaderMatch extends AbstractDescribableImpl<HeaderMatch> {
    private final String headerName;
    private StringMatch headerValue;

    @DataBoundConstructor
    public HeaderMatch(String headerName) {
        this.headerName = headerName == null || headerName.isBlank() ? null : headerName.trim();
    }

    public String getHeaderName() {
        return headerName;
    }

    public StringMatch getHeaderValue() {
        return headerValue;
    }

    @DataBoundSetter
    public void setHeaderValue(StringMatch headerValue) {
        this.headerValue = headerValue;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("headerName", headerName);
        Literals.put(match, "headerValue", headerValue == null ? null : headerValue.toPlan());
        return match;
    }

    @Extension
    @Symbol("headerMatch")
    public static final class DescriptorImpl extends Descriptor<HeaderMatch> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Header match";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(HeaderMatch.class, arguments);
        }
    }
}
