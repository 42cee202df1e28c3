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
 * {@value DeploymentHistory#BUILDS} builds again: per job, one small summary per build read (its number, whether it
 * had finished, and its promoted rollouts' targets, record ids and end times). A view brings a job's summary up to
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

    /** One build as read: {@code settled} once it had finished, so that it need not be read again. */
    private record BuildSummary(int number, boolean settled, List<Promoted> promoted) {
    }

    private static final Comparator<Promoted> NEWEST = Comparator.comparing(Promoted::finished,
            DeploymentHistory.BY_TIME);

    /** Per job, its builds as read, newest first, at most {@value DeploymentHistory#BUILDS}. */
    private final Map<Job<?, ?>, List<BuildSummary>> jobs = Collections.synchronizedMap(new WeakHashMap<>());

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

    /** The job's summary, with the builds since its newest settled one read now. */
    private List<BuildSummary> refresh(Job<?, ?> job) {
        List<BuildSummary> known = jobs.getOrDefault(job, List.of());
        int settledUpTo = settledUpTo(known);
        List<BuildSummary> fresh = new ArrayList<>();
        int read = 0;
        for (Run<?, ?> run = job.getLastBuild(); run != null && run.getNumber() > settledUpTo
                && read < DeploymentHistory.BUILDS; run = run.getPreviousBuild()) {
            read++;
            fresh.add(summary(run));
        }
        List<BuildSummary> merged = new ArrayList<>(fresh);
        for (BuildSummary old : known) {
            if (old.number() <= settledUpTo && merged.size() < DeploymentHistory.BUILDS) {
                merged.add(old);
            }
        }
        List<BuildSummary> summary = List.copyOf(merged);
        jobs.put(job, summary);
        return summary;
    }

    /** The highest build number up to which every build read had finished; 0 when there is none. */
    private static int settledUpTo(List<BuildSummary> newestFirst) {
        int upTo = 0;
        for (int i = newestFirst.size() - 1; i >= 0 && newestFirst.get(i).settled(); i--) {
            upTo = newestFirst.get(i).number();
        }
        return upTo;
    }

    private static BuildSummary summary(Run<?, ?> run) {
        // asked before the records are read: a build that had finished by then has its records complete
        boolean settled = !run.isBuilding();
        List<Promoted> promoted = new ArrayList<>();
        for (DeliveryAction record : run.getActions(DeliveryAction.class)) {
            Deployment row = Deployment.of(run, record);
            if (row != null && row.promoted()) {
                promoted.add(new Promoted(run.getNumber(), record.getId(), row.target(), row.finished()));
            }
        }
        return new BuildSummary(run.getNumber(), settled, List.copyOf(promoted));
    }

    private static List<Promoted> newestPerTarget(List<BuildSummary> builds) {
        Map<String, Promoted> newest = new LinkedHashMap<>();
        for (BuildSummary build : builds) {
            for (Promoted promoted : build.promoted()) {
                newest.merge(promoted.target(), promoted, (a, b) -> NEWEST.compare(a, b) >= 0 ? a : b);
            }
        }
        return List.copyOf(newest.values());
    }

    /** Forgets every job's summary (tests). */
    void clear() {
        jobs.clear();
    }
}
