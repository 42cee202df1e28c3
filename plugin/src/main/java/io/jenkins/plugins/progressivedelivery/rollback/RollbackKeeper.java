package io.jenkins.plugins.progressivedelivery.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ResumeReason;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RollbackRetry;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a rollback going after the step that started it has ended, as a controller keeps reconciling: Pipeline's
 * {@code timeout} ends its block a minute after it fired whatever the step does, a hard kill ends the build, and a
 * controller restart after either would otherwise leave traffic on the canary with nothing to resume it.
 *
 * <p>While a step rolls back and traffic is not yet safe, and then while its delayed scale-down of the canary (or the
 * rejected colour) is due, it {@linkplain #track tracks} the rollback here: the keeper writes it to its {@link
 * RollbackStore} (no secret: credential ids, the job and build, the engine's state) and checks every {@link #WATCH}
 * whether the step has ended. When it has, the step's engine is stopped where it is and the keeper resumes it from its
 * state (a scale-down keeps its due time), on the controller, with the engine's own capped backoff (1 s ... 30 s, on
 * the scheduler: no thread waits) and the plan's {@code rollbackTimeout}. Every attempt looks the cluster credential up again in the
 * job's context, and goes into the build's record (and its log while the build runs, else the Jenkins log), and so
 * do the keeper's own lines: a build that ended long ago still shows how its rollback ended. Once traffic is safe
 * the file stays, with the delayed scale-down of the canary (or the rejected colour) and when it is due, until that
 * is done; then it goes and the last line says who finished it. When the keeper gives up ({@code rollbackTimeout})
 * a build still running becomes a FAILURE, and the file stays, marked given up, so that Manage Jenkins » Pending
 * rollbacks lists it as failed until an administrator dismisses it.
 *
 * <p>After a controller restart {@link #resumeAll()} resumes every file the keeper owned (a due scale-down too), and
 * those of steps whose build has ended (a step of a running build resumes itself and {@linkplain #claim claims} its
 * file).
 */
public class RollbackKeeper {
    /** How often the keeper looks whether a step that is rolling back has ended. */
    public static final Duration WATCH = Duration.ofSeconds(10);
    static final String PREFIX = "[progressive-delivery] ";
    /** Who goes on with a rollback the step let go, as the engine's resume line names it. */
    private static final String KEEPER = "the Jenkins rollback keeper";
    /** The actor of the keeper's own events in the build's record. */
    public static final String ACTOR = "Jenkins rollback keeper";

    /** What the keeper runs on: Jenkins in production, fakes in tests. */
    public interface Host extends RollbackKind.Clusters {
        Scheduler scheduler();

        Executor io();

        RollbackStore store();

        /** The build, or null when it (or its job) has been deleted. */
        Run<?, ?> run(String job, int build);

        boolean building(Run<?, ?> run);

        /** The cluster credential looked up again, in the context of {@code run} (or of the job when it is gone). */
        ClusterAccess access(PendingRollback pending, Run<?, ?> run) throws IOException;

        /** Where the keeper's calls run. */
        Where where(PendingRollback pending);

        /** The Jenkins system log, for lines no build log can take any more. */
        void systemLog(String line);

        /**
         * The pending rollbacks that a step still running in some build has (once every build's program is loaded);
         * null when that cannot be known now.
         */
        default java.util.Set<String> liveSteps() {
            return null;
        }
    }

    /** A step execution that may have a pending rollback, as Pipeline's program state holds it. */
    public interface KeepingStep {
        /** Its pending rollback's id, or null. */
        String pendingRollbackId();
    }

    /** What a step that is rolling back lends the keeper while it runs. */
    public interface StepHandle {
        /** Why the step can no longer finish the rollback (its context ended, the build ended); null while it can. */
        String endedBecause();

        /**
         * Stops the step's engine where it is and hands over its latest state and the build log; null when the step
         * finished the rollback in the meantime (nothing to take over).
         */
        Handover handOver(String because);
    }

    /** The engine's state at the handover, and the build's log while the build still runs. */
    public record Handover(Object snapshot, TaskListener buildLog) {
    }

    private final Host host;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public RollbackKeeper(Host host) {
        this.host = host;
    }

    private final class Entry {
        volatile PendingRollback pending;
        volatile StepHandle step;
        volatile RollbackKind.Kept engine;
        volatile TaskListener buildLog;
        volatile String status;
        volatile ClusterAccess access;
        volatile String where;
        final AtomicBoolean checkpointPending = new AtomicBoolean();
        final AtomicBoolean handedOver = new AtomicBoolean();
        volatile boolean safe;
        /** The engine has ended (guarded by the entry): a checkpoint still queued must not write its file again. */
        volatile boolean finished;

        Entry(PendingRollback pending) {
            this.pending = pending;
        }

        RollbackKind kind() {
            return RollbackKind.ofStep(pending.kind());
        }
    }

    // ---- from the steps -----------------------------------------------------------------------------------------

    /**
     * A step is rolling back and traffic is not safe, or it is safe and the step's delayed scale-down of the canary
     * (or the rejected colour) is due: written to disk (again, with the latest state), and watched, so that the
     * keeper finishes it if the step ends first. Called at each of the step's checkpoints.
     */
    public void track(PendingRollback pending, String status, StepHandle step) {
        Entry entry = entries.computeIfAbsent(pending.id(), id -> new Entry(pending));
        if (entry.handedOver.get()) {
            return;
        }
        boolean first = entry.step == null;
        entry.pending = withStepScaleDown(entry, pending);
        entry.step = step;
        entry.status = status;
        save(entry);
        if (first) {
            watch(entry);
        }
        String ended = step.endedBecause();
        if (ended != null) {
            handOver(entry, ended);
        }
    }

    /** The step's rollback is done (or gave up and the step said so): nothing is pending any more. */
    public void release(String id) {
        Entry entry = entries.get(id);
        if (entry != null && entry.handedOver.get()) {
            return; // the keeper drives it now; the step's word is stale
        }
        entries.remove(id);
        remove(id);
    }

    /** The step's scale-down keeps when traffic was first seen safe. */
    private static PendingRollback withStepScaleDown(Entry entry, PendingRollback pending) {
        PendingRollback.ScaleDown seen = entry.pending.scaleDown();
        return pending.scaleDown() == null || seen == null ? pending : pending.withScaleDown(seen);
    }

    /** A step resumed after a restart and drives its rollback again: the keeper must not resume it too. */
    public void claim(String id, StepHandle step) {
        Entry entry = entries.get(id);
        if (entry == null) {
            PendingRollback stored = read(id);
            if (stored == null || stored.keeperOwned()) {
                return; // nothing pending, or the keeper already took it over before the restart
            }
            entry = entries.computeIfAbsent(id, key -> new Entry(stored));
        }
        if (!entry.handedOver.get() && entry.step == null) {
            entry.step = step;
            watch(entry);
        }
    }

    /** Whether the keeper (not the step) drives the rollback {@code id}. */
    public boolean keeps(String id) {
        Entry entry = entries.get(id);
        if (entry != null) {
            return entry.handedOver.get();
        }
        PendingRollback stored = read(id); // after a restart, before resumeAll() has run
        return stored != null && stored.keeperOwned();
    }

    /** The live status of a pending rollback of that build's record ({@code ROLLING BACK — retrying ...}), or null. */
    public String status(String job, int build, String recordId) {
        for (Entry entry : entries.values()) {
            PendingRollback p = entry.pending;
            if (p.job().equals(job) && p.build() == build && p.recordId().equals(recordId)) {
                return entry.status;
            }
        }
        return null;
    }

    /** Where the pending rollback {@code id} is kept. */
    public String file(String id) {
        return host.store().file(id).toString();
    }

    /** Every pending rollback this keeper knows, as on disk. */
    public List<PendingRollback> pending() {
        List<PendingRollback> all = new ArrayList<>();
        entries.values().forEach(entry -> all.add(entry.pending));
        return all;
    }

    /**
     * An administrator gives up a rollback the keeper drives (the cluster is gone, or a person has finished it by
     * hand): its engine stops, its file goes, and the record and the log say that traffic may NOT be safe. A rollback
     * its step still drives is not the keeper's to cancel (abort or stop the build).
     *
     * @return what happened, for the page
     */
    public String cancel(String id, String actor) {
        Entry entry = entries.get(id);
        if (entry == null) {
            return "no pending rollback " + id;
        }
        if (!entry.handedOver.get()) {
            return "the step of " + entry.pending.buildName() + " still drives this rollback: stop the build instead";
        }
        if (entry.pending.gaveUp() != null) {
            return dismiss(entry, actor);
        }
        if (entry.pending.scaleDown() != null) {
            return cancelScaleDown(entry, actor);
        }
        PendingRollback pending = stopAndForget(entry);
        String status = entry.status;
        String command = pending.state() == null || pending.state().get("rollbackCommand") == null ? null
                : pending.state().get("rollbackCommand").asText();
        String message = "ROLLBACK CANCELLED by " + actor + " while traffic was NOT safe (" + status + ")"
                + (command == null ? "; check the route and finish it by hand"
                : "; finish it by hand: " + command);
        Run<?, ?> run = host.run(pending.job(), pending.build());
        DeliveryAction record = run == null ? null : DeliveryAction.find(run, pending.recordId());
        if (record != null) {
            record.complete("Rollback failed", null, message);
            save(run);
        }
        say(entry, run, "Rollback failed: " + message, null);
        return "cancelled the rollback of " + pending.buildName();
    }

    /**
     * A cancel: the keeper's engine stops, the entry is finished (a late checkpoint cannot write it back), and the
     * file goes.
     */
    private PendingRollback stopAndForget(Entry entry) {
        RollbackKind.Kept engine = entry.engine;
        if (engine != null) {
            engine.stop();
        }
        synchronized (entry) {
            entry.finished = true;
            entry.engine = null;
            entries.remove(entry.pending.id(), entry);
            remove(entry.pending.id());
            return entry.pending;
        }
    }

    /** Traffic is safe; only the scale-down is called off, and the Deployment keeps its pods until scaled by hand. */
    private String cancelScaleDown(Entry entry, String actor) {
        PendingRollback pending = stopAndForget(entry);
        PendingRollback.ScaleDown scaleDown = pending.scaleDown();
        String[] resource = scaleDown.resource().split("/", 3); // deployment/<namespace>/<name>
        String message = "traffic is safe; the scale-down of " + scaleDown.resource() + " was cancelled by " + actor
                + ", so its pods keep running: scale it down by hand with kubectl -n " + resource[1]
                + " scale deployment " + resource[2] + " --replicas=0";
        Run<?, ?> run = host.run(pending.job(), pending.build());
        DeliveryAction record = run == null ? null : DeliveryAction.find(run, pending.recordId());
        if (record != null) {
            boolean aborted = pending.state() != null && pending.state().path("abortedByUser").asBoolean();
            record.complete(aborted ? "Aborted" : "Rolled back", 0, message);
        }
        say(entry, run, message, scaleDown.resource());
        return "cancelled the scale-down of " + pending.buildName();
    }

    /** A given-up rollback leaves the page once an administrator has seen to it; the record says who and when. */
    private String dismiss(Entry entry, String actor) {
        PendingRollback pending = entry.pending;
        entries.remove(pending.id(), entry);
        remove(pending.id());
        say(entry, host.run(pending.job(), pending.build()), "the given-up rollback was dismissed by " + actor
                + " from Manage Jenkins » Pending rollbacks", null);
        return "dismissed the given-up rollback of " + pending.buildName();
    }

    // ---- after a restart ------------------------------------------------------------------------------------------

    /**
     * Resumes every pending rollback on disk that nobody drives: those the keeper owned, and those of steps whose build
     * has ended or is gone. Idempotent: called when Jenkins has loaded its jobs, and again periodically.
     */
    public void resumeAll() {
        java.util.Set<String> live = null;
        boolean askedLive = false;
        for (PendingRollback stored : host.store().all()) {
            if (entries.containsKey(stored.id())) {
                continue;
            }
            if (stored.keeperOwned()) {
                Entry entry = new Entry(stored);
                if (entries.putIfAbsent(stored.id(), entry) == null) {
                    entry.handedOver.set(true);
                    PendingRollback.ScaleDown scaleDown = stored.scaleDown();
                    if (stored.gaveUp() != null) {
                        entry.status = stored.gaveUp().message(); // listed as failed until dismissed; no retry
                        entry.finished = true;
                    } else if (scaleDown != null) {
                        entry.safe = true;
                        start(entry, "resumed by the Jenkins rollback keeper after a controller restart: traffic was"
                                + " already safe, " + scaleDown.resource() + " is scaled down at " + scaleDown.dueAt()
                                + " (the step had ended: " + stored.endedBecause() + ")", ResumeReason.RESTART);
                    } else {
                        start(entry, "resumed by the Jenkins rollback keeper after a controller restart (the step had"
                                + " ended: " + stored.endedBecause() + ")", ResumeReason.RESTART);
                    }
                }
                continue;
            }
            Run<?, ?> run = host.run(stored.job(), stored.build());
            boolean orphan = false;
            if (run != null && host.building(run)) {
                if (!askedLive) {
                    live = host.liveSteps();
                    askedLive = true;
                }
                orphan = live != null && !live.contains(stored.id());
            }
            if (run == null || !host.building(run) || orphan) {
                Entry entry = new Entry(stored);
                if (entries.putIfAbsent(stored.id(), entry) == null) {
                    String because = run == null ? "the build was deleted" : orphan
                            ? "the step is no longer part of its running build (timeout ended it before the restart)"
                            : "the build ended before the rollback";
                    entry.pending = stored.handedOver(host.scheduler().now(), because);
                    entry.handedOver.set(true);
                    entry.safe = stored.scaleDown() != null;
                    save(entry);
                    start(entry, "resumed by the Jenkins rollback keeper after a controller restart (" + because
                            + (stored.scaleDown() == null ? ")" : "): traffic was already safe, "
                            + stored.scaleDown().resource() + " is scaled down at " + stored.scaleDown().dueAt()),
                            ResumeReason.RESTART);
                }
            }
            // else: the build runs; its step resumes and claims the file (checked again at the next round)
        }
    }

    // ---- taking over -------------------------------------------------------------------------------------------

    private void watch(Entry entry) {
        host.scheduler().schedule(WATCH, () -> host.io().execute(() -> {
            StepHandle step = entry.step;
            if (entry.handedOver.get() || step == null || entries.get(entry.pending.id()) != entry) {
                return; // taken over, or released
            }
            String ended = step.endedBecause();
            if (ended != null) {
                handOver(entry, ended);
            } else {
                watch(entry);
            }
        }));
    }

    private void handOver(Entry entry, String because) {
        if (!entry.handedOver.compareAndSet(false, true)) {
            return;
        }
        StepHandle step = entry.step;
        entry.step = null;
        Handover handover = step.handOver(because);
        if (handover == null) {
            entries.remove(entry.pending.id(), entry);
            remove(entry.pending.id());
            return; // the step finished in the meantime
        }
        RollbackKind kind = entry.kind();
        Object snapshot = handover.snapshot();
        if (!kind.pending(snapshot)) {
            entries.remove(entry.pending.id(), entry);
            remove(entry.pending.id());
            return;
        }
        entry.buildLog = handover.buildLog();
        PendingRollback next = entry.pending.withState(kind.tree(snapshot)).handedOver(host.scheduler().now(), because);
        if (kind.unsafe(snapshot)) {
            entry.pending = next;
            save(entry);
            start(entry, "the Jenkins rollback keeper continues the rollback from attempt " + attempt(handover) + " on",
                    ResumeReason.handedOver(KEEPER, because + ", before traffic was safe"));
            return;
        }
        // the step made traffic safe (perhaps after its last checkpoint); only its delayed scale-down is left
        PendingRollback.ScaleDown scaleDown = next.scaleDown() != null ? next.scaleDown()
                : kind.scaleDown(snapshot, host.scheduler().now()).by(PendingRollback.STEP);
        entry.pending = next.withScaleDown(scaleDown);
        entry.safe = true;
        save(entry);
        start(entry, "the Jenkins rollback keeper takes over the delayed scale-down: traffic is already safe, "
                        + scaleDown.resource() + " is scaled down at " + scaleDown.dueAt() + " (kept in "
                        + host.store().file(entry.pending.id()) + ": a controller restart before then still scales it"
                        + " down)",
                ResumeReason.handedOver(KEEPER, because + ", after traffic was safe, before the delayed scale-down"));
    }

    /** Resumes the engine from the entry's state, with the credential looked up now. */
    private void start(Entry entry, String announcement, ResumeReason reason) {
        if (entry.finished || entries.get(entry.pending.id()) != entry) {
            return; // cancelled while the credential could not be looked up
        }
        PendingRollback pending = entry.pending;
        Run<?, ?> run = host.run(pending.job(), pending.build());
        Where where = host.where(pending);
        ClusterAccess access;
        try {
            access = host.access(pending, run);
        } catch (IOException | RuntimeException e) {
            say(entry, run, "cannot look up " + pending.cluster().describe() + " for " + pending.buildName()
                    + " (" + e.getMessage() + "); the keeper tries again in " + RollbackRetry.CAP.toSeconds() + "s",
                    null);
            host.scheduler().schedule(RollbackRetry.CAP, () -> host.io().execute(() -> start(entry, announcement, reason)));
            return;
        }
        say(entry, run, announcement + ", calls from " + where.describe() + " with " + pending.cluster().describe(),
                null);
        resume(entry, pending.state(), where, access, reason);
    }

    private void resume(Entry entry, JsonNode state, Where where, ClusterAccess access, ResumeReason reason) {
        entry.access = access;
        entry.where = where.describe();
        entry.engine = entry.kind().resume(state, host, where, access, host.scheduler(), host.io(),
                event -> onEvent(entry, event), outcome -> host.io().execute(() -> finish(entry, outcome)), reason);
        checkpoint(entry);
    }

    private void onEvent(Entry entry, AuditEvent event) {
        Run<?, ?> run = host.run(entry.pending.job(), entry.pending.build());
        log(entry, run, event.toLogLine());
        DeliveryAction record = run == null ? null : DeliveryAction.find(run, entry.pending.recordId());
        if (record != null) {
            record.record(event);
        }
        if (entry.checkpointPending.compareAndSet(false, true)) {
            host.io().execute(() -> checkpoint(entry));
        }
        if (event.action() == AuditAction.RETRY) {
            host.io().execute(() -> refresh(entry));
        }
    }

    /** The engine's state to disk while traffic is unsafe; the file goes once it is safe. The record's status. */
    private void checkpoint(Entry entry) {
        entry.checkpointPending.set(false);
        RollbackKind.Kept engine = entry.engine;
        if (engine == null) {
            return;
        }
        Object snapshot = engine.snapshot();
        RollbackKind kind = entry.kind();
        PendingRollback.ScaleDown scaleDown = null;
        synchronized (entry) {
            if (entry.finished) {
                return; // finish() has written the outcome; this snapshot is older
            }
            entry.status = engine.status();
            if (kind.unsafe(snapshot)) {
                entry.pending = entry.pending.withState(kind.tree(snapshot));
                save(entry);
            } else {
                PendingRollback.ScaleDown due = kind.scaleDown(snapshot, host.scheduler().now());
                if (due != null) {
                    if (entry.pending.scaleDown() == null) {
                        due = due.by(PendingRollback.KEEPER);
                        scaleDown = due;
                    } else {
                        due = entry.pending.scaleDown(); // when traffic became safe stays as first seen
                    }
                    entry.pending = entry.pending.withState(kind.tree(snapshot)).withScaleDown(due);
                    save(entry);
                } else if (!entry.safe) {
                    remove(entry.pending.id());
                }
                entry.safe = true;
            }
        }
        Run<?, ?> run = host.run(entry.pending.job(), entry.pending.build());
        if (scaleDown != null) {
            say(entry, run, "traffic is safe; " + scaleDown.resource() + " is scaled down at " + scaleDown.dueAt()
                    + " (kept in " + host.store().file(entry.pending.id()) + ": a controller restart before then"
                    + " still scales it down)", scaleDown.resource());
        }
        DeliveryAction record = run == null ? null : DeliveryAction.find(run, entry.pending.recordId());
        if (record != null && !entry.finished) {
            record.setStatus(entry.status);
            save(run);
        }
    }

    /**
     * After a failed attempt: the credential and where the calls go, as they are now. When they changed (a rotated
     * token, the agent gone or back) the engine goes on from its state with the new ones.
     */
    private void refresh(Entry entry) {
        RollbackKind.Kept engine = entry.engine;
        if (engine == null || entry.safe) {
            return;
        }
        PendingRollback pending = entry.pending;
        Run<?, ?> run = host.run(pending.job(), pending.build());
        Where where = host.where(pending);
        ClusterAccess access;
        try {
            access = host.access(pending, run);
        } catch (IOException | RuntimeException e) {
            log(entry, run, "cannot look up " + pending.cluster().describe() + " again (" + e.getMessage()
                    + "); the next attempt uses the one found before");
            return;
        }
        if (access.equals(entry.access) && where.describe().equals(entry.where)) {
            return;
        }
        synchronized (entry) {
            if (entry.engine != engine) {
                return;
            }
            engine.stop();
            Object snapshot = engine.snapshot();
            say(entry, run, "the cluster credential or where the calls run changed; the rollback goes on with "
                    + pending.cluster().describe() + " from " + where.describe(), null);
            resume(entry, entry.kind().tree(snapshot), where, access, new ResumeReason("the cluster credential or"
                    + " where the calls run changed, so " + KEEPER + " goes on with the new ones"));
        }
    }

    private void finish(Entry entry, RollbackKind.Outcome outcome) {
        RollbackKind.Kept engine = entry.engine;
        if (engine != null) {
            engine.stop();
        }
        PendingRollback pending;
        synchronized (entry) {
            entry.finished = true;
            entry.engine = null;
            if (outcome.trafficSafe()) {
                entry.status = outcome.verdict();
                pending = entry.pending;
                remove(pending.id());
                entries.remove(pending.id(), entry);
            } else {
                // nothing retries any more, and traffic is NOT safe: the page lists it until someone has seen to it
                entry.status = outcome.message();
                entry.pending = entry.pending.givenUp(host.scheduler().now(), outcome.message());
                pending = entry.pending;
                save(entry);
            }
        }
        Run<?, ?> run = host.run(pending.job(), pending.build());
        DeliveryAction record = run == null ? null : DeliveryAction.find(run, pending.recordId());
        if (record != null) {
            record.complete(outcome.verdict(), outcome.finalWeight(), outcome.message());
        }
        if (!outcome.trafficSafe() && run != null) {
            if (host.building(run)) {
                // the step that would have failed the build has ended; the build must not end SUCCESS regardless
                run.setResult(Result.FAILURE);
                say(entry, run, "the build's result is set to FAILURE: the rollback that the Jenkins rollback keeper"
                        + " carried on after the step ended gave up with traffic NOT safe", null);
            } else {
                Result ended = run.getResult();
                say(entry, run, "the build had already ended" + (ended == null ? "" : " (" + ended + ")")
                        + " when the Jenkins rollback"
                        + " keeper gave up with traffic NOT safe: Manage Jenkins » Pending rollbacks lists it as"
                        + " failed until an administrator dismisses it", null);
            }
        }
        boolean onlyScaleDown = pending.scaleDown() != null && pending.scaleDown().madeSafeByStep();
        say(entry, run, outcome.logLine() + (!outcome.trafficSafe()
                ? " (given up by the Jenkins rollback keeper, which had carried the rollback on after the step ended: "
                : onlyScaleDown
                ? " (finished by the Jenkins rollback keeper, which took over the delayed scale-down of "
                + pending.scaleDown().resource() + ": the step had made traffic safe and ended before it, "
                : " (finished by the Jenkins rollback keeper: the step had ended before traffic was safe, ")
                + pending.endedBecause() + ")", null);
    }

    /** The attempt the keeper's engine makes first, for the log. */
    private static int attempt(Handover handover) {
        Object snapshot = handover.snapshot();
        int done = snapshot instanceof io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutState canary
                ? canary.attempt()
                : snapshot instanceof io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenState blueGreen
                ? blueGreen.attempt() : 0;
        return done + 1;
    }

    // ---- where it is written ---------------------------------------------------------------------------------------

    /** The build's log while the build runs and the step's log was handed over; the Jenkins log otherwise. */
    private void log(Entry entry, Run<?, ?> run, String line) {
        TaskListener buildLog = entry.buildLog;
        if (buildLog != null && run != null && host.building(run)) {
            buildLog.getLogger().println(PREFIX + line);
        } else {
            host.systemLog(entry.pending.buildName() + " (" + entry.pending.title() + "): " + line);
        }
    }

    /**
     * One of the keeper's own lines: into the log (as {@link #log}), and as an event into the build's record, saved,
     * so that the build's page and history show it even when no log of that build can take a line any more.
     */
    private void say(Entry entry, Run<?, ?> run, String line, String resource) {
        log(entry, run, line);
        DeliveryAction record = run == null ? null : DeliveryAction.find(run, entry.pending.recordId());
        if (record != null) {
            record.record(AuditEvent.at(host.scheduler().now(), AuditAction.ROLLBACK).actor(ACTOR)
                    .resource(resource).after(line).build());
            save(run);
        }
    }

    private void save(Entry entry) {
        try {
            host.store().save(entry.pending);
        } catch (IOException | RuntimeException e) {
            host.systemLog("cannot write the pending rollback of " + entry.pending.buildName() + " to "
                    + host.store().directory() + " (a restart now would not resume it): " + e);
        }
    }

    private void remove(String id) {
        try {
            host.store().remove(id);
        } catch (IOException e) {
            host.systemLog("cannot remove the finished rollback " + host.store().file(id) + ": " + e);
        }
    }

    private PendingRollback read(String id) {
        try {
            return host.store().read(id);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void save(Run<?, ?> run) {
        try {
            run.save();
        } catch (IOException | RuntimeException e) {
            host.systemLog("cannot save " + run + ": " + e);
        }
    }
}
