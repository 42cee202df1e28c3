package io.jenkins.plugins.progressivedelivery.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ArgumentSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisStateTest {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void everyKindOfValueSurvivesJsonAndJavaSerialisation() throws Exception {
        List<Measurement> measurements = List.of(
                new Measurement(T0, T0.plusMillis(40), AnalysisPhase.SUCCESSFUL, MetricValue.vector(List.of(0.998, 0.5)), null),
                new Measurement(T0, T0, AnalysisPhase.FAILED, MetricValue.vector(List.of(Double.NaN)), "successCondition x is false"),
                new Measurement(T0, T0, AnalysisPhase.SUCCESSFUL, MetricValue.scalar(Double.POSITIVE_INFINITY), null),
                new Measurement(T0, T0, AnalysisPhase.INCONCLUSIVE, MetricValue.vector(List.of()), Verdicts.NO_SERIES),
                new Measurement(T0, T0, AnalysisPhase.ERROR, null, "cannot connect"));
        MetricResult result = new MetricResult("m", AnalysisPhase.RUNNING, 4, 2, 1, 1, 1, 1, measurements, null);
        AnalysisSpec spec = new AnalysisSpec(List.of(new ArgumentSpec("app", "checkout")), List.of(new MetricSpec("m",
                Duration.ofMinutes(1), 10, Duration.ofSeconds(30), "result[0] >= 0.95", "result[0] < 0.5", 2, 1, 3,
                new MetricProviderSpec(new PrometheusSpec("http://p:9090", "up", Duration.ofSeconds(5),
                        List.of(new PrometheusSpec.Header("X-Scope-OrgID", "a")))))));
        AnalysisState state = new AnalysisState("canary", spec, T0, AnalysisPhase.RUNNING,
                List.of(new AnalysisState.MetricState(result, T0.plusSeconds(60))), null, null);

        String json = JSON.writeValueAsString(state);
        AnalysisState fromJson = JSON.readValue(json, AnalysisState.class);

        assertThat(fromJson).isEqualTo(state);
        assertThat(json).doesNotContain("\"empty\"");
        assertThat(javaRoundTrip(state)).isEqualTo(state);
        assertThat(JSON.readValue(JSON.writeValueAsString(new AnalysisResult("canary", AnalysisPhase.FAILED,
                List.of(result), "why")), AnalysisResult.class).metrics()).containsExactly(result);
    }

    private static Object javaRoundTrip(Object object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
