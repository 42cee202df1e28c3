package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ChangeWatch;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link ChangeWatch} on the objects a paused canary manages (the route, the stable and the canary Deployment): one
 * fabric8 informer per object, by name (a LIST, then a WATCH from its resourceVersion, re-listed by fabric8 when the
 * watch expires), which wakes the runner when an object appears, goes, or its spec changes. Status updates (pods
 * becoming ready, a controller's observedGeneration) do not wake it. Needs {@code list} and {@code watch} on them;
 * without those the informer fails quietly and drift is read before the next step, as without a watch.
 */
public final class DriftWatch implements ChangeWatch {
    private static final Logger LOGGER = Logger.getLogger(DriftWatch.class.getName());

    private final List<Resource<? extends HasMetadata>> watched;

    public DriftWatch(List<Resource<? extends HasMetadata>> watched) {
        this.watched = watched.stream().filter(Objects::nonNull).toList();
    }

    @Override
    public Scheduler.Cancellable whenChanged(Runnable wake) {
        List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
        try {
            for (Resource<? extends HasMetadata> resource : watched) {
                informers.add(inform(resource, wake));
            }
        } catch (RuntimeException e) {
            informers.forEach(SharedIndexInformer::close);
            throw e;
        }
        return () -> informers.forEach(SharedIndexInformer::close);
    }

    private static <T extends HasMetadata> SharedIndexInformer<T> inform(Resource<T> resource, Runnable wake) {
        SharedIndexInformer<T> informer = resource.runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                wake.run(); // listed: a change made before the watch started is read too
            }

            @Override
            public void onUpdate(T before, T after) {
                if (!Objects.equals(spec(before), spec(after))) {
                    wake.run();
                }
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                wake.run();
            }
        });
        // start() does not wait for the first list: the caller holds the runner's lock
        informer.start().whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOGGER.log(Level.FINE, "cannot watch " + informer + " for changes by others; drift is read before"
                        + " the next step instead", failure);
            }
        });
        return informer;
    }

    /** What a person changes: the spec (and the labels and annotations a router may keep its state in). */
    private static Object spec(HasMetadata object) {
        Object spec = object instanceof Deployment deployment ? deployment.getSpec()
                : object instanceof GenericKubernetesResource generic ? generic.getAdditionalProperties().get("spec")
                : object.getMetadata().getResourceVersion();
        return java.util.Arrays.asList(spec, object.getMetadata().getLabels(), object.getMetadata().getAnnotations());
    }
}
