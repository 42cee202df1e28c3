package io.jenkins.plugins.progressivedelivery.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.progressivedelivery.remote.PrometheusAccess;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/** {@code prometheusCredentialsId}: a Secret text bearer token, or a username and password; none: anonymous. */
public final class PrometheusCredentials {
    private PrometheusCredentials() {
    }

    public static PrometheusAccess resolve(CredentialLookup lookup, Run<?, ?> run, String credentialsId)
            throws AbortException {
        if (ClusterCredentials.isBlank(credentialsId)) {
            return PrometheusAccess.ANONYMOUS;
        }
        IdCredentials credential = Credentials.find(lookup, run, "prometheusCredentialsId", credentialsId,
                List.of(StringCredentials.class, StandardUsernamePasswordCredentials.class));
        if (credential instanceof StringCredentials token) {
            return PrometheusAccess.bearer(token.getSecret().getPlainText());
        }
        StandardUsernamePasswordCredentials user = (StandardUsernamePasswordCredentials) credential;
        return PrometheusAccess.basic(user.getUsername(), user.getPassword().getPlainText());
    }
}
