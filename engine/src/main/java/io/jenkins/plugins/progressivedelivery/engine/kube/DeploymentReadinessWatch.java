package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ReadinessWatch;
import java.util.function.Consumer;
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
    private final boolean conclusive;

    /** A watch whose event, when it shows the Deployment rolled out, is the readiness the runner takes. */
    public DeploymentReadinessWatch(KubernetesClient client, String namespace, String name) {
        this(client, namespace, name, true);
    }

    /**
     * @param conclusive whether this Deployment's readiness is all the runner waits for; false when it also needs
     *                   another one (the canary with a baseline): the event then only wakes the runner's check
     */
    public DeploymentReadinessWatch(KubernetesClient client, String namespace, String name, boolean conclusive) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.conclusive = conclusive;
    }

    @Override
    public Scheduler.Cancellable whenMaybeReady(Runnable wake) {
        return whenReady(null, readiness -> wake.run());
    }

    /**
     * The informer's objects come from a LIST made after the write (the runner starts the watch once a check found
     * the Deployment not ready), and readiness requires the observed generation, so a ready event is never stale.
     */
    @Override
    public Scheduler.Cancellable whenReady(Scheduler scheduler, java.util.function.Consumer<Readiness> ready) {
        Consumer<Deployment> onEvent = deployment -> {
            Readiness readiness = CanaryDeployments.readiness(deployment);
            if (readiness.ready()) {
                ready.accept(conclusive ? readiness : null);
            }
        };
        Runnable gone = () -> ready.accept(null); // the check reports it missing
        SharedIndexInformer<Deployment> informer = client.apps().deployments().inNamespace(namespace).withName(name)
                .runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment deployment) {
                onEvent.accept(deployment);
            }

            @Override
            public void onUpdate(Deployment before, Deployment deployment) {
                onEvent.accept(deployment);
            }

            @Override
            public void onDelete(Deployment deployment, boolean finalStateUnknown) {
                gone.run();
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
}
