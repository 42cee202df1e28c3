package io.jenkins.plugins.progressivedelivery.remote;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import java.io.Serializable;

/** One call of an engine cluster interface, made with a client built where it runs and closed after it. */
final class ClusterOperation implements Operation<Serializable> {
    private static final long serialVersionUID = 1L;

    /** The call: builds the engine's Kubernetes implementation of the interface on the client, calls one method. */
    interface Call extends Serializable {
        Serializable on(KubernetesClient client);
    }

    private final ClusterAccess access;
    private final Call call;

    ClusterOperation(ClusterAccess access, Call call) {
        this.access = access;
        this.call = call;
    }

    @Override
    public Serializable run() {
        // fabric8 finds its HTTP client through ServiceLoader on the context class loader: make it the plugin's,
        // which sees the kubernetes-client-api plugin (on an agent: the remote class loader that loaded this class)
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ClusterOperation.class.getClassLoader());
        try (KubernetesClient client = KubeClients.create(access.resolve())) {
            return call.on(client);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
