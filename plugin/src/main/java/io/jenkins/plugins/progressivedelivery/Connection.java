package io.jenkins.plugins.progressivedelivery;

import hudson.EnvVars;
import hudson.model.Run;
import io.jenkins.plugins.progressivedelivery.credentials.ClusterCredentials;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialLookup;
import io.jenkins.plugins.progressivedelivery.credentials.PrometheusCredentials;
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

    Connection(String credentialsId, String serverUrl, String caCertificate, String context,
               String prometheusCredentialsId) {
        this.credentialsId = credentialsId;
        this.serverUrl = serverUrl;
        this.caCertificate = caCertificate;
        this.context = context;
        this.prometheusCredentialsId = prometheusCredentialsId;
    }

    /** Where the step's calls run, and how they reach the cluster and Prometheus. Holds secrets: never persisted. */
    record Reach(Where where, ClusterAccess cluster, PrometheusAccess prometheus) {
    }

    /** Looks the credentials up for the build (again after a restart) and finds where the calls run. */
    Reach reach(CredentialLookup credentials, StepContext context, Run<?, ?> run, Where where)
            throws IOException, InterruptedException {
        return new Reach(where,
                ClusterCredentials.resolve(credentials, run, context.get(EnvVars.class), credentialsId, serverUrl,
                        caCertificate, this.context),
                PrometheusCredentials.resolve(credentials, run, prometheusCredentialsId));
    }
}
