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
 * A hook's HTTP POST of the rollout's event as JSON; any answer but 2xx blocks, as Flagger's webhooks:
 * {@code webhook(url: 'https://qa.example.com/gate', credentialsId: 'qa-token')}.
 */
public final class Webhook extends AbstractDescribableImpl<Webhook> {
    private final String url;
    private String timeout;
    private List<HttpHeader> headers;
    private String credentialsId;

    @DataBoundConstructor
    public Webhook(String url) {
        this.url = url == null || url.isBlank() ? null : url.trim();
    }

    public String getUrl() {
        return url;
    }

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public List<HttpHeader> getHeaders() {
        return headers;
    }

    @DataBoundSetter
    public void setHeaders(List<HttpHeader> headers) {
        this.headers = Literals.copy(headers);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = credentialsId;
    }

    public Map<String, Object> toPlan() {
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put("url", url);
        Literals.put(webhook, "timeout", timeout);
        Literals.put(webhook, "headers", Literals.plans(headers, HttpHeader::toPlan));
        Literals.put(webhook, "credentialsId", credentialsId);
        return webhook;
    }

    @Extension
    @Symbol("webhook")
    public static final class DescriptorImpl extends Descriptor<Webhook> implements CustomDescribableModel {
        @Override
        public String getDisplayName() {
            return "Webhook";
        }

        @Override
        public Map<String, Object> customInstantiate(Map<String, Object> arguments) {
            return Literals.pairs(Literals.checked(Webhook.class, arguments), "headers", "key", "value");
        }
    }
}
