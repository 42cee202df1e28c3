package io.jenkins.plugins.progressivedelivery.engine.kube;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KubeClientsTest {

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
        String kubeconfig = """
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
        try (KubernetesClient dev = KubeClients.create(KubernetesConnection.kubeconfig(kubeconfig, null));
             KubernetesClient prod = KubeClients.create(KubernetesConnection.kubeconfig(kubeconfig, "prod"))) {
            assertThat(dev.getMasterUrl().toString()).startsWith("https://dev.example.com:6443");
            assertThat(dev.getNamespace()).isEqualTo("team-a");
            assertThat(dev.getConfiguration().isTrustCerts()).isFalse();
            assertThat(prod.getMasterUrl().toString()).startsWith("https://prod.example.com:6443");
            assertThat(prod.getNamespace()).isEqualTo("shop");
            // the kubeconfig says so for that cluster, as kubectl honours it
            assertThat(prod.getConfiguration().isTrustCerts()).isTrue();
            assertThat(prod.getConfiguration().getRequestRetryBackoffLimit()).isZero();
        }
        assertThatThrownBy(() -> KubeClients.create(KubernetesConnection.kubeconfig(kubeconfig, "staging")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("context: 'staging' is not in the kubeconfig; its contexts are dev, prod");
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
}
