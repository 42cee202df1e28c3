package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ReadinessWatch;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link ReadinessWatch} on one Deployment: a fabric8 informer on its name (a LIST, then a WATCH from the list's
 * resourceVersion, re-listed by fabric8 when the watch expires), which wakes the runner when an event shows the
 * Deployment rolled out or gone. Needs {@code list} and {@code watch} on deployments; without them the informer
 * fails quietly and the runner's polls find readiness.
 */
public final class DeploymentReadinessWatch implements ReadinessWatch {
    private static final Logger LOGGER = Logger.getLogger(DeploymentReadinessWatch.class.getName());

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    public DeploymentReadinessWatch(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public Scheduler.Cancellable whenMaybeReady(Runnable wake) {
        SharedIndexInformer<Deployment> informer = client.apps().deployments().inNamespace(namespace).withName(name)
                .runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment deployment) {
                wakeIfReady(deployment, wake);
            }

            @Override
            public void onUpdate(Deployment before, Deployment deployment) {
                wakeIfReady(deployment, wake);
            }

            @Override
            public void onDelete(Deployment deployment, boolean finalStateUnknown) {
                wake.run(); // the check reports it missing
            }
        });
        // start() does not wait for the first list: the caller holds the runner's lock
        informer.start().whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOGGER.log(Level.FINE, "cannot watch deployment " + namespace + "/" + name + "; polling instead",
                        failure);
            }
        });
        return informer::close;
    }

    private static void wakeIfReady(Deployment deployment, Runnable wake) {
        if (CanaryDeployments.readiness(deployment).ready()) {
            wake.run();
        }
    }
}
