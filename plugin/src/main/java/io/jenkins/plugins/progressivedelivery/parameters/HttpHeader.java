package io.jenkins.plugins.progressivedelivery.parameters;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.kohsuke.stapler.DataBoundConstructor;

/** An HTTP header sent with each query: {@code header(key: 'X-Scope-OrgID', value: 'team-a')}. Not for secrets. */
public final class HttpHeader extends AbstractDescribableImpl<HttpHeader> {
    private final String key;
    private final String value;

    @DataBoundConstructor
    public HttpHeader(String key, String value) {
        this.key = key == null ? null : key.trim();
        this.value = value;
    }

    public String getKey() {
        return key;
    }

    public String getValue() {
        return value;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("key", key);
        header.put("value", value);
        return header;
    }

    @Extension
    @Symbol("header")
    public static final class DescriptorImpl extends Descriptor<HttpHeader> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "HTTP header";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.checked(HttpHeader.class, arguments);
        }
    }
}
