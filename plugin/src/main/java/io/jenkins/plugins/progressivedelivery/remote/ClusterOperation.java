package io.jenkins.plugins.progressivedelivery.remote;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClientCache;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import java.io.Serializable;

/**
 * One call of an engine cluster interface, made with the client of the JVM it runs in ({@link KubeClientCache}):
 * built on the first call for a connection, reused by the next ones and by other steps with the same connection.
 */
final class ClusterOperation implements Operation<Serializable> {
    private static final long serialVersionUID = 1L;

    static {
        // every call of the plugin's goes through here, on the controller and on agents: their clients connect quickly
        KubeClients.useHttpClientFactory(new NoDelayOkHttpClientFactory.Source());
    }

    /**
     * The call: the engine's Kubernetes implementation of the interface, kept for the session, and one method. A
     * call that keeps nothing between calls implements {@link #on(KubernetesClient)} with the cached client.
     */
    interface Call extends Serializable {
        default Serializable on(KubeClientCache.Lease lease) {
            return on(lease.client());
        }

        default Serializable on(KubernetesClient client) {
            throw new UnsupportedOperationException(getClass().getName() + " implements neither on(Lease) nor"
                    + " on(KubernetesClient)");
        }
    }

    private final ClusterAccess access;
    private final String session;
    private final Call call;

    ClusterOperation(ClusterAccess access, String session, Call call) {
        this.access = access;
        this.session = session;
        this.call = call;
    }

    @Override
    public Serializable run() {
        return withPluginClassLoader(() -> KubeClientCache.shared().call(access.resolve(), session, call::on));
    }

    /**
     * fabric8 finds its HTTP client through ServiceLoader on the context class loader: make it the plugin's, which
     * sees the kubernetes-client-api plugin (on an agent: the remote class loader that loaded this class).
     */
    static <T> T withPluginClassLoader(java.util.function.Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ClusterOperation.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The step that used {@code session} has ended: its objects go, and a client nobody else uses is closed. */
    static final class Release implements Operation<Boolean> {
        private static final long serialVersionUID = 1L;

        private final String session;

        Release(String session) {
            this.session = session;
        }

        @Override
        public Boolean run() {
            KubeClientCache.shared().release(session);
            return Boolean.TRUE;
        }
    }
}
