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

    public FakeRun() {
        super(new FakeJob(), 0L);
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
        return "demo #1";
    }

    @Override
    public String getUrl() {
        return "job/demo/1/";
    }

    @Override
    public synchronized void save() {
        saves++;
    }

    public synchronized int saves() {
        return saves;
    }
}
