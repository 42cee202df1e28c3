package io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus;

import static io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against a real Prometheus with backfilled data. */
class PrometheusProviderTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();

    private static PrometheusProvider provider;

    @BeforeAll
    static void provider() {
        HttpClient client = PrometheusProvider.newHttpClient(PrometheusAuth.none());
        provider = new PrometheusProvider(client, PROMETHEUS.url() + "/", Duration.ofSeconds(10), List.of(),
                PrometheusAuth.none());
    }

    @Test
    void anInstantVectorIsAListOfValues() throws Exception {
        MetricValue value = provider.query(BackfilledPrometheus.successRateQuery("checkout"), T0);

        assertThat(value.scalar()).isFalse();
        assertThat(value.values()).hasSize(1);
        assertThat(value.values().get(0)).isCloseTo(0.998, within(1e-9));
    }

    @Test
    void everySeriesOfAVectorIsKept() throws Exception {
        MetricValue value = provider.query("sort(latency_p99_seconds{app=\"checkout\"})", T0);

        assertThat(value.values()).containsExactly(0.21, 0.34);
    }

    @Test
    void theQueryIsEvaluatedAtTheGivenTime() throws Exception {
        assertThat(provider.query(BackfilledPrometheus.errorRatioQuery("degrading"), T0.plusSeconds(60)).values().get(0))
                .isCloseTo(0.01, within(1e-9));
        assertThat(provider.query(BackfilledPrometheus.errorRatioQuery("degrading"), T0.plusSeconds(180)).values().get(0))
                .isCloseTo(0.10, within(1e-9));
    }

    @Test
    void aScalarIsOneValue() throws Exception {
        MetricValue value = provider.query("scalar(sum(rate(http_requests_total{app=\"checkout\"}[1m])))", T0);

        assertThat(value.scalar()).isTrue();
        assertThat(value.values().get(0)).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void zeroDividedByZeroStaysNaN() throws Exception {
        MetricValue value = provider.query(BackfilledPrometheus.successRateQuery("idle"), T0);

        assertThat(value.values()).hasSize(1);
        assertThat(value.values().get(0)).isNaN();
    }

    @Test
    void infinitiesAreParsed() throws Exception {
        assertThat(provider.query("vector(1) / vector(0)", T0).values()).containsExactly(Double.POSITIVE_INFINITY);
        assertThat(provider.query("-1 / 0", T0).values()).containsExactly(Double.NEGATIVE_INFINITY);
    }

    @Test
    void noSeriesIsAnEmptyList() throws Exception {
        MetricValue value = provider.query("http_requests_total{app=\"does-not-exist\"}", T0);

        assertThat(value.isEmpty()).isTrue();
        assertThat(value.scalar()).isFalse();
    }

    @Test
    void anErrorRatioWithoutAnyErrorSeriesHasNoSeries() throws Exception {
        // sum() over no series is no series, and so is the division: a common way to get "no data"
        assertThat(provider.query(BackfilledPrometheus.errorRatioQuery("idle"), T0).isEmpty()).isTrue();
    }

    @Test
    void aLabelValueWithAQuoteMatches() throws Exception {
        assertThat(provider.query("sum(rate(http_requests_total{app=\"we\\\"ird\"}[1m]))", T0).values())
                .containsExactly(1.0);
    }

    @Test
    void aSyntaxErrorCarriesPrometheusMessage() {
        assertThatThrownBy(() -> provider.query("sum(rate(http_requests_total[1m]", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessageContaining("Prometheus at " + PROMETHEUS.url() + " rejected the query (bad_data)")
                .hasMessageContaining("parse error");
    }

    @Test
    void aRangeVectorAsksForAnInstantQuery() {
        assertThatThrownBy(() -> provider.query("http_requests_total{app=\"checkout\"}[1m]", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessageContaining("range vector (matrix)");
        assertThatThrownBy(() -> provider.query("\"text\"", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessageContaining("returned a string");
    }

    @Test
    void isOnline() throws Exception {
        assertThat(provider.isOnline()).isTrue();
    }

    @Test
    void anUnreachablePrometheusIsAMeasurementException() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        PrometheusProvider unreachable = PrometheusProvider.of(
                new PrometheusSpec("http://127.0.0.1:" + closedPort, "up", Duration.ofSeconds(5), List.of()),
                PrometheusProvider.newHttpClient(PrometheusAuth.none()), PrometheusAuth.none());

        assertThatThrownBy(() -> unreachable.query("up", T0))
                .isInstanceOf(MeasurementException.class)
                .hasMessage("cannot connect to Prometheus at http://127.0.0.1:" + closedPort + ": connection refused");
        assertThatThrownBy(unreachable::isOnline).isInstanceOf(MeasurementException.class);
    }

    @Test
    void anAddressThatIsNotAUrlIsRejectedUpFront() {
        assertThatThrownBy(() -> new PrometheusProvider(PrometheusProvider.newHttpClient(null), "prometheus:9090",
                null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an http or https URL");
    }
}
