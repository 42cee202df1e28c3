package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.EnvVars;
import io.jenkins.plugins.progressivedelivery.config.ProgressiveDeliveryConfiguration;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What Manage Jenkins » System gives a step that does not say: the server's credential, the default cluster. */
class ConnectionTest {
    private static final String PROD_CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";

    private static ProgressiveDeliveryConfiguration config() {
        ProgressiveDeliveryConfiguration config = new ProgressiveDeliveryConfiguration();
        Structs.inject(config, Map.of(
                "prometheusServers", List.of(Map.of("name", "prod", "url", "https://prom", "credentialsId", "prod-token",
                                "caCertificate", PROD_CA),
                        Map.of("name", "staging", "url", "http://staging:9090")),
                "clusterCredentialsId", "default-token", "clusterServerUrl", "https://api.example.com:6443"));
        return config;
    }

    @Test
    void aStepsOwnCredentialWinsElseTheNamedOrFirstServersIsUsed() throws Exception {
        assertThat(Connection.of(config(), null, null, null, null, null, null).prometheusCredentialsId())
                .isEqualTo("prod-token");
        assertThat(Connection.of(config(), null, null, null, null, null, "staging").prometheusCredentialsId())
                .isNull();
        assertThat(Connection.of(config(), null, null, null, null, null, "staging").prometheusDefaults().address())
                .as("the address of templates' metrics that give none").isEqualTo("http://staging:9090");
        assertThat(Connection.of(config(), null, null, null, null, null, null).prometheusDefaults().address())
                .isEqualTo("https://prom");
        assertThat(Connection.of(config(), null, null, null, null, "mine", "prod").prometheusCredentialsId())
                .isEqualTo("mine");
        assertThatThrownBy(() -> Connection.of(config(), null, null, null, null, null, "qa"))
                .isInstanceOf(AbortException.class).hasMessageContaining("prometheus: no Prometheus server named 'qa'");
        assertThatThrownBy(() -> Connection.of(null, null, null, null, null, null, "prod"))
                .hasMessageContaining("prometheus: 'prod'");
    }

    @Test
    void theDefaultClusterCredentialIsUsedWithoutAStepCredentialOrAKubeconfigFromThePipeline() throws Exception {
        List<String> looked = new ArrayList<>();
        Connection connection = Connection.of(config(), null, null, null, null, null, null);
        FakeRun run = new FakeRun();
        connection.reach((id, r) -> {
            looked.add(id);
            return new SecretText(id, "token-of-" + id);
        }, new FakeStepContext(run, new FakeListener(), new EnvVars()), run, Where.controller());
        assertThat(looked).contains("default-token");

        looked.clear();
        EnvVars withKubeconfig = new EnvVars();
        withKubeconfig.put("KUBECONFIG", "/tmp/kubeconfig");
        connection.reach((id, r) -> {
            looked.add(id);
            return new SecretText(id, "token-of-" + id);
        }, new FakeStepContext(run, new FakeListener(), withKubeconfig), run, Where.controller());
        assertThat(looked).as("withKubeConfig in the Jenkinsfile wins over the default").doesNotContain("default-token");
    }

    @Test
    void theConfiguredServersCaCertificateReachesTheBuildsQueriesWhoeverCredentialIsUsed() throws Exception {
        FakeRun run = new FakeRun();
        FakeStepContext context = new FakeStepContext(run, new FakeListener(), new EnvVars());
        for (String ownCredential : new String[] {null, "mine"}) {
            Connection connection = Connection.of(config(), null, null, null, null, ownCredential, "prod");
            assertThat(connection.reach((id, r) -> new SecretText(id, "token-of-" + id), context, run,
                    Where.controller()).prometheus().caCertificatePem()).isEqualTo(PROD_CA);
        }
        assertThat(Connection.of(config(), null, null, null, null, null, "staging").reach(
                (id, r) -> new SecretText(id, "token-of-" + id), context, run, Where.controller()).prometheus()
                .caCertificatePem()).as("a server without a CA: the JVM trust store").isNull();
    }
}
