package io.jenkins.plugins.progressivedelivery.remote;

import hudson.model.Computer;
import hudson.remoting.VirtualChannel;
import java.io.IOException;
import java.io.Serializable;
import jenkins.model.Jenkins;

/**
 * Where the step's Kubernetes and Prometheus calls run: on the agent of the enclosing {@code node {}} (its channel),
 * or in the controller's JVM when the step is not inside one. Callers are already on the step's I/O executor.
 */
public final class Where {
    private final VirtualChannel channel;
    private final String computer;
    private final String name;

    private Where(VirtualChannel channel, String computer, String name) {
        this.channel = channel;
        this.computer = computer;
        this.name = name;
    }

    public static Where controller() {
        return new Where(null, null, "the controller");
    }

    /** Always over this one channel (when the computer is not known, and in tests). */
    public static Where agent(VirtualChannel channel, String name) {
        return channel == null ? controller() : new Where(channel, null, "agent " + name);
    }

    /**
     * On the computer named {@code computer} ({@code ""} is the built-in node), whose channel is looked up for each
     * call: an agent that reconnected is used again, and one that is not connected (yet: right after a controller
     * restart) is a transient failure the runner retries, never a silent switch to the controller.
     */
    public static Where onComputer(String computer) {
        return new Where(null, computer, "agent " + (computer.isEmpty() ? "built-in" : computer));
    }

    /** The computer's name to remember across a restart; null when the calls run in the controller's JVM. */
    public String computer() {
        return computer;
    }

    /** Whether the calls run in this JVM (the controller's), where a watch can call the runner back directly. */
    public boolean isThisJvm() {
        return channel == null && (computer == null || computer.isEmpty()); // "" is the built-in node: this JVM
    }

    public String describe() {
        return name;
    }

    private VirtualChannel channel() throws IOException {
        if (channel != null || computer == null) {
            return channel;
        }
        Computer found = Jenkins.get().getComputer(computer);
        VirtualChannel current = found == null ? null : found.getChannel();
        if (current == null) {
            throw new IOException(name + " is not connected");
        }
        return current;
    }

    /**
     * Runs the operation here. An agent that went away is an {@link IOException}; anything the operation threw
     * is rethrown as it was thrown.
     */
    @SuppressWarnings("unchecked")
    <R extends Serializable> R call(Operation<R> operation) throws Exception {
        VirtualChannel target = channel();
        if (target == null) {
            return operation.run();
        }
        return (R) answer(target.call(new AgentCall(operation)));
    }

    /**
     * Sends the operation to the agent without waiting for its answer ({@code VirtualChannel.callAsync}): the caller
     * checks {@link java.util.concurrent.Future#isDone()} on its timer and reads the answer with {@link #answer}, so
     * no controller thread waits while the agent does. Only for calls on an agent ({@link #isThisJvm()} false).
     */
    hudson.remoting.Future<byte[]> callAsync(Operation<?> operation) throws IOException {
        VirtualChannel target = channel();
        if (target == null) {
            throw new IllegalStateException("callAsync is for calls on an agent; " + name + " runs them in this JVM");
        }
        return target.callAsync(new AgentCall(operation));
    }

    /** The answer of an {@link AgentCall}: the value, or the exception the operation threw, rethrown. */
    static Serializable answer(byte[] answer) throws Exception {
        Serializable value = Serialized.fromBytes(answer, Serializable.class);
        if (value instanceof Exception e) {
            throw e;
        }
        return value;
    }
}
