package io.jenkins.plugins.progressivedelivery.config;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.security.ACL;
import hudson.util.FormValidation;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.PrometheusProvider;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import java.time.Duration;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/** "Test connection": one {@code vector(1)} query from the controller, the way Flagger checks a provider. */
final class ConnectionTest {
    private ConnectionTest() {
    }

    static FormValidation prometheus(String url, String credentialsId, String caCertificate) {
        PrometheusAuth auth;
        try {
            auth = auth(credentialsId).withCaCertificatePem(PrometheusServer.blankToNull(caCertificate));
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
        if (auth == null) {
            return FormValidation.error("No Secret text or Username with password credential with id '"
                    + credentialsId + "' in the global store");
        }
        try {
            PrometheusProvider.of(new PrometheusSpec(url, "vector(1)", Duration.ofSeconds(10), List.of()),
                    PrometheusProvider.newHttpClient(auth), auth).isOnline();
            return FormValidation.ok("Prometheus at " + url + " answered");
        } catch (MeasurementException | IllegalArgumentException e) {
            return FormValidation.error(auth.redact(e.getMessage()));
        }
    }

    /** The global credential as Prometheus authentication; null when there is no such credential. */
    private static PrometheusAuth auth(String credentialsId) {
        String id = PrometheusServer.blankToNull(credentialsId);
        if (id == null) {
            return PrometheusAuth.none();
        }
        IdCredentials credential = CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(
                IdCredentials.class, Jenkins.get(), ACL.SYSTEM2), CredentialsMatchers.withId(id));
        if (credential instanceof StringCredentials token) {
            return PrometheusAuth.bearerToken(token.getSecret().getPlainText());
        }
        if (credential instanceof StandardUsernamePasswordCredentials user) {
            return PrometheusAuth.basic(user.getUsername(), user.getPassword().getPlainText());
        }
        return null;
    }
}
