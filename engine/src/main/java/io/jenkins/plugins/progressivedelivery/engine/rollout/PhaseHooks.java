package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.hooks.HookCluster;
import io.jenkins.plugins.progressivedelivery.engine.hooks.HookEvent;
import io.jenkins.plugins.progressivedelivery.engine.hooks.KubernetesHooks;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Runs the hooks of one phase through the runner's core, one after the other: every cluster call on the I/O
 * executor, every wait for a Job a timer on the scheduler (no thread is held while a Job runs), its pods' log lines
 * in the audit trail as they come. A hook that fails, or a Job that outlives its deadline (then deleted), ends the
 * phase with {@code onFailure}; all of them succeeding calls {@code onSuccess}. Called with the runner's lock held.
 */
final class PhaseHooks {
    static final Duration POLL = Duration.ofSeconds(2);

    /** Who the hooks run for: the plan's target, for the Job names and the event. */
    record Subject(String namespace, String deployment, String image, String verdict) { }

    /** A call's value, or the non-transient failure that ends the hook (not the rollout's own failure handling). */
    private record Attempt<T>(T value, String error) { }

    private final RunnerCore core;
    private final HooksSpec.Phase phase;
    private final List<HooksSpec.Hook> hooks;
    private final HookCluster cluster;
    private final Subject subject;
    private final Runnable onSuccess;
    private final Consumer<String> onFailure;
    /** The Job being followed, to delete if the rollout turns away from this phase. */
    private String currentJob;

