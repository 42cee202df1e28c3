package io.jenkins.plugins.progressivedelivery.config;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialChoices;
import io.jenkins.plugins.progressivedelivery.parameters.HttpHeader;
import io.jenkins.plugins.progressivedelivery.parameters.Literals;
import java.net.URI;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A Prometheus server configured once (Manage Jenkins » System » Progressive Delivery) and named by steps
 * ({@code prometheus: 'prod'}): its URL fills in the {@code address} of every Prometheus metric that has none, its
 * credential is the step's unless the step gives {@code prometheusCredentialsId}, its timeout and headers apply to
 * every query that sets none.
 */
public final class PrometheusServer extends AbstractDescribableImpl<PrometheusServer> {
    private final String name;
    private final String url;
    private String credentialsId;
    private String caCertificate;
    private String timeout;
    private List<HttpHeader> headers;

    @DataBoundConstructor
    public PrometheusServer(String name, String url) {
        this.name = name == null ? null : name.trim();
        this.url = url == null ? null : url.trim();
    }

    public String getName() {
        return name;
    }

    public String getUrl() {
        return url;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = blankToNull(credentialsId);
    }

    public String getCaCertificate() {
        return caCertificate;
    }

    @DataBoundSetter
    public void setCaCertificate(String caCertificate) {
        this.caCertificate = blankToNull(caCertificate);
    }

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = blankToNull(timeout);
    }

    public List<HttpHeader> getHeaders() {
        return headers;
    }

    @DataBoundSetter
    public void setHeaders(List<HttpHeader> headers) {
        this.headers = Literals.copy(headers);
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Extension
    @Symbol("prometheusServer")
    public static final class DescriptorImpl extends Descriptor<PrometheusServer> {
        @Override
        public String getDisplayName() {
            return "Prometheus server";
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            Permissions.checkAdminister();
            return Checks.name(value);
        }

        @POST
        public FormValidation doCheckUrl(@QueryParameter String value) {
            Permissions.checkAdminister();
            return Checks.url(value);
        }

        @POST
        public FormValidation doCheckTimeout(@QueryParameter String value) {
            Permissions.checkAdminister();
            return Checks.duration(value);
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            Permissions.checkAdminister();
            return CredentialChoices.prometheus(null, credentialsId);
        }

        /** Asks the server whether it answers, from the controller, with the credential and CA given in the form. */
        @POST
        public FormValidation doTestConnection(@QueryParameter String url, @QueryParameter String credentialsId,
                                               @QueryParameter String caCertificate) {
            Permissions.checkAdminister();
            FormValidation invalid = Checks.url(url);
            if (invalid.kind != FormValidation.Kind.OK) {
                return invalid;
            }
            return ConnectionTest.prometheus(URI.create(url.trim()).toString(), credentialsId, caCertificate);
        }
    }
}
