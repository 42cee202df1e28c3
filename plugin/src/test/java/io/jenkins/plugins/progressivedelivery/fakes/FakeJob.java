package io.jenkins.plugins.progressivedelivery.fakes;

import hudson.model.Job;

public final class FakeJob extends Job<FakeJob, FakeRun> {
    private FakeRun lastBuild;

    public FakeJob() {
        this("demo");
    }

    public FakeJob(String name) {
        super(null, name);
    }

    @Override
    public String getFullDisplayName() {
        return getFullName();
    }

    /** A new build, the next number after the last one, started at {@code startMillis}. */
    public FakeRun newBuild(long startMillis) {
        lastBuild = new FakeRun(this, lastBuild == null ? 1 : lastBuild.getNumber() + 1, startMillis, lastBuild);
        return lastBuild;
    }

    @Override
    public FakeRun getLastBuild() {
        return lastBuild;
    }
}
