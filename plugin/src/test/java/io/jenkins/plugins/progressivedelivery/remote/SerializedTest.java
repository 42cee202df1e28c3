package io.jenkins.plugins.progressivedelivery.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import java.io.Serializable;
import java.util.List;
import javax.swing.JButton;
import org.junit.jupiter.api.Test;

class SerializedTest {
    @Test
    void engineValuesRoundTripAsText() {
        MetricValue value = MetricValue.vector(List.of(0.99, 0.5));
        assertThat(Serialized.fromText(Serialized.toText(value), MetricValue.class)).isEqualTo(value);
    }

    @Test
    void onlyOurAndJdkClassesAreReadBack() {
        byte[] foreign = Serialized.toBytes((Serializable) new JButton("not ours"));
        assertThatThrownBy(() -> Serialized.fromBytes(foreign, Object.class)).hasMessageContaining("cannot read");
    }
}
