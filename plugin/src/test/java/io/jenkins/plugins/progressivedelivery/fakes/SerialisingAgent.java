package io.jenkins.plugins.progressivedelivery.fakes;

import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent's channel that, like remoting, serialises the callable on the way out and its answer on the way back, so
 * that anything not serialisable, or holding on to the controller's objects, fails here as it would in Jenkins.
 */
public final class SerialisingAgent implements VirtualChannel {
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    @SuppressWarnings("unchecked")
    public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException, T {
        calls.incrementAndGet();
        Callable<V, T> shipped = (Callable<V, T>) roundTrip(callable);
        return (V) roundTrip(shipped.call());
    }

    /** How many calls went through the channel. */
    public int calls() {
        return calls.get();
    }

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
}
