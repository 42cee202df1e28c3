package io.jenkins.plugins.progressivedelivery.remote;

import hudson.remoting.VirtualChannel;
import java.io.IOException;
import java.io.Serializable;

/**
 * Where the step's Kubernetes and Prometheus calls run: on the agent of the enclosing {@code node {}} (its channel),
 * or in the controller's JVM when the step is not inside one. Callers are already on the step's I/O executor.
 */
public final class Where {
    private final VirtualChannel channel;
    private final String name;

    private Where(VirtualChannel channel, String name) {
        this.channel = channel;
        this.name = name;
    }

    public static Where controller() {
        return new Where(null, "the controller");
    }

    public static Where agent(VirtualChannel channel, String name) {
        return channel == null ? controller() : new Where(channel, "agent " + name);
    }

    public String describe() {
        return name;
    }

    /**
     * Runs the operation here. An agent that went away is an {@link IOException}; anything the operation threw
     * is rethrown as it was thrown.
     */
    @SuppressWarnings("unchecked")
    <R extends Serializable> R call(Operation<R> operation) throws Exception {
        if (channel == null) {
            return operation.run();
        }
        byte[] answer = channel.call(new AgentCall(operation));
        Serializable value = Serialized.fromBytes(answer, Serializable.class);
        if (value instanceof Exception e) {
            throw e;
        }
        return (R) value;
    }
}
