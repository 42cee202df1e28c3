package io.jenkins.plugins.progressivedelivery.actions;

import hudson.model.Job;
import hudson.model.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the Production page and the jobs' Deployments links know of each job between two views, so that a view does
 * not read every job's last {@value DeploymentHistory#BUILDS} builds again, nor a job page its last
 * {@value DeploymentsActionFactory#RECENT}: per job, the numbers of the builds read, up to which one they had all
 * finished, which of them rolled something out, and their promoted rollouts (target, record id, end time). A view
 * brings a job's summary up to date by reading only the builds newer than the newest one that had finished when read
 * (and older ones only when it needs more than were read), and then loads just the builds behind what it shows; the
 * first view after Jenkins starts reads what the page always read.
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
     * @param rollouts    the builds of the window with a rollout's record (any outcome; not an analysis gate's),
     *                    newest first
     * @param first       whether the window reaches the job's first build: no older one is left to read
     * @param last        the job's last build when read (0: none)
     */
    private record JobSummary(int[] numbers, int settledUpTo, List<Promoted> promoted, List<Integer> rollouts,
                              boolean first, int last) {
        static final JobSummary NONE = new JobSummary(new int[0], 0, List.of(), List.of(), false, 0);
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
            for (Promoted newest : newestPerTarget(refresh(job, DeploymentHistory.BUILDS))) {
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

    /**
     * Whether one of the job's last {@code recent} builds rolled something out: the job's Deployments link. Reads the
     * builds since the job was last looked at, and the build that says yes unless it is the last one (it may have
     * been deleted since).
     */
    boolean rolledOutRecently(Job<?, ?> job, int recent) {
        for (int attempt = 0; attempt < 2; attempt++) {
            JobSummary summary = refresh(job, recent);
            if (summary.numbers().length == 0) {
                return false;
            }
            int oldestRecent = summary.numbers()[Math.min(recent, summary.numbers().length) - 1];
            Integer newest = summary.rollouts().stream().filter(build -> build >= oldestRecent).findFirst()
                    .orElse(null);
            if (newest == null) {
                return false;
            }
            if (newest == summary.last() || job.getBuildByNumber(newest) != null) {
                return true;
            }
            jobs.remove(job); // the build that said yes was deleted: read the job's builds again
        }
        return rollsOut(job, recent);
    }

    /** What the link was before summaries: the job's last {@code recent} builds read. */
    private static boolean rollsOut(Job<?, ?> job, int recent) {
        int read = 0;
        for (Run<?, ?> run = job.getLastBuild(); run != null && read < recent; run = run.getPreviousBuild()) {
            read++;
            if (rollsOut(run)) {
                return true;
            }
        }
        return false;
    }

    private static boolean rollsOut(Run<?, ?> run) {
        for (DeliveryAction record : run.getActions(DeliveryAction.class)) {
            if (!"analysisGate".equals(record.getKind())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The job's summary, with the builds above its settled ones read now, and older ones until the window holds
     * {@code depth} builds (or the job has no more).
     */
    private JobSummary refresh(Job<?, ?> job, int depth) {
        JobSummary known = jobs.getOrDefault(job, JobSummary.NONE);
        Window window = new Window();
        Run<?, ?> lastBuild = job.getLastBuild();
        Run<?, ?> run = lastBuild;
        for (; run != null && run.getNumber() > known.settledUpTo() && window.numbers.size() < depth;
                run = run.getPreviousBuild()) {
            window.read(run);
        }
        boolean first = run == null;
        // stopped at the settled builds: the known window continues this one (stopped short of them: it cannot)
        if (run != null && run.getNumber() <= known.settledUpTo()) {
            int kept = 0;
            for (int number : known.numbers()) {
                if (number <= known.settledUpTo() && window.numbers.size() < DeploymentHistory.BUILDS) {
                    window.numbers.add(number);
                    kept++;
                }
            }
            int oldest = window.numbers.isEmpty() ? 0 : window.numbers.get(window.numbers.size() - 1);
            for (Promoted old : known.promoted()) {
                if (old.build() <= known.settledUpTo() && old.build() >= oldest) {
                    window.promoted.add(old);
                }
            }
            for (int old : known.rollouts()) {
                if (old <= known.settledUpTo() && old >= oldest) {
                    window.rollouts.add(old);
                }
            }
            first = known.first() && kept == Arrays.stream(known.numbers())
                    .filter(number -> number <= known.settledUpTo()).count();
        }
        if (window.numbers.size() < depth && !first && !window.numbers.isEmpty()) {
            // a view that needs more builds than an earlier one read: the older ones now
            Run<?, ?> oldest = job.getBuildByNumber(window.numbers.get(window.numbers.size() - 1));
            if (oldest == null) {
                jobs.remove(job); // deleted since: read the job again
                return refresh(job, depth);
            }
            for (run = oldest.getPreviousBuild(); run != null && window.numbers.size() < depth;
                    run = run.getPreviousBuild()) {
                window.read(run);
            }
            first = run == null;
        }
        int settledUpTo = window.firstUnsettled != Integer.MAX_VALUE ? window.firstUnsettled - 1
                : window.numbers.isEmpty() ? known.settledUpTo() : window.numbers.get(0);
        JobSummary summary = new JobSummary(window.numbers.stream().mapToInt(Integer::intValue).toArray(),
                Math.min(settledUpTo, window.numbers.isEmpty() ? 0 : window.numbers.get(0)),
                List.copyOf(window.promoted), List.copyOf(window.rollouts), first,
                lastBuild == null ? 0 : lastBuild.getNumber());
        jobs.put(job, summary);
        return summary;
    }

    /** The builds a refresh reads, newest first. */
    private static final class Window {
        final List<Integer> numbers = new ArrayList<>();
        final List<Promoted> promoted = new ArrayList<>();
        final List<Integer> rollouts = new ArrayList<>();
        int firstUnsettled = Integer.MAX_VALUE;

        void read(Run<?, ?> run) {
            // asked before the records are read: a build that had finished by then has its records complete
            if (run.isBuilding()) {
                firstUnsettled = run.getNumber();
            }
            numbers.add(run.getNumber());
            promoted.addAll(promoted(run));
            if (rollsOut(run)) {
                rollouts.add(run.getNumber());
            }
        }
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
