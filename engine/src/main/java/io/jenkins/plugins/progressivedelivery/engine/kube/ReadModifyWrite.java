package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.net.HttpURLConnection;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Optimistic-concurrency writes, as client-go's {@code RetryOnConflict} does them: read the object, compute the
 * desired object with a pure function, PUT it whole carrying the {@code metadata.resourceVersion} that was read, and
 * on 409 Conflict read again and recompute, at most {@link #MAX_ATTEMPTS} times. A concurrent writer's change is
 * therefore never overwritten with stale data, and arrays are replaced exactly as computed (no merge patch).
 *
 * <p>fabric8 has three ways to write; only {@code resource(item).update()} fits: it PUTs once with the item's
 * resourceVersion and lets the 409 through. {@code replace()} re-reads and retries a 409 itself (up to ten times,
 * sleeping a second between), replacing the concurrent change with our stale copy, and {@code edit()} sends a JSON
 * patch diff without the resourceVersion, whose array operations address elements by index.
 */
public final class ReadModifyWrite {
    public static final int MAX_ATTEMPTS = 5;

    /**
     * @param before    the object as last read
     * @param after     what the API server stored (or {@code before} when nothing needed writing)
     * @param conflicts how many 409 Conflicts were re-read and recomputed
     * @param written   false when the change was already in place and no request was sent
     */
    public record Result<T>(T before, T after, int conflicts, boolean written) {
    }

    private final KubernetesSerialization serialization;

    public ReadModifyWrite(KubernetesClient client) {
        this.serialization = client.getKubernetesSerialization();
    }

    /** The object, or null when it does not exist. */
    public <T extends HasMetadata> T read(NonNamespaceOperation<T, ?, ? extends Resource<T>> ops, KubeRef ref) {
        try {
            return ops.withName(ref.name()).get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.toClusterException(e, "get", ref);
        }
    }

    /** The object; a missing one is a (non-transient) {@link ClusterException}. */
    public <T extends HasMetadata> T require(NonNamespaceOperation<T, ?, ? extends Resource<T>> ops, KubeRef ref) {
        return present(read(ops, ref), ref);
    }

    /** {@code object} as read; a missing one (null) is the (non-transient) {@link ClusterException} of a 404. */
    public static <T> T present(T object, KubeRef ref) {
        if (object == null) {
            throw KubeErrors.toClusterException(new KubernetesClientException(ref + " not found",
                    HttpURLConnection.HTTP_NOT_FOUND, null), "get", ref);
        }
        return object;
    }

    /**
     * Applies {@code change} to a private copy of the current object and writes the result if it differs.
     *
     * @param change computes the desired object from (a copy of) the current one; it may throw a
     *               {@link ClusterException} when the current object cannot be changed as asked
     * @throws ClusterException when the object is missing, a call fails, or the conflicts did not resolve
     */
    public <T extends HasMetadata> Result<T> update(NonNamespaceOperation<T, ?, ? extends Resource<T>> ops,
                                                    KubeRef ref, UnaryOperator<T> change) {
        return update(ops, ref, change, null);
    }

    /**
     * As {@link #update(NonNamespaceOperation, KubeRef, UnaryOperator)}, but the first attempt computes from
     * {@code lastRead} (the object as this process last read or wrote it) instead of reading it again: one round trip
     * when nothing changed since, and a 409 (then a fresh read) when something did, so nothing is overwritten.
     */
    public <T extends HasMetadata> Result<T> update(NonNamespaceOperation<T, ?, ? extends Resource<T>> ops,
                                                    KubeRef ref, UnaryOperator<T> change, T lastRead) {
        int conflicts = 0;
        T known = lastRead;
        while (true) {
            boolean remembered = known != null;
            T current = remembered ? known : require(ops, ref);
            known = null;
            String readVersion = current.getMetadata().getResourceVersion();
            T desired;
            try {
                desired = change.apply(serialization.clone(current));
            } catch (RuntimeException e) {
                if (remembered) {
                    continue; // judged on what the server has now, not on what this process last saw
                }
                throw e;
            }
            if (Objects.equals(desired, current)) {
                if (remembered) {
                    continue; // "already so" is only ever said of what the server has now
                }
                return new Result<>(current, current, conflicts, false);
            }
            // The write must be conditional on exactly what was read, whatever the change did to the metadata.
            desired.getMetadata().setResourceVersion(readVersion);
            try {
                T stored = ops.resource(desired).update();
                return new Result<>(current, stored, conflicts, true);
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw KubeErrors.toClusterException(e, "update", ref);
                }
                conflicts++;
                if (conflicts >= MAX_ATTEMPTS) {
                    throw ClusterException.conflict("cannot update " + ref + ": it changed under every one of "
                            + MAX_ATTEMPTS + " attempts (409 Conflict each time); something else keeps writing it"
                            + " (another rollout, a GitOps sync, a controller such as Argo Rollouts or Flagger):"
                            + " find it with kubectl get " + ref.qualifiedResource() + " " + ref.name() + " -n "
                            + ref.namespace() + " -o yaml --show-managed-fields", e);
                }
            }
        }
    }
}
