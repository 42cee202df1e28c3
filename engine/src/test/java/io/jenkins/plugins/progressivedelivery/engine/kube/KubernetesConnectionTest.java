package io.jenkins.plugins.progressivedelivery.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class KubernetesConnectionTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu";
    private static final String KUBECONFIG = "apiVersion: v1\nusers:\n- name: u\n  user:\n    token: " + TOKEN + "\n";

    @Test
    void toStringNamesTheServerButNeverTheSecrets() {
        KubernetesConnection token = KubernetesConnection.token("https://api.example.com:6443", TOKEN, null);
        KubernetesConnection kubeconfig = KubernetesConnection.kubeconfig(KUBECONFIG, "prod");

        assertThat(token.toString()).contains("https://api.example.com:6443").contains("token=<hidden>")
                .doesNotContain(TOKEN);
        assertThat(kubeconfig.toString()).contains("context=prod").contains("hidden").doesNotContain(TOKEN);
        assertThat(token.withInsecureSkipTlsVerify(true).toString()).contains("TLS NOT VERIFIED");
    }

    @Test
    void jsonNeverCarriesTheSecretsButJavaSerialisationHandsThemToTheAgent() throws Exception {
        KubernetesConnection connection = KubernetesConnection.token("https://api.example.com:6443", TOKEN,
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        ObjectMapper json = new ObjectMapper();

        String written = json.writeValueAsString(connection);
        assertThat(written).contains("api.example.com").doesNotContain(TOKEN).doesNotContain("\"token\"");
        KubernetesConnection read = json.readValue(written.replace("}", ",\"token\":\"" + TOKEN + "\"}"),
                KubernetesConnection.class);
        assertThat(read).isEqualTo(connection);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(connection);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(connection);
        }
    }

    @Test
    void tlsIsVerifiedUnlessSaidOtherwise() {
        assertThat(KubernetesConnection.token("https://k", "t", null).insecureSkipTlsVerify()).isFalse();
        assertThat(KubernetesConnection.auto(null).insecureSkipTlsVerify()).isFalse();
        assertThat(KubernetesConnection.kubeconfig(KUBECONFIG, null).insecureSkipTlsVerify()).isFalse();
    }

    @Test
    void incompleteSettingsNameTheFieldAndTheFix() {
        assertThatThrownBy(() -> KubernetesConnection.token("api.example.com", "t", null))
                .hasMessageContaining("server: 'api.example.com' is not an http(s) URL");
        assertThatThrownBy(() -> KubernetesConnection.token("https://k", " ", null))
                .hasMessageContaining("token: is empty");
        assertThatThrownBy(() -> KubernetesConnection.kubeconfig("", null))
                .hasMessageContaining("kubeconfig: is empty");
        assertThatThrownBy(() -> KubernetesConnection.token("https://k", "t", "not a pem"))
                .hasMessageContaining("caCertificate: not a PEM certificate");
    }
}
