package io.jenkins.plugins.progressivedelivery.fakes;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import hudson.model.Result;
import java.io.ObjectStreamException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * A step context holding the build, the log and optional workspace/env. Serialised with an execution it comes back
 * as the same live context, as Pipeline's pickles rehydrate the real one after a restart.
 */
public final class FakeStepContext extends StepContext {
    private static final long serialVersionUID = 1L;
    private static final Map<String, FakeStepContext> LIVE = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final transient Map<Class<?>, Object> objects = new ConcurrentHashMap<>();
    private transient volatile Object success;
    private transient volatile Throwable failure;
    private transient volatile int completions;
    private transient volatile int saves;

    public FakeStepContext(Object... contextObjects) {
        for (Object o : contextObjects) {
            put(o);
        }
        LIVE.put(id, this);
    }

    public FakeStepContext put(Object o) {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            objects.put(c, o);
            for (Class<?> i : c.getInterfaces()) {
                objects.put(i, o);
            }
        }
        return this;
    }

    @Override
    public <T> T get(Class<T> key) {
        return key.cast(objects.get(key));
    }

    @Override
    public synchronized void onSuccess(Object result) {
        success = result;
        completions++;
    }

    @Override
    public synchronized void onFailure(Throwable t) {
        failure = t;
        completions++;
    }

    @Override
    public boolean isReady() {
        return completions > 0;
    }

    @Override
    public ListenableFuture<Void> saveState() {
        saves++;
        return Futures.immediateFuture(null);
    }

    @Override
    public void setResult(Result r) {
        throw new UnsupportedOperationException("steps set the result on the Run");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FakeStepContext other && other.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    public Object success() {
        return success;
    }

    public Throwable failure() {
        return failure;
    }

    public int completions() {
        return completions;
    }

    public int saves() {
        return saves;
    }

    private Object readResolve() throws ObjectStreamException {
        return LIVE.get(id);
    }
}
