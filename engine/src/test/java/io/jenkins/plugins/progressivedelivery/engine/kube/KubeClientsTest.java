package io.jenkins.plugins.progressivedelivery.engine.kube;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeClientsTest {
    private static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: dev
              cluster: {server: "https://dev.example.com:6443"}
            - name: prod
              cluster: {server: "https://prod.example.com:6443", insecure-skip-tls-verify: true}
            users:
            - name: deployer
              user: {token: abc}
            contexts:
            - name: dev
              context: {cluster: dev, user: deployer, namespace: team-a}
            - name: prod
              context: {cluster: prod, user: deployer, namespace: shop}
            current-context: dev
            """;

    @Test
    void theClientNeverRetriesByItselfAndHasBoundedTimeouts() {
        try (KubernetesClient client = KubeClients.create(
                KubernetesConnection.token("https://api.example.com:6443", "t", null))) {
            assertThat(client.getConfiguration().getRequestRetryBackoffLimit()).isZero();
            assertThat(client.getConfiguration().getConnectionTimeout()).isEqualTo(KubeClients.CONNECT_TIMEOUT_MILLIS);
            assertThat(client.getConfiguration().getRequestTimeout()).isEqualTo(KubeClients.REQUEST_TIMEOUT_MILLIS);
            assertThat(client.getConfiguration().isTrustCerts()).isFalse();
            assertThat(client.getConfiguration().getOauthToken()).isEqualTo("t");
        }
    }

    @Test
    void kubeconfigContentWithAChosenContext() {
        try (KubernetesClient dev = KubeClients.create(KubernetesConnection.kubeconfig(KUBECONFIG, null));
             KubernetesClient prod = KubeClients.create(KubernetesConnection.kubeconfig(KUBECONFIG, "prod"))) {
            assertThat(dev.getMasterUrl().toString()).startsWith("https://dev.example.com:6443");
            assertThat(dev.getNamespace()).isEqualTo("team-a");
            assertThat(dev.getConfiguration().isTrustCerts()).isFalse();
            assertThat(prod.getMasterUrl().toString()).startsWith("https://prod.example.com:6443");
            assertThat(prod.getNamespace()).isEqualTo("shop");
            // the kubeconfig says so for that cluster, as kubectl honours it
            assertThat(prod.getConfiguration().isTrustCerts()).isTrue();
            assertThat(prod.getConfiguration().getRequestRetryBackoffLimit()).isZero();
        }
        assertThatThrownBy(() -> KubeClients.create(KubernetesConnection.kubeconfig(KUBECONFIG, "staging")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("context: 'staging' is not in the kubeconfig; its contexts are dev, prod");
    }

    @Test
    void autoFindsTheKubeconfigAsKubectlWouldAndRefusesAMissingContext(@TempDir Path home) throws Exception {
        Path file = home.resolve("config");
        Files.writeString(file, KUBECONFIG);
        String previous = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, file.toString());
        try {
            try (KubernetesClient prod = KubeClients.create(KubernetesConnection.auto("prod"))) {
                assertThat(prod.getMasterUrl().toString()).startsWith("https://prod.example.com:6443");
                assertThat(prod.getConfiguration().getRequestRetryBackoffLimit()).isZero();
            }
            assertThatThrownBy(() -> KubeClients.create(KubernetesConnection.auto("staging")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("context: 'staging' is not in the kubeconfig found")
                    .hasMessageContaining("its contexts are dev, prod");
        } finally {
            if (previous == null) {
                System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
            } else {
                System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previous);
            }
        }
    }

    @Test
    void anUnreadableKubeconfigIsRejectedWithoutEchoingIt() {
        assertThatThrownBy(() -> KubeClients.create(KubernetesConnection.kubeconfig("token: s3cr3t: [", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kubeconfig: ")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void theServerCertificateIsVerifiedAgainstTheGivenCa() throws Exception {
        try (MockCluster cluster = MockCluster.startHttps()) {
            String url = cluster.server.url("/");
            assertThat(url).startsWith("https://");
            String caPem = Files.readString(Path.of(cluster.server.getSelfSignedCertificate().certificatePath()));

            try (KubernetesClient insecure = KubeClients.create(
                    KubernetesConnection.token(url, "t", null).withInsecureSkipTlsVerify(true))) {
                insecure.apps().deployments().inNamespace(NS).resource(MockCluster.stableDeployment("web", 1))
                        .create();
            }
            try (KubernetesClient untrusted = KubeClients.create(KubernetesConnection.token(url, "t", null))) {
                assertThatThrownBy(() -> new ReadModifyWrite(untrusted).read(
                        untrusted.apps().deployments().inNamespace(NS), KubeRef.deployment(NS, "web")))
                        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.isTransient()).isFalse())
                        .hasMessageContaining("TLS certificate was not trusted");
            }
            try (KubernetesClient trusted = KubeClients.create(KubernetesConnection.token(url, "t", caPem))) {
                assertThat(trusted.apps().deployments().inNamespace(NS).withName("web").get()).isNotNull();
            }
        }
    }

    @Test
    void everyClientOfTheJvmSharesOneSerialization() {
        KubernetesConnection one = KubernetesConnection.token("https://one.example:6443", "t1", null);
        KubernetesConnection two = KubernetesConnection.token("https://two.example:6443", "t2", null);
        try (KubernetesClient first = KubeClients.create(one); KubernetesClient second = KubeClients.create(two)) {
            // building the serialization (its ObjectMapper, the resource types found on the class path) was most of
            // a new client's first request
            assertThat(first.getKubernetesSerialization()).isSameAs(second.getKubernetesSerialization());
            assertThat(first.getMasterUrl().getHost()).isEqualTo("one.example");
        }
    }

    @Test
    void aPreferredHttpClientThatCannotBeMadeLeavesTheChoiceToFabric8() {
        KubeClients.useHttpClientFactory(() -> {
            throw new NoClassDefFoundError("okhttp3/OkHttpClient$Builder"); // OkHttp missing where the call runs
        });
        try (KubernetesClient client = KubeClients.create(
                KubernetesConnection.token("https://one.example:6443", "t1", null))) {
            assertThat(client.getHttpClient()).isNotNull();
        } finally {
            KubeClients.useHttpClientFactory(null);
        }
    }
}
