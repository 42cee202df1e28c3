package io.jenkins.plugins.progressivedelivery.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls through a channel that, like remoting, serialises the callable and its answer. */
class WhereTest {
    private int calls;

    private final VirtualChannel agent = new VirtualChannel() {
        @Override
        @SuppressWarnings("unchecked")
        public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException, T {
            calls++;
            Callable<V, T> shipped = (Callable<V, T>) roundTrip(callable);
            return (V) roundTrip(shipped.call());
        }
    };

    private static Object roundTrip(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException(e);
        }
    }

    @Test
    void anAnswerComesBackFromTheAgent() throws Exception {
        MetricValue value = Where.agent(agent, "linux-1").call(() -> MetricValue.vector(List.of(0.5)));
        assertThat(value).isEqualTo(MetricValue.vector(List.of(0.5)));
        assertThat(calls).isEqualTo(1);
    }

    @Test
    void theEnginesOwnFailureIsRethrownAsItWasThrownOnTheAgent() {
        Operation<MetricValue> failing = () -> {
            throw new ClusterException("API server answered 503", true, null);
        };
        assertThatThrownBy(() -> Where.agent(agent, "linux-1").call(failing))
                .isInstanceOf(ClusterException.class).hasMessage("API server answered 503")
                .satisfies(e -> assertThat(((ClusterException) e).isTransient()).isTrue());
    }

    @Test
    void withoutAnAgentTheCallRunsHere() throws Exception {
        assertThat(Where.controller().call(() -> "local")).isEqualTo("local");
        assertThat(calls).isZero();
        assertThat(Where.agent(null, "x").describe()).isEqualTo("the controller");
    }
}
