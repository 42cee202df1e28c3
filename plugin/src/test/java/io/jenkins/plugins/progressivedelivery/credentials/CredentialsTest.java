package io.jenkins.plugins.progressivedelivery.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.util.Secret;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.PrometheusAccess;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.junit.jupiter.api.Test;

class CredentialsTest {
    private static final String TOKEN = "s3cr3t-token-value";
    private static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster: {server: 'https://api.prod.example.com:6443'}
            users:
            - name: deployer
              user: {token: 'kube-token-value'}
            contexts:
            - name: prod
              context: {cluster: prod, user: deployer}
            current-context: prod
            """;

    private final FakeRun run = new FakeRun();

    private static CredentialLookup store(IdCredentials... credentials) {
        return (id, run) -> {
            for (IdCredentials c : credentials) {
                if (c.getId().equals(id)) {
                    return c;
                }
            }
            return null;
        };
    }

    record File(String getId, String content) implements FileCredentials {
        @Override
        public String getFileName() {
            return "kubeconfig";
        }

        @Override
        public InputStream getContent() {
            return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String getDescription() {
            return "";
        }
    }

    record UserPassword(String getId, String getUsername, String password)
            implements StandardUsernamePasswordCredentials {
        @Override
        public Secret getPassword() {
            return Secret.fromString(password);
        }

        @Override
        public String getDescription() {
            return "";
        }
    }

    @Test
    void aMissingCredentialNamesTheParameterTheIdAndTheFix() {
        assertThatThrownBy(() -> ClusterCredentials.resolve(store(), run, new EnvVars(), "k8s-prod", null, null, null))
                .isInstanceOf(AbortException.class)
                .hasMessage("credentialsId: no credential with id 'k8s-prod' is visible to demo #1; add a 'Secret file'"
                        + " (a kubeconfig) or 'Secret text' credential with that id to the folder of the job or to the"
                        + " global store, or fix the id");
    }

    @Test
    void aCredentialOfTheWrongKindSaysWhichKindItIsAndWhichIsNeeded() {
        CredentialLookup lookup = store(new UserPassword("k8s", "deployer", "hunter2"));
        assertThatThrownBy(() -> ClusterCredentials.resolve(lookup, run, new EnvVars(), "k8s", null, null, null))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("the credential 'k8s' is a 'Username with password' credential, but a 'Secret"
                        + " file' (a kubeconfig) or 'Secret text' is needed here")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aTokenNeedsTheServerUrlAndIsNeverInAMessage() throws Exception {
        CredentialLookup lookup = store(new SecretText("k8s-token", TOKEN));
        assertThatThrownBy(() -> ClusterCredentials.resolve(lookup, run, new EnvVars(), "k8s-token", null, null, null))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("serverUrl: required with the token credential 'k8s-token'")
                .hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> ClusterCredentials.resolve(lookup, run, new EnvVars(), "k8s-token", "api:6443", null,
                null))
                .isInstanceOf(AbortException.class).hasMessageContaining("server").hasMessageNotContaining(TOKEN);

        ClusterAccess access = ClusterCredentials.resolve(lookup, run, new EnvVars(), "k8s-token",
                "https://api.example.com:6443", null, null);
        assertThat(access.connection().source()).isEqualTo(KubernetesConnection.Source.TOKEN);
        assertThat(access.connection().server()).isEqualTo("https://api.example.com:6443");
        assertThat(access.toString()).contains("api.example.com").doesNotContain(TOKEN);
    }

    @Test
    void aSecretFileIsTheKubeconfig() throws Exception {
        ClusterAccess access = ClusterCredentials.resolve(store(new File("kubeconfig", KUBECONFIG)), run,
                new EnvVars(), "kubeconfig", null, null, "prod");
        assertThat(access.connection().source()).isEqualTo(KubernetesConnection.Source.KUBECONFIG);
        assertThat(access.connection().context()).isEqualTo("prod");
        assertThat(access.toString()).doesNotContain("kube-token-value");
    }

    @Test
    void withoutACredentialTheBuildsKubeconfigIsReadWhereTheStepRunsElseKubectlsDefaults() throws Exception {
        ClusterAccess fromEnv = ClusterCredentials.resolve(store(), run,
                new EnvVars(Map.of("KUBECONFIG", "/home/agent/.kube/prod")), null, null, null, null);
        assertThat(fromEnv.kubeconfigPath()).isEqualTo("/home/agent/.kube/prod");

        ClusterAccess auto = ClusterCredentials.resolve(store(), run, new EnvVars(), null, null, null, null);
        assertThat(auto.connection().source()).isEqualTo(KubernetesConnection.Source.AUTO);

        assertThatThrownBy(() -> ClusterCredentials.resolve(store(), run, new EnvVars(), null,
                "https://api.example.com", null, null))
                .isInstanceOf(AbortException.class).hasMessageContaining("serverUrl: given without credentialsId");
    }

    @Test
    void prometheusTakesABearerTokenOrAUserAndPassword() throws Exception {
        CredentialLookup lookup = store(new SecretText("prom-token", TOKEN), new UserPassword("prom-user", "grafana", "pw"),
                new File("kubeconfig", KUBECONFIG));
        assertThat(PrometheusCredentials.resolve(lookup, run, "prom-token")).isEqualTo(PrometheusAccess.bearer(TOKEN));
        assertThat(PrometheusCredentials.resolve(lookup, run, "prom-user"))
                .isEqualTo(PrometheusAccess.basic("grafana", "pw"));
        assertThat(PrometheusCredentials.resolve(lookup, run, null)).isEqualTo(PrometheusAccess.ANONYMOUS);
        assertThat(PrometheusAccess.bearer(TOKEN).toString()).doesNotContain(TOKEN);
        assertThatThrownBy(() -> PrometheusCredentials.resolve(lookup, run, "kubeconfig"))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("prometheusCredentialsId: the credential 'kubeconfig' is a 'Secret file'");
    }
}
