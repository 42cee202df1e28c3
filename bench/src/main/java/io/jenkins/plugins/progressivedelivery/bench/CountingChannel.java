package io.jenkins.plugins.progressivedelivery.bench;

import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An agent's channel in this JVM: the callable and its answer are serialised as remoting serialises them, and what
 * crosses is counted. No network latency is added: the row shows the work and the bytes, not WebSocket's cost.
 */
final class CountingChannel implements VirtualChannel {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();
    final AtomicLong bytesIn = new AtomicLong();

    @Override
    @SuppressWarnings("unchecked")
    public <V, T extends Throwable> V call(Callable<V, T> callable) throws IOException, T {
        calls.incrementAndGet();
        Callable<V, T> shipped = (Callable<V, T>) roundTrip(callable, bytesOut);
        return (V) roundTrip(shipped.call(), bytesIn);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V, T extends Throwable> hudson.remoting.Future<V> callAsync(Callable<V, T> callable) throws IOException {
        calls.incrementAndGet();
        Callable<V, T> shipped = (Callable<V, T>) roundTrip(callable, bytesOut);
        AsyncAnswer<V> answer = new AsyncAnswer<>(() -> {
            try {
                return (V) roundTrip(shipped.call(), bytesIn);
            } catch (Throwable e) {
                throw new java.util.concurrent.ExecutionException(e);
            }
        });
        Thread thread = new Thread(answer, "counting channel request");
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

    void reset() {
        calls.set(0);
        bytesOut.set(0);
        bytesIn.set(0);
    }

    private static Object roundTrip(Object value, AtomicLong counter) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        counter.addAndGet(bytes.size());
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException(e);
        }
    }
}
