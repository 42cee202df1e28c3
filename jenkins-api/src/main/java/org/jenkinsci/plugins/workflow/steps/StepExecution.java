package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;

public abstract class StepExecution implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StepContext context;

    protected StepExecution() {
        this.context = null;
    }

    protected StepExecution(StepContext context) {
        this.context = context;
    }

    public StepContext getContext() {
        return context;
    }

    public static <T extends StepExecution> com.google.common.util.concurrent.ListenableFuture<?> acceptAll(
            Class<T> type, java.util.function.Consumer<T> c) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public abstract boolean start() throws Exception;

    /** The real default fails the context with the cause. */
    public void stop(Throwable cause) throws Exception {
        getContext().onFailure(cause);
    }

    public void onResume() {
    }

    public String getStatus() {
        return null;
    }
}
