package io.jenkins.plugins.progressivedelivery.config;

import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialChoices;
import io.jenkins.plugins.progressivedelivery.parameters.Literals;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * Manage Jenkins » System » Progressive Delivery: named Prometheus servers, the cluster credential steps use when
 * they name none, and named analysis templates. Every field is a {@code @DataBoundSetter}, so configuration-as-code
 * sets it with no extra code:
 * <pre>
 * unclassified:
 *   progressiveDelivery:
 *     prometheusServers:
 *       - name: prod
 *         url: https://prometheus.example.com
 *         credentialsId: prometheus-token
 *     clusterCredentialsId: deployer-kubeconfig
 * </pre>
 */
@Extension
@Symbol("progressiveDelivery")
public class ProgressiveDeliveryConfiguration extends GlobalConfiguration {
    private List<PrometheusServer> prometheusServers = new ArrayList<>();
    private String clusterCredentialsId;
    private String clusterServerUrl;
    private String clusterCaCertificate;
    private List<AnalysisTemplate> analysisTemplates = new ArrayList<>();

    public ProgressiveDeliveryConfiguration() {
        load();
    }

    /** Jenkins' own; a seam for tests, which run steps without a Jenkins but with a System page filled in. */
    static Supplier<ProgressiveDeliveryConfiguration> current = () -> Jenkins.getInstanceOrNull() == null ? null
            : ExtensionList.lookupSingleton(ProgressiveDeliveryConfiguration.class);

    /** The configuration, or null outside Jenkins (a unit test, the CLI): then steps use their own parameters only. */
    public static ProgressiveDeliveryConfiguration getOrNull() {
        return current.get();
    }

    @Override
    public String getDisplayName() {
        return "Progressive Delivery";
    }

    /** A form that leaves a list empty sends no key for it: start from nothing, so a deleted last entry goes. */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        prometheusServers = new ArrayList<>();
        analysisTemplates = new ArrayList<>();
        clusterCredentialsId = null;
        clusterServerUrl = null;
        clusterCaCertificate = null;
        req.bindJSON(this, json);
        save();
        return true;
    }

    // ---- lookups for the steps ---------------------------------------------------------------------------------------

    /**
     * The server a step named, or the first one configured when it named none (null when none is configured).
     *
     * @throws AbortException naming the parameter and the servers there are, when the name is unknown
     */
    public PrometheusServer prometheusServer(String name) throws AbortException {
        String wanted = PrometheusServer.blankToNull(name);
        if (wanted == null) {
            return prometheusServers.isEmpty() ? null : prometheusServers.get(0);
        }
        for (PrometheusServer server : prometheusServers) {
            if (wanted.equals(server.getName())) {
                return server;
            }
        }
        throw new AbortException("prometheus: no Prometheus server named '" + wanted + "' is configured in Manage"
                + " Jenkins » System » Progressive Delivery" + (prometheusServers.isEmpty() ? " (none is)"
                : "; configured: " + prometheusServers.stream().map(PrometheusServer::getName)
                        .collect(Collectors.joining(", "))));
    }

    /** @throws AbortException naming the parameter and the templates there are, when the name is unknown */
    public AnalysisTemplate analysisTemplate(String name) throws AbortException {
        for (AnalysisTemplate template : analysisTemplates) {
            if (template.getName() != null && template.getName().equals(name)) {
                return template;
            }
        }
        throw new AbortException("template: no analysis template named '" + name + "' is configured in Manage"
                + " Jenkins » System » Progressive Delivery" + (analysisTemplates.isEmpty() ? " (none is)"
                : "; configured: " + analysisTemplates.stream().map(AnalysisTemplate::getName)
                        .collect(Collectors.joining(", "))));
    }

    // ---- fields (each setter saves, as configuration-as-code and scripts expect) -------------------------------------

    public List<PrometheusServer> getPrometheusServers() {
        return prometheusServers;
    }

    @DataBoundSetter
    public void setPrometheusServers(List<PrometheusServer> prometheusServers) {
        this.prometheusServers = prometheusServers == null ? new ArrayList<>()
                : new ArrayList<>(Literals.copy(prometheusServers));
        save();
    }

    public String getClusterCredentialsId() {
        return clusterCredentialsId;
    }

    @DataBoundSetter
    public void setClusterCredentialsId(String clusterCredentialsId) {
        this.clusterCredentialsId = PrometheusServer.blankToNull(clusterCredentialsId);
        save();
    }

    public String getClusterServerUrl() {
        return clusterServerUrl;
    }

    @DataBoundSetter
    public void setClusterServerUrl(String clusterServerUrl) {
        this.clusterServerUrl = PrometheusServer.blankToNull(clusterServerUrl);
        save();
    }

    public String getClusterCaCertificate() {
        return clusterCaCertificate;
    }

    @DataBoundSetter
    public void setClusterCaCertificate(String clusterCaCertificate) {
        this.clusterCaCertificate = PrometheusServer.blankToNull(clusterCaCertificate);
        save();
    }

    public List<AnalysisTemplate> getAnalysisTemplates() {
        return analysisTemplates;
    }

    @DataBoundSetter
    public void setAnalysisTemplates(List<AnalysisTemplate> analysisTemplates) {
        this.analysisTemplates = analysisTemplates == null ? new ArrayList<>()
                : new ArrayList<>(Literals.copy(analysisTemplates));
        save();
    }

    // ---- form --------------------------------------------------------------------------------------------------------

    @POST
    public ListBoxModel doFillClusterCredentialsIdItems(@AncestorInPath Item item,
                                                        @QueryParameter String clusterCredentialsId) {
        Permissions.checkAdminister();
        return CredentialChoices.kubernetes(null, clusterCredentialsId);
    }

    @POST
    public FormValidation doCheckClusterServerUrl(@QueryParameter String value) {
        Permissions.checkAdminister();
        return value == null || value.isBlank() ? FormValidation.ok() : Checks.url(value);
    }
}