    private PhaseHooks(RunnerCore core, HooksSpec.Phase phase, List<HooksSpec.Hook> hooks, HookCluster cluster,
                       Subject subject, Runnable onSuccess, Consumer<String> onFailure) {
        this.core = core;
        this.phase = phase;
        this.hooks = hooks;
        this.cluster = cluster;
        this.subject = subject;
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    /** @return the running hooks, to {@link #abandon} on an abort; null when the phase has none */
    static PhaseHooks run(RunnerCore core, HooksSpec.Phase phase, HooksSpec spec, HookCluster cluster,
                          Subject subject, Runnable onSuccess, Consumer<String> onFailure) {
        List<HooksSpec.Hook> hooks = spec.of(phase);
        if (hooks.isEmpty()) {
            onSuccess.run();
            return null;
        }
        if (cluster == null) {
            onFailure.accept(phase.id() + " hooks cannot run here: this cluster connection does not run Jobs or"
                    + " webhooks");
            return null;
        }
        PhaseHooks running = new PhaseHooks(core, phase, hooks, cluster, subject, onSuccess, onFailure);
        running.start(0);
        return running;
    }

    /**
     * The rollout turned away from this phase (an abort, a failure elsewhere): the Job being followed is deleted
     * rather than left to run to its deadline. Its callbacks are already stale (the runner transitioned).
     */
    void abandon(String reason) {
        String job = currentJob;
        currentJob = null;
        if (job == null) {
            return;
        }
        core.emit(core.event(AuditAction.HOOK).resource("job/" + subject.namespace() + "/" + job)
                .after("deleted: the rollout stopped waiting for it").reason(reason));
        core.detached(() -> {
            try {
                cluster.deleteJob(job);
            } catch (RuntimeException e) {
                // its deadline and TTL remove it; the audit line above says it was abandoned
            }
        });
    }

    private void start(int index) {
        if (index >= hooks.size()) {
            onSuccess.run();
            return;
        }
        HooksSpec.Hook hook = hooks.get(index);
        HookEvent event = new HookEvent(subject.namespace() + "/" + subject.deployment(), phase.id(),
                subject.verdict(), subject.image(), hook.name(), core.now());
        if (hook.webhook() != null) {
            String resource = "webhook " + hook.webhook().url();
            core.emit(core.event(AuditAction.HOOK).resource(resource)
                    .after(phase.id() + " hook '" + hook.name() + "': POST " + hook.webhook().url()));
            call("call the " + phase.id() + " webhook " + hook.name(), () -> {
                cluster.callWebhook(hook, event);
                return Boolean.TRUE;
            }, ok -> {
                core.emit(core.event(AuditAction.HOOK).resource(resource).after(phase.id() + " hook '"
                        + hook.name() + "' passed"));
                core.next(() -> start(index + 1));
            }, error -> failed(hook, resource, error));
            return;
        }
        String jobName = KubernetesHooks.jobName(subject.deployment(), phase, hook.name(), subject.image());
        String resource = "job/" + subject.namespace() + "/" + jobName;
        Instant deadline = core.now().plus(hook.effectiveDeadline());
        core.emit(core.event(AuditAction.HOOK).resource(resource).after(phase.id() + " hook '" + hook.name()
                + "': Job started" + (hook.cronJob() != null ? " from CronJob " + hook.cronJob() : "")
                + ", deadline " + Durations.format(hook.effectiveDeadline())));
        currentJob = jobName;
        call("start the " + phase.id() + " Job " + jobName, () -> cluster.startJob(jobName, hook, event),
                created -> poll(index, hook, jobName, resource, 0, deadline),
                error -> failed(hook, resource, error));
    }

    private void poll(int index, HooksSpec.Hook hook, String jobName, String resource, int seen, Instant deadline) {
        call("check the " + phase.id() + " Job " + jobName, () -> cluster.jobProgress(jobName, seen), progress -> {
            for (String line : progress.newLines()) {
                core.emit(core.event(AuditAction.HOOK).resource(resource).after(line).detail("log", true));
            }
            switch (progress.state()) {
                case SUCCEEDED -> {
                    core.emit(core.event(AuditAction.HOOK).resource(resource).after(phase.id() + " hook '"
                            + hook.name() + "' succeeded"));
                    cleanUp(jobName, () -> start(index + 1));
                }
                case FAILED -> cleanUp(jobName, () -> failed(hook, resource, "the Job failed: "
                        + progress.message()));
                case RUNNING -> {
                    if (!core.now().isBefore(deadline)) {
                        cleanUp(jobName, () -> failed(hook, resource, "the Job was still running after its"
                                + " deadline of " + Durations.format(hook.effectiveDeadline()) + " ("
                                + progress.message() + "); it was deleted"));
                    } else {
                        core.armTimer(core.now().plus(POLL), () -> poll(index, hook, jobName, resource,
                                progress.linesSeen(), deadline));
                    }
                }
            }
        }, error -> failed(hook, resource, error));
    }

    /** Deletes the Job and its pods; a failed delete is logged, the Job's TTL removes it later. */
    private void cleanUp(String jobName, Runnable then) {
        currentJob = null;
        call("delete the Job " + jobName, () -> {
            cluster.deleteJob(jobName);
            return Boolean.TRUE;
        }, ok -> then.run(), error -> {
            core.emit(core.event(AuditAction.HOOK).resource("job/" + subject.namespace() + "/" + jobName)
                    .after("could not be deleted").reason(error));
            then.run();
        });
    }

    private void failed(HooksSpec.Hook hook, String resource, String error) {
        core.emit(core.event(AuditAction.HOOK).resource(resource).after(phase.id() + " hook '" + hook.name()
                + "' FAILED").reason(error));
        onFailure.accept(phase.id() + " hook '" + hook.name() + "' failed: " + error);
    }

    /** A core call whose non-transient failure ends the hook, not the rollout; transient ones are retried. */
    private <T> void call(String what, Callable<T> operation, Consumer<T> onValue, Consumer<String> onError) {
        core.call(what, () -> {
            try {
                return new Attempt<>(operation.call(), null);
            } catch (ClusterException e) {
                if (e.isTransient()) {
                    throw e;
                }
                return new Attempt<T>(null, e.getMessage());
            } catch (RuntimeException e) {
                return new Attempt<T>(null, RunnerCore.describe(e));
            }
        }, attempt -> {
            if (attempt.error() != null) {
                onError.accept(attempt.error());
            } else {
                onValue.accept(attempt.value());
            }
        });
    }
}
