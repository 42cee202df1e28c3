package io.jenkins.plugins.progressivedelivery.remote;

import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.io.IOException;
import java.util.List;

/**
 * What the engine's cluster interfaces have in common when each call is made {@link Where} the step runs: on the
 * agent of the enclosing {@code node {}} or on the controller. An agent that disconnected is a transient failure:
 * the runner retries it on its scheduler (and logs it), which also covers the agent coming back after a controller
 * restart.
 */
abstract class RemoteCluster {
    private final Where where;
    private final ClusterAccess access;

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

    /** Makes the call where the step runs; the engine's own exceptions come back as they were thrown. */
    final Object call(ClusterOperation.Call call) {
        try {
            return where.call(new ClusterOperation(access, call));
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

    @SuppressWarnings("unchecked")
    static List<ClusterChange> changes(Object answer) {
        return List.copyOf((List<ClusterChange>) answer);
    }
}
