package io.jenkins.plugins.progressivedelivery.actions;

import hudson.model.Job;
import hudson.model.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the Production page knows of each job between two views, so that a view does not read every job's last
 * {@value DeploymentHistory#BUILDS} builds again: per job, the numbers of the builds read, up to which one they had
 * all finished, and their promoted rollouts (target, record id, end time). A view brings a job's summary up to
 * date by reading only the builds newer than the newest one that had finished when read, and then loads just the
 * builds behind the rows it shows; the first view after Jenkins starts reads what the page always read.
 *
 * <p>Nothing is stored: the summaries are in memory, keyed by the job object (a job loaded again from disk is read
 * again), and the rows are made from the builds' own records, so a build discarder that deletes a build deletes its
 * rows. A shown row whose build is gone makes its job be read again in full.
 */
final class ProductionIndex {
    static final ProductionIndex INSTANCE = new ProductionIndex();

    /** A promoted rollout of a build, as much of it as choosing the newest per target needs. */
    private record Promoted(int build, String recordId, String target, Instant finished) {
    }

    /**
     * A job as read.
     *
     * @param numbers     the builds read, newest first, at most {@value DeploymentHistory#BUILDS}: the window
     * @param settledUpTo every build read up to this number had finished when read; the next view reads the builds
     *                    above it again (0: read them all)
     * @param promoted    the promoted rollouts of the builds in the window
     */
    private record JobSummary(int[] numbers, int settledUpTo, List<Promoted> promoted) {
        static final JobSummary NONE = new JobSummary(new int[0], 0, List.of());
    }

    private static final Comparator<Promoted> NEWEST = Comparator.comparing(Promoted::finished,
            DeploymentHistory.BY_TIME);

    private final Map<Job<?, ?>, JobSummary> jobs = Collections.synchronizedMap(new WeakHashMap<>());

    /** Per target, the newest promoted rollout among {@code visible} jobs (those the viewer may read). */
    List<Deployment> production(Iterable<? extends Job<?, ?>> visible) {
        List<List<Deployment>> rows = new ArrayList<>();
        for (Job<?, ?> job : visible) {
            rows.add(rows(job));
        }
        return DeploymentHistory.production(rows);
    }

    /** The job's newest promoted rollout per target, from its summary. */
    List<Deployment> rows(Job<?, ?> job) {
        for (int attempt = 0; attempt < 2; attempt++) {
            List<Deployment> rows = new ArrayList<>();
            boolean complete = true;
            for (Promoted newest : newestPerTarget(refresh(job))) {
                Run<?, ?> run = job.getBuildByNumber(newest.build());
                DeliveryAction record = run == null ? null : DeliveryAction.find(run, newest.recordId());
                Deployment row = record == null ? null : Deployment.of(run, record);
                if (row == null) {
                    complete = false;
                    break;
                }
                rows.add(row);
            }
            if (complete) {
                return rows;
            }
            jobs.remove(job); // a build behind a row was deleted: read the job's builds again
        }
        return DeploymentHistory.production(List.of(DeploymentHistory.of(job, DeploymentHistory.BUILDS)));
    }

    /** The job's summary, with the builds above its settled ones read now. */
    private JobSummary refresh(Job<?, ?> job) {
        JobSummary known = jobs.getOrDefault(job, JobSummary.NONE);
        List<Integer> numbers = new ArrayList<>();
        List<Promoted> promoted = new ArrayList<>();
        int firstUnsettled = Integer.MAX_VALUE;
        for (Run<?, ?> run = job.getLastBuild(); run != null && run.getNumber() > known.settledUpTo()
                && numbers.size() < DeploymentHistory.BUILDS; run = run.getPreviousBuild()) {
            // asked before the records are read: a build that had finished by then has its records complete
            if (run.isBuilding()) {
                firstUnsettled = run.getNumber();
            }
            numbers.add(run.getNumber());
            promoted.addAll(promoted(run));
        }
        int settledUpTo = firstUnsettled != Integer.MAX_VALUE ? firstUnsettled - 1
                : numbers.isEmpty() ? known.settledUpTo() : numbers.get(0);
        for (int number : known.numbers()) {
            if (number <= known.settledUpTo() && numbers.size() < DeploymentHistory.BUILDS) {
                numbers.add(number);
            }
        }
        int oldest = numbers.isEmpty() ? 0 : numbers.get(numbers.size() - 1);
        for (Promoted old : known.promoted()) {
            if (old.build() <= known.settledUpTo() && old.build() >= oldest) {
                promoted.add(old);
            }
        }
        JobSummary summary = new JobSummary(numbers.stream().mapToInt(Integer::intValue).toArray(),
                Math.min(settledUpTo, numbers.isEmpty() ? 0 : numbers.get(0)), List.copyOf(promoted));
        jobs.put(job, summary);
        return summary;
    }

    private static List<Promoted> promoted(Run<?, ?> run) {
        List<Promoted> promoted = new ArrayList<>();
        for (DeliveryAction record : run.getActions(DeliveryAction.class)) {
            Deployment row = Deployment.of(run, record);
            if (row != null && row.promoted()) {
                promoted.add(new Promoted(run.getNumber(), record.getId(), row.target(), row.finished()));
            }
        }
        return promoted;
    }

    private static List<Promoted> newestPerTarget(JobSummary job) {
        Map<String, Promoted> newest = new LinkedHashMap<>();
        for (Promoted promoted : job.promoted()) {
            newest.merge(promoted.target(), promoted, (a, b) -> NEWEST.compare(a, b) >= 0 ? a : b);
        }
        return List.copyOf(newest.values());
    }

    /** Forgets every job's summary (tests). */
    void clear() {
        jobs.clear();
    }
}
