package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ReadinessWatch;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the engine's cluster interfaces have in common when each call is made {@link Where} the step runs: on the
 * agent of the enclosing {@code node {}} or on the controller. An agent that disconnected is a transient failure:
 * the runner retries it on its scheduler (and logs it), which also covers the agent coming back after a controller
 * restart.
 *
 * <p>Each instance is one session of the {@link KubeClientCache} where the calls run: the client and the engine's
 * cluster object (with what its routers discovered and read) are kept there between calls, and {@link #close()} (at
 * the end of the step) lets them go.
 */
abstract class RemoteCluster implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(RemoteCluster.class.getName());

    private final Where where;
    private final ClusterAccess access;
    private final String session = UUID.randomUUID().toString();
    /** The plan's webhook tokens, for the hooks of this rollout ({@link WebhookTokens#attach}). */
    volatile WebhookTokens webhookTokens = WebhookTokens.NONE;

    RemoteCluster(Where where, ClusterAccess access) {
        this.where = where;
        this.access = access;
    }

    final Where where() {
        return where;
    }

    final ClusterAccess access() {
        return access;
    }

    /** What a {@code job} metric of this rollout needs: this session's client, Jobs in {@code namespace}. */
    final JobAccess jobAccess(String namespace) {
        return new JobAccess(access, session, namespace);
    }

    /**
     * Whether the JVM making the calls has this session's cluster object, built from the plan by an earlier call: then
     * calls go without the plan (most of what a call would carry). A {@link SessionLost} answer clears it.
     */
    private volatile boolean sessionOpen;

    /**
     * Makes a call that needs the plan only to build the session's cluster object: with {@code plan} on the first call
     * (and after the agent lost the session: it answers {@link SessionLost} and the call is sent again, once, with
     * the plan), without it afterwards.
     */
    final <P> Object callWithPlan(P plan, Function<P, ClusterOperation.Call> call) {
        if (sessionOpen) {
            try {
                return call(call.apply(null));
            } catch (SessionLost lost) {
                sessionOpen = false;
                LOGGER.log(Level.FINE, "sending the plan again to " + where.describe(), lost);
            }
        }
        Object answer = call(call.apply(plan));
        sessionOpen = true;
        return answer;
    }

    /** What the next call carries: the plan, unless the session already has it. */
    final <P> P planUnlessSent(P plan) {
        return sessionOpen ? null : plan;
    }

    final void sessionLost() {
        sessionOpen = false;
    }

    final void sessionOpened() {
        sessionOpen = true;
    }

    final String session() {
        return session;
    }

    /** Makes the call where the step runs; the engine's own exceptions come back as they were thrown. */
    final Object call(ClusterOperation.Call call) {
        try {
            return where.call(new ClusterOperation(access, session, call));
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while calling the cluster from " + where.describe(), true, e);
        } catch (IOException e) {
            throw new ClusterException("lost " + where.describe() + " while calling the cluster: " + e, true, e);
        } catch (Exception e) {
            throw new ClusterException(e.toString(), false, e);
        }
    }

    /**
     * Readiness as the watch sees it where the calls run: in this JVM the engine's informer ({@code here}, with the
     * session's lease), on an agent a long poll ({@link AgentReadinessPoll}) that runs the informer there.
     *
     * @param onAgent the long poll's call, given the plan to send (null when the session has it)
     * @param plan    the plan, for the first call of the session
     */
    final ReadinessWatch readinessWatch(Function<KubeClientCache.Lease, ReadinessWatch> here,
                                        Function<Object, ClusterOperation.Call> onAgent, Object plan) {
        return new ReadinessWatch() {
            @Override
            public Scheduler.Cancellable whenMaybeReady(Runnable wake) {
                return where.isThisJvm() ? watch(lease -> here.apply(lease).whenMaybeReady(wake))
                        : Scheduler.Cancellable.NONE; // an agent needs the runner's scheduler (whenReady)
            }

            @Override
            public Scheduler.Cancellable whenReady(Scheduler scheduler, Consumer<Readiness> ready) {
                if (where.isThisJvm()) {
                    return watch(lease -> here.apply(lease).whenReady(scheduler, ready));
                }
                return AgentReadinessPoll.start(RemoteCluster.this, onAgent, plan, scheduler, ready);
            }
        };
    }

    /**
     * A readiness watch, when the calls run in this JVM (on an agent the runner polls: a watch there would have to
     * call back over the channel). {@code watch} runs with the session's lease; its wake-ups come on fabric8's threads.
     */
    final Scheduler.Cancellable watch(Function<KubeClientCache.Lease, Scheduler.Cancellable> watch) {
        if (!where.isThisJvm()) {
            return Scheduler.Cancellable.NONE;
        }
        try {
            return ClusterOperation.withPluginClassLoader(() -> KubeClientCache.shared().call(access.resolve(),
                    session, watch));
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "no readiness watch; polling instead", e);
            return Scheduler.Cancellable.NONE;
        }
    }

    /** The step has ended: the client is closed where the calls ran, unless another step uses it. */
    @Override
    public void close() {
        try {
            where.call(new ClusterOperation.Release(session));
        } catch (Exception e) {
            // the agent is gone (its client with it) or will close the client when it has been idle
            LOGGER.log(Level.FINE, "could not release the Kubernetes client on " + where.describe(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<ClusterChange> changes(Object answer) {
        return List.copyOf((List<ClusterChange>) answer);
    }
}
