package io.jenkins.plugins.progressivedelivery.fakes;

import hudson.model.Result;
import hudson.model.Run;
import hudson.security.Permission;
import java.util.HashSet;
import java.util.Set;
import org.springframework.security.access.AccessDeniedException;

/** A build whose permissions a test grants; Jenkins' real check throws the same exception when one is missing. */
public final class FakeRun extends Run<FakeJob, FakeRun> {
    private final Set<Permission> granted = new HashSet<>();
    private Result result;
    private int saves;

    private final FakeJob job;
    private final int number;
    private final FakeRun previous;

    public FakeRun() {
        this(new FakeJob(), 1, 0L, null);
    }

    FakeRun(FakeJob job, int number, long startMillis, FakeRun previous) {
        super(job, startMillis);
        this.job = job;
        this.number = number;
        this.previous = previous;
    }

    @Override
    public FakeJob getParent() {
        return job;
    }

    @Override
    public int getNumber() {
        return number;
    }

    @Override
    public FakeRun getPreviousBuild() {
        job.countRead();
        FakeRun run = previous;
        while (run != null && job.isDeleted(run.getNumber())) {
            run = run.previous;
        }
        return run;
    }

    FakeRun previousRegardless() {
        return previous;
    }

    public FakeRun grant(Permission... permissions) {
        granted.addAll(Set.of(permissions));
        return this;
    }

    @Override
    public void checkPermission(Permission p) {
        if (!granted.contains(p)) {
            throw new AccessDeniedException("anonymous is missing the " + p.name + " permission");
        }
    }

    @Override
    public boolean hasPermission(Permission p) {
        return granted.contains(p);
    }

    @Override
    public Result getResult() {
        return result;
    }

    @Override
    public void setResult(Result r) {
        result = result == null || r.isWorseThan(result) ? r : result;
    }

    @Override
    public String getFullDisplayName() {
        return job.getFullName() + " #" + number;
    }

    @Override
    public String getUrl() {
        return "job/" + job.getFullName() + "/" + number + "/";
    }

    private volatile boolean building = true;

    /** Running until {@link #finish()}: ended, or hard-killed. */
    @Override
    public boolean isBuilding() {
        return building;
    }

    public void finish() {
        building = false;
    }

    @Override
    public synchronized void save() {
        saves++;
    }

    public synchronized int saves() {
        return saves;
    }
}
