package hudson.model;

import hudson.security.AccessControlled;
import java.io.IOException;

public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable
        implements AccessControlled {
    protected Run(JobT job, long timestamp) {
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

    public synchronized void save() throws IOException {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
