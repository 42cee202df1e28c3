package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.io.Serializable;
import jenkins.security.MasterToSlaveCallable;

/**
 * Runs an {@link Operation} on the agent. Request and answer travel as bytes (see {@link Serialized}); a failure
 * comes back as the answer, so the controller rethrows the engine's own exception.
 */
final class AgentCall extends MasterToSlaveCallable<byte[], RuntimeException> {
    private static final long serialVersionUID = 1L;

    private final byte[] operation;

    AgentCall(Operation<?> operation) {
        this.operation = Serialized.toBytes(operation);
    }

    @Override
    public byte[] call() {
        Serializable answer;
        try {
            answer = Serialized.fromBytes(operation, Operation.class).run();
        } catch (Exception e) {
            answer = portable(e);
        }
        return Serialized.toBytes(answer);
    }

    /**
     * The failure as the controller may read it back: the engine's exceptions keep their type, message and
     * classification (transient or not, decided here on the agent) but lose their library causes (fabric8, OkHttp,
     * Jackson), which the controller's filter does not accept; anything else becomes its text.
     */
    static Exception portable(Exception e) {
        Exception copy;
        if (e instanceof ClusterException cluster) {
            copy = new ClusterException(cluster.getMessage(), cluster.isTransient(), null);
        } else if (e instanceof MeasurementException) {
            copy = new MeasurementException(e.getMessage());
        } else if (e.getCause() == null && e.getClass().getName().startsWith("io.jenkins.plugins.progressivedelivery.")) {
            return e;
        } else {
            copy = new IllegalStateException(e.toString());
        }
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }
}
