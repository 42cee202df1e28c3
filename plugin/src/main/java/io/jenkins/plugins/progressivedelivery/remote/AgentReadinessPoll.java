package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Readiness by watch for a rollout whose calls run on an agent, without a controller thread waiting: a long poll.
 * The controller sends {@link AwaitReadiness} with {@code VirtualChannel.callAsync}; on the agent it checks the
 * Deployment, and while it is not ready waits on the engine's informer there until it is or {@link #LONG_POLL} has
 * passed, then answers. The controller looks at the pending answer every {@link #ANSWER_CHECK} on the runner's
 * scheduler (a local {@code isDone()}, nothing crosses the channel) and sends the next long poll when one expires.
 * The runner's own polls (every 2 s, each a round trip) stay as the fallback.
 *
 * <p>The agent holds one of its remoting threads for at most {@link #LONG_POLL} per waiting rollout; a cancelled
 * watch (the runner moved on) lets the agent's wait run out on its own.
 */
final class AgentReadinessPoll {
    private static final Logger LOGGER = Logger.getLogger(AgentReadinessPoll.class.getName());

    /** How long the agent waits for the Deployment before answering "not yet". */
    static final Duration LONG_POLL = Duration.ofSeconds(30);
    /** How often the controller looks whether the answer has come (a local check of the call's future). */
    static final Duration ANSWER_CHECK = Duration.ofMillis(50);

    private final RemoteCluster cluster;
    private final Function<Object, ClusterOperation.Call> call;
    private final Object plan;
    private final Scheduler scheduler;
    private final Consumer<Readiness> ready;
    private volatile boolean cancelled;
    private volatile Scheduler.Cancellable timer = Scheduler.Cancellable.NONE;
    private boolean resent;

    private AgentReadinessPoll(RemoteCluster cluster, Function<Object, ClusterOperation.Call> call, Object plan,
                               Scheduler scheduler, Consumer<Readiness> ready) {
        this.cluster = cluster;
        this.call = call;
        this.plan = plan;
        this.scheduler = scheduler;
        this.ready = ready;
    }

    /**
     * @param call the agent's call, given the plan to send with it (null when the session already has it)
     */
    static Scheduler.Cancellable start(RemoteCluster cluster, Function<Object, ClusterOperation.Call> call,
                                       Object plan, Scheduler scheduler, Consumer<Readiness> ready) {
        if (scheduler == null) {
            return Scheduler.Cancellable.NONE;
        }
        AgentReadinessPoll poll = new AgentReadinessPoll(cluster, call, plan, scheduler, ready);
        poll.send(cluster.planUnlessSent(plan));
        return () -> {
            poll.cancelled = true;
            poll.timer.cancel();
        };
    }

    /** Sends one long poll, with {@code withPlan} (null: the session on the agent has it). */
    private void send(Object withPlan) {
        if (cancelled) {
            return;
        }
        Future<byte[]> pending;
        try {
            pending = cluster.where().callAsync(new ClusterOperation(cluster.access(), cluster.session(),
                    call.apply(withPlan)));
        } catch (Exception e) {
            LOGGER.log(Level.FINE, "no readiness long poll on " + cluster.where().describe() + "; polling", e);
            return;
        }
        awaitAnswer(pending, withPlan != null);
    }

    private void awaitAnswer(Future<byte[]> pending, boolean withPlan) {
        timer = scheduler.schedule(ANSWER_CHECK, () -> {
            if (cancelled) {
                return;
            }
            if (!pending.isDone()) {
                awaitAnswer(pending, withPlan);
                return;
            }
            Serializable answer;
            try {
                answer = Where.answer(pending.get());
            } catch (SessionLost lost) {
                cluster.sessionLost();
                if (!resent) {
                    resent = true;
                    send(plan); // once with the plan, which opens the session there again
                }
                return;
            } catch (Exception e) {
                // the agent went away or the watch failed there: the runner's polls carry on
                LOGGER.log(Level.FINE, "readiness long poll on " + cluster.where().describe() + " failed", e);
                return;
            }
            if (withPlan) {
                cluster.sessionOpened();
            }
            if (answer instanceof Readiness readiness && readiness.ready()) {
                ready.accept(readiness);
            } else {
                send(cluster.planUnlessSent(plan)); // the long poll ran out: the next one
            }
        });
    }

    /**
     * On the agent: the Deployment's readiness as soon as the watch there sees it rolled out, else what a read says
     * when {@code longest} has passed or the session ended (the step is over). Blocks this (remoting) thread for at
     * most {@code longest}.
     */
    static Readiness awaitHere(io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache.Lease lease,
                               java.util.function.Supplier<Readiness> check,
                               io.jenkins.plugins.progressivedelivery.engine.rollout.ReadinessWatch watch,
                               Duration longest) {
        Readiness current = check.get();
        if (current.ready()) {
            return current;
        }
        long deadline = System.nanoTime() + longest.toNanos();
        java.util.concurrent.BlockingQueue<java.util.Optional<Readiness>> events =
                new java.util.concurrent.LinkedBlockingQueue<>();
        Scheduler.Cancellable watching = watch.whenReady(null, seen -> events.offer(java.util.Optional.ofNullable(seen)));
        java.util.Optional<Readiness> ended = java.util.Optional.of(current);
        Runnable unregister = lease.onEnd(() -> events.offer(ended));
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                java.util.Optional<Readiness> event = left <= 0 ? null
                        : events.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (event == null) {
                    return check.get(); // the long poll ran out: as it is now
                }
                if (event == ended) {
                    return current; // the step is over: nobody waits for the answer
                }
                if (event.isPresent() && event.get().ready()) {
                    return event.get();
                }
                current = check.get(); // a hint only (the canary with a baseline): read it all
                if (current.ready()) {
                    return current;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return current;
        } finally {
            unregister.run();
            watching.cancel();
        }
    }
}
