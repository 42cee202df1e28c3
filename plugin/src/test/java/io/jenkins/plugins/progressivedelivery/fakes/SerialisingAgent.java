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
    private final java.util.List<Integer> requestBytes = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    @SuppressWarnings("unchecked")
    public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException, T {
        calls.incrementAndGet();
        Callable<V, T> shipped = (Callable<V, T>) roundTrip(callable, requestBytes);
        return (V) roundTrip(shipped.call(), null);
    }

    /**
     * As remoting's {@code callAsync}: the callable is serialised now and runs on the agent's side (a thread of this
     * stand-in, as a remoting request thread), the caller gets a future of its serialised answer.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <V, T extends Throwable> hudson.remoting.Future<V> callAsync(Callable<V, T> callable) throws IOException {
        calls.incrementAndGet();
        Callable<V, T> shipped = (Callable<V, T>) roundTrip(callable, requestBytes);
        AsyncAnswer<V> answer = new AsyncAnswer<>(() -> {
            try {
                return (V) roundTrip(shipped.call(), null);
            } catch (Throwable e) {
                throw new java.util.concurrent.ExecutionException(e);
            }
        });
        Thread thread = new Thread(answer, "serialising agent request");
        thread.setDaemon(true);
        thread.start();
        return answer;
    }

    private static final class AsyncAnswer<V> extends java.util.concurrent.FutureTask<V>
            implements hudson.remoting.Future<V> {
        AsyncAnswer(java.util.concurrent.Callable<V> work) {
            super(work);
        }
    }

    /** How many calls went through the channel. */
    public int calls() {
        return calls.get();
    }

    /** The serialised size of each call sent to the agent so far, in order. */
    public java.util.List<Integer> requestBytes() {
        return java.util.List.copyOf(requestBytes);
    }

    private static Object roundTrip(Object value, java.util.List<Integer> sizes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        if (sizes != null) {
            sizes.add(bytes.size());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException(e);
        }
    }
}
