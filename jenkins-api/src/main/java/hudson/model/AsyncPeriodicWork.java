package hudson.model;

public abstract class AsyncPeriodicWork extends PeriodicWork {
    protected AsyncPeriodicWork(String name) {
    }

    @Override
    public final void doRun() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    protected abstract void execute(TaskListener listener) throws java.io.IOException, InterruptedException;
}
