package io.jenkins.plugins.progressivedelivery.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The configured Prometheus server's CA travels with a build's measurement to where it runs and is trusted there. */
class PrometheusCaTest {
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @Test
    void theCaGoesIntoTheEnginesTlsConfigurationWithTheCredential() {
        PrometheusAccess access = PrometheusAccess.bearer("prom-token").withCaCertificate(CA);
        assertThat(MeasureOperation.engineAuth(access).caCertificatePem()).isEqualTo(CA);
        assertThat(MeasureOperation.engineAuth(access).bearerToken()).isEqualTo("prom-token");
        assertThat(MeasureOperation.engineAuth(PrometheusAccess.ANONYMOUS.withCaCertificate(" ")).caCertificatePem())
                .isNull();
        assertThat(access.toString()).doesNotContain("prom-token");
    }

    @Test
    void aMeasurementOnAnAgentUsesTheCaItWasGiven() throws Exception {
        MetricSpec metric = PlanLoader.loadAnalysis("""
                metrics:
                - name: errors
                  provider: {prometheus: {address: "https://prometheus.example:9090", query: "vector(1)"}}
                """, "test").metrics().get(0);
        RemoteMeasurementSource source = new RemoteMeasurementSource(Where.agent(new SerialisingAgent(), "linux-1"),
                PrometheusAccess.ANONYMOUS.withCaCertificate("not a certificate"));
        // the agent builds its TLS context from the CA it received: a CA that is not PEM fails there, before any query
        assertThatThrownBy(() -> source.measure(metric, Instant.now())).hasMessageContaining("certificate");
    }
}
