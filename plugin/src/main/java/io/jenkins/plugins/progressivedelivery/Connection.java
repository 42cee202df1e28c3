package io.jenkins.plugins.progressivedelivery;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Run;
import io.jenkins.plugins.progressivedelivery.config.PlanDefaults;
import io.jenkins.plugins.progressivedelivery.config.ProgressiveDeliveryConfiguration;
import io.jenkins.plugins.progressivedelivery.config.PrometheusServer;
import io.jenkins.plugins.progressivedelivery.credentials.ClusterCredentials;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialLookup;
import io.jenkins.plugins.progressivedelivery.credentials.PrometheusCredentials;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusDefaults;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.PrometheusAccess;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.io.Serializable;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * How a rollout step reaches the cluster and Prometheus, as far as it must be known again after a restart: credential
 * ids and addresses, never a secret. A plain class, not a record: Pipeline writes the program state with JBoss
 * Marshalling, which predates records.
 */
final class Connection implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String credentialsId;
    private final String serverUrl;
    private final String caCertificate;
    private final String context;
    private final String prometheusCredentialsId;
    /** The configured Prometheus server's CA certificate (PEM, public): trusted by the build's queries. */
    private String prometheusCaCertificate;
    /**
     * The configured Prometheus server's URL, timeout and headers, for the metrics of templates read from the cluster
     * (the plan's got them from PlanDefaults). Only the first start reads templates: not kept in the program state.
     */
    private transient PrometheusDefaults prometheusDefaults;
    /** The configured default cluster, used when the step names none and the build has no KUBECONFIG. */
    private String defaultCredentialsId;
    private String defaultServerUrl;
    private String defaultCaCertificate;

    Connection(String credentialsId, String serverUrl, String caCertificate, String context,
               String prometheusCredentialsId) {
        this.credentialsId = credentialsId;
        this.serverUrl = serverUrl;
        this.caCertificate = caCertificate;
        this.context = context;
        this.prometheusCredentialsId = prometheusCredentialsId;
    }

    /**
     * The step's parameters over Manage Jenkins » System: the named (or first) Prometheus server's credential unless
     * the step gives {@code prometheusCredentialsId}, and the default cluster credential as a fallback.
     */
    static Connection of(String credentialsId, String serverUrl, String caCertificate, String context,
                         String prometheusCredentialsId, String prometheus) throws AbortException {
        return of(ProgressiveDeliveryConfiguration.getOrNull(), credentialsId, serverUrl, caCertificate, context,
                prometheusCredentialsId, prometheus);
    }

    static Connection of(ProgressiveDeliveryConfiguration config, String credentialsId, String serverUrl,
                         String caCertificate, String context, String prometheusCredentialsId, String prometheus)
            throws AbortException {
        String prometheusCredential = prometheusCredentialsId;
        PrometheusServer server = config == null ? null : config.prometheusServer(prometheus);
        if (config != null && isBlank(prometheusCredentialsId)) {
            prometheusCredential = server == null ? null : server.getCredentialsId();
        } else if (config == null && !isBlank(prometheus)) {
            throw new AbortException("prometheus: '" + prometheus + "' names a configured server, but there is no"
                    + " Jenkins configuration here");
        }
        Connection connection = new Connection(credentialsId, serverUrl, caCertificate, context,
                prometheusCredential);
        // the server whose address the plan defaults to (PlanDefaults): its CA, whoever's credential is used
        connection.prometheusCaCertificate = server == null ? null : server.getCaCertificate();
        connection.prometheusDefaults = PlanDefaults.prometheusDefaults(server);
        if (config != null && isBlank(credentialsId) && isBlank(serverUrl)) {
            connection.defaultCredentialsId = config.getClusterCredentialsId();
            connection.defaultServerUrl = config.getClusterServerUrl();
            connection.defaultCaCertificate = config.getClusterCaCertificate();
        }
        return connection;
    }

    String prometheusCredentialsId() {
        return prometheusCredentialsId;
    }

    String prometheusCaCertificate() {
        return prometheusCaCertificate;
    }

    PrometheusDefaults prometheusDefaults() {
        return prometheusDefaults;
    }

    /** Where the step's calls run, and how they reach the cluster and Prometheus. Holds secrets: never persisted. */
    record Reach(Where where, ClusterAccess cluster, PrometheusAccess prometheus) {
    }

    /**
     * Looks the credentials up for the build (again after a restart) and finds where the calls run. A
     * {@code KUBECONFIG} the Jenkinsfile set ({@code withKubeConfig}) is an explicit choice and wins over the
     * configured default cluster credential; the default wins over what kubectl would find on the machine.
     */
    Reach reach(CredentialLookup credentials, StepContext context, Run<?, ?> run, Where where)
            throws IOException, InterruptedException {
        EnvVars env = context.get(EnvVars.class);
        boolean useDefault = isBlank(credentialsId) && isBlank(serverUrl) && !isBlank(defaultCredentialsId)
                && (env == null || isBlank(env.get("KUBECONFIG")));
        ClusterAccess cluster = useDefault
                ? ClusterCredentials.resolve(credentials, run, env, defaultCredentialsId, defaultServerUrl,
                        defaultCaCertificate, this.context)
                : ClusterCredentials.resolve(credentials, run, env, credentialsId, serverUrl, caCertificate,
                        this.context);
        return new Reach(where, cluster, PrometheusCredentials.resolve(credentials, run, prometheusCredentialsId)
                .withCaCertificate(prometheusCaCertificate));
    }

    /**
     * The cluster {@link #reach} resolves, as it may be written to disk for the rollback keeper: ids, addresses and the
     * build's {@code KUBECONFIG} path, never a secret.
     */
    io.jenkins.plugins.progressivedelivery.rollback.ClusterRef clusterRef(EnvVars env) {
        String kubeconfig = env == null ? null : env.get("KUBECONFIG");
        boolean useDefault = isBlank(credentialsId) && isBlank(serverUrl) && !isBlank(defaultCredentialsId)
                && isBlank(kubeconfig);
        if (useDefault) {
            return new io.jenkins.plugins.progressivedelivery.rollback.ClusterRef(defaultCredentialsId,
                    defaultServerUrl, defaultCaCertificate, context, null);
        }
        return new io.jenkins.plugins.progressivedelivery.rollback.ClusterRef(credentialsId, serverUrl, caCertificate,
                context, isBlank(credentialsId) && !isBlank(kubeconfig) ? kubeconfig : null);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
