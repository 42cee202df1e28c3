package io.jenkins.plugins.progressivedelivery.fakes;

import hudson.model.Job;
import java.util.HashSet;
import java.util.Set;

public final class FakeJob extends Job<FakeJob, FakeRun> {
    private FakeRun lastBuild;
    private final Set<Integer> deleted = new HashSet<>();
    /** How many builds were asked for one by one (previous build, build by number): what loads build.xml files. */
    private int buildsRead;

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
        FakeRun last = lastBuild;
        return last != null && deleted.contains(last.getNumber()) ? last.getPreviousBuild() : last;
    }

    @Override
    public FakeRun getBuildByNumber(int n) {
        buildsRead++;
        for (FakeRun run = lastBuild; run != null; run = run.previousRegardless()) {
            if (run.getNumber() == n) {
                return deleted.contains(n) ? null : run;
            }
        }
        return null;
    }

    /** As a build discarder does: the build is gone from the job. */
    public void delete(int number) {
        deleted.add(number);
    }

    boolean isDeleted(int number) {
        return deleted.contains(number);
    }

    void countRead() {
        buildsRead++;
    }

    public int buildsRead() {
        return buildsRead;
    }
}
