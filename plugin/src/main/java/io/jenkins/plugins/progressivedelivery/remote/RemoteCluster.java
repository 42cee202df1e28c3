package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
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
