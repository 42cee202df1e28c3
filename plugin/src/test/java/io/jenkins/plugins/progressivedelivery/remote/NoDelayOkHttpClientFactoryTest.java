package io.jenkins.plugins.progressivedelivery.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientImpl;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

class NoDelayOkHttpClientFactoryTest {
    @Test
    void thePluginsClientsAreOkHttpWithNaglesAlgorithmOffAndWorkOverTls() throws Exception {
        ClusterOperation.withPluginClassLoader(() -> null); // what every call of the plugin goes through first
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient client = KubeClients.create(KubernetesConnection.token(
                "https://127.0.0.1:" + server.getPort(), "token", null).withInsecureSkipTlsVerify(true))) {
            assertThat(client.getHttpClient()).isInstanceOfSatisfying(OkHttpClientImpl.class, okhttp ->
                    assertThat(okhttp.getOkHttpClient().socketFactory())
                            .isInstanceOf(NoDelayOkHttpClientFactory.NoDelaySockets.class));
            client.configMaps().inNamespace("demo").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("weights").endMetadata().addToData("canary", "20").build()).create();
            assertThat(client.configMaps().inNamespace("demo").withName("weights").get().getData())
                    .containsEntry("canary", "20");
        } finally {
            server.destroy();
        }
        try (Socket socket = new NoDelayOkHttpClientFactory.NoDelaySockets().createSocket()) {
            assertThat(socket.getTcpNoDelay()).isTrue();
        }
    }
}
