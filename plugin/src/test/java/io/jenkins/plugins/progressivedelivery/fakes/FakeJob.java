package io.jenkins.plugins.progressivedelivery.fakes;

import hudson.model.Job;

public final class FakeJob extends Job<FakeJob, FakeRun> {
    public FakeJob() {
        super(null, "demo");
    }

    @Override
    public String getFullDisplayName() {
        return "demo";
    }
}
