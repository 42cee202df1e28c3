package io.jenkins.plugins.progressivedelivery.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.fakes.SerialisingAgent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls through a channel that, like remoting, serialises the callable and its answer. */
class WhereTest {
    private final SerialisingAgent agent = new SerialisingAgent();

    @Test
    void anAnswerComesBackFromTheAgent() throws Exception {
        MetricValue value = Where.agent(agent, "linux-1").call(() -> MetricValue.vector(List.of(0.5)));
        assertThat(value).isEqualTo(MetricValue.vector(List.of(0.5)));
        assertThat(agent.calls()).isEqualTo(1);
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
        assertThat(agent.calls()).isZero();
        assertThat(Where.agent(null, "x").describe()).isEqualTo("the controller");
    }
}
