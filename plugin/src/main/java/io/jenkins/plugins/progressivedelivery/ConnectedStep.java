package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialChoices;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * How a step reaches the cluster and Prometheus, declared once for {@code canaryRollout}, {@code blueGreenSwitch},
 * {@code deliveryDoctor} and {@code analysisGate}: {@code credentialsId}, {@code serverUrl}, {@code caCertificate},
 * {@code context}, {@code prometheusCredentialsId} and {@code prometheus}, written flat in the Jenkinsfile as
 * always. Pipeline's data binding (structs), the Snippet Generator and Stapler's help lookup walk the superclasses,
 * so the setters here bind as if each step declared them. What is not given falls back to Manage Jenkins » System
 * ({@link Connection#of}).
 */
public abstract class ConnectedStep extends Step {
    private String credentialsId;
    private String serverUrl;
    private String caCertificate;
    private String context;
    private String prometheusCredentialsId;
    private String prometheus;

    /** How to reach the cluster and Prometheus: the step's parameters, else what Manage Jenkins » System says. */
    final Connection connection() throws AbortException {
        return Connection.of(credentialsId, serverUrl, caCertificate, context, prometheusCredentialsId, prometheus);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = credentialsId;
    }

    public String getServerUrl() {
        return serverUrl;
    }

    @DataBoundSetter
    public void setServerUrl(String serverUrl) {
        this.serverUrl = serverUrl;
    }

    public String getCaCertificate() {
        return caCertificate;
    }

    @DataBoundSetter
    public void setCaCertificate(String caCertificate) {
        this.caCertificate = caCertificate;
    }

    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = context;
    }

    public String getPrometheusCredentialsId() {
        return prometheusCredentialsId;
    }

    @DataBoundSetter
    public void setPrometheusCredentialsId(String prometheusCredentialsId) {
        this.prometheusCredentialsId = prometheusCredentialsId;
    }

    public String getPrometheus() {
        return prometheus;
    }

    /** The name of a Prometheus server configured in Manage Jenkins » System (its URL, credential and headers). */
    @DataBoundSetter
    public void setPrometheus(String prometheus) {
        this.prometheus = prometheus;
    }

    /** The descriptors' share: the context every connected step needs and the two credential drop-downs. */
    public abstract static class ConnectedDescriptor extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return CredentialChoices.kubernetes(item, credentialsId);
        }

        @POST
        public ListBoxModel doFillPrometheusCredentialsIdItems(@AncestorInPath Item item,
                                                               @QueryParameter String prometheusCredentialsId) {
            return CredentialChoices.prometheus(item, prometheusCredentialsId);
        }
    }
}
