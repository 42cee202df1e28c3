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

    /**
     * Sets the informers up off the caller's thread: naming the route may need a discovery request. Two threads at
     * most, gone when idle (a thousand rollouts pausing at once queue their set-ups; none takes long: start() does not
     * wait for the first list).
     */
    private static final java.util.concurrent.Executor SETUP = setUpPool();

    private static java.util.concurrent.ThreadPoolExecutor setUpPool() {
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(2, 2, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "progressive-delivery drift watch set-up");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private final List<java.util.function.Supplier<Resource<? extends HasMetadata>>> watched;

    /** @param watched the objects to watch, each named when the watch starts (a null one is left out) */
    public DriftWatch(List<java.util.function.Supplier<Resource<? extends HasMetadata>>> watched) {
        this.watched = List.copyOf(watched);
    }

    /** Returns at once; the informers start on another thread, and a cancel that comes first stops them there. */
    @Override
    public Scheduler.Cancellable whenChanged(Runnable wake) {
        List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
        boolean[] cancelled = new boolean[1];
        // the caller's class loader (in Jenkins the plugin's, which fabric8 needs to find its HTTP client)
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        SETUP.execute(() -> {
            Thread.currentThread().setContextClassLoader(loader);
            for (java.util.function.Supplier<Resource<? extends HasMetadata>> named : watched) {
                try {
                    Resource<? extends HasMetadata> resource = named.get();
                    if (resource == null) {
                        continue;
                    }
                    SharedIndexInformer<? extends HasMetadata> informer = inform(resource, wake);
                    synchronized (informers) {
                        if (cancelled[0]) {
                            informer.close();
                            return;
                        }
                        informers.add(informer);
                    }
                } catch (RuntimeException e) {
                    LOGGER.log(Level.FINE, "cannot watch for changes by others; drift is read before the next step"
                            + " instead", e);
                }
            }
        });
        return () -> {
            synchronized (informers) {
                cancelled[0] = true;
                informers.forEach(SharedIndexInformer::close);
                informers.clear();
            }
        };
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
                : object instanceof io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress ? ingress.getSpec()
                : object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute route ? route.getSpec()
                : object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.HTTPRoute route
                        ? route.getSpec()
                : object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute route ? route.getSpec()
                : object.getMetadata().getResourceVersion();
        return java.util.Arrays.asList(spec, object.getMetadata().getLabels(), object.getMetadata().getAnnotations());
    }
}
