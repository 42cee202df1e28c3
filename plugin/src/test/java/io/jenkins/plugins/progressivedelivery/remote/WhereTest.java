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
        MetricValue value = Where.agent(agent, "linux-1").call(new Answer());
        assertThat(value).isEqualTo(MetricValue.vector(List.of(0.5)));
        assertThat(agent.calls()).isEqualTo(1);
    }

    @Test
    void theEnginesOwnFailureIsRethrownAsItWasThrownOnTheAgent() {
        assertThatThrownBy(() -> Where.agent(agent, "linux-1").call(new Failing(null)))
                .isInstanceOf(ClusterException.class).hasMessage("API server answered 503")
                .satisfies(e -> assertThat(((ClusterException) e).isTransient()).isTrue());
    }

    @Test
    void withoutAnAgentTheCallRunsHere() throws Exception {
        assertThat(Where.controller().call(() -> "local")).isEqualTo("local");
        assertThat(agent.calls()).isZero();
        assertThat(Where.agent(null, "x").describe()).isEqualTo("the controller");
    }

    @Test
    void aFailureCrossesWithoutTheLibraryCausesTheControllerWouldNotReadBack() {
        // On a real agent the cause would be fabric8's or OkHttp's; the controller's class filter refuses those.
        assertThatThrownBy(() -> Where.agent(agent, "linux-1").call(new Failing(new Cause("connection reset"))))
                .isInstanceOf(ClusterException.class).hasMessage("API server answered 503").hasNoCause()
                .satisfies(e -> assertThat(((ClusterException) e).isTransient()).isTrue());
    }

    @Test
    void bytesOfAClassOutsideTheAllowListAreRefused() {
        byte[] foreign = Serialized.toBytes(new java.text.DecimalFormat("0.00"));
        assertThatThrownBy(() -> Serialized.fromBytes(foreign, Object.class))
                .hasMessageContaining("cannot read a serialised Object");
    }

    /** Operations are classes in production; lambdas would need java.lang.invoke, which the filter refuses. */
    private static final class Answer implements Operation<MetricValue> {
        private static final long serialVersionUID = 1L;

        @Override
        public MetricValue run() {
            return MetricValue.vector(List.of(0.5));
        }
    }

    private static final class Failing implements Operation<MetricValue> {
        private static final long serialVersionUID = 1L;
        private final Exception cause;

        Failing(Exception cause) {
            this.cause = cause;
        }

        @Override
        public MetricValue run() {
            throw new ClusterException("API server answered 503", true, cause);
        }
    }

    /** Stands for a library's exception class. */
    private static final class Cause extends Exception {
        private static final long serialVersionUID = 1L;

        Cause(String message) {
            super(message);
        }
    }
}
