package hudson.model;

import hudson.security.AccessControlled;
import java.io.IOException;

public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable
        implements AccessControlled {
    /** Kept, as the real one keeps it, so that a test's build has a start time. */
    private final long timestamp;

    protected Run(JobT job, long timestamp) {
        this.timestamp = timestamp;
    }

    public final long getTimeInMillis() {
        return timestamp;
    }

    public final long getStartTimeInMillis() {
        return timestamp;
    }

    public long getDuration() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public RunT getPreviousBuild() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    /** As the real one: a {@link jenkins.model.RunAction2} learns which build it was attached to. */
    @Override
    public void addAction(Action a) {
        super.addAction(a);
        if (a instanceof jenkins.model.RunAction2 runAction) {
            runAction.onAttached(this);
        }
    }

    public Result getResult() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public void setResult(Result r) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public JobT getParent() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public String getFullDisplayName() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public String getDisplayName() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public int getNumber() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public String getUrl() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public String getExternalizableId() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public boolean isBuilding() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public synchronized void save() throws IOException {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
