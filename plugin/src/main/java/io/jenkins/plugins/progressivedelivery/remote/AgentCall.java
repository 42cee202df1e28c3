package io.jenkins.plugins.progressivedelivery.remote;

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
            answer = e;
        }
        return Serialized.toBytes(answer);
    }
}
