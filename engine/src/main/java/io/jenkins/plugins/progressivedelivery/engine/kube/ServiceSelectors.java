package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.ServiceResource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Services whose selector picks a colour (the active and the preview Service): reading which colour they select,
 * checking they fit the pods, and pointing them at a colour by changing the one label of the selector, as
 * {@code kubectl patch service web -p '{"spec":{"selector":{"slot":"green"}}}'} would, but as a read-modify-write
 * with the resourceVersion that was read.
 */
public final class ServiceSelectors {
    private static final String NOTHING_WRITTEN = "already so; nothing written";

    private final ReadModifyWrite rmw;
    private final NonNamespaceOperation<Service, ServiceList, ServiceResource<Service>> services;
    private final String namespace;
    private final String colorLabel;

    public ServiceSelectors(KubernetesClient client, String namespace, String colorLabel) {
        this.rmw = new ReadModifyWrite(client);
        this.services = client.services().inNamespace(namespace);
        this.namespace = namespace;
        this.colorLabel = colorLabel;
    }

    public KubeRef ref(String service) {
        return KubeRef.service(namespace, service);
    }

    public Optional<Service> find(String service) {
        return Optional.ofNullable(rmw.read(services, ref(service)));
    }

    /** The Service's selector, empty when it has none. */
    public static Map<String, String> selector(Service service) {
        ServiceSpec spec = service.getSpec();
        return spec == null || spec.getSelector() == null ? Map.of() : spec.getSelector();
    }

    /** {@code slot=blue}, or {@code no slot} when the selector lacks the label: the selector's colour, for the log. */
    public String describe(Service service) {
        String value = selector(service).get(colorLabel);
        return value == null ? "no " + colorLabel : colorLabel + "=" + value;
    }

    /**
     * What keeps a Service from selecting exactly the pods of {@code colour} once its colour label is set to it,
     * or empty: it must select by at least one label besides the colour label (else it would take every pod of that
     * colour in the namespace), and its other labels must match the pods.
     *
     * @param path the plan field naming the Service
     */
    public Optional<ValidationError> selectionProblem(Service service, String path, Colour colour,
                                                      Map<String, String> podLabels) {
        String name = service.getMetadata().getName();
        Map<String, String> selector = new LinkedHashMap<>(selector(service));
        selector.remove(colorLabel);
        if (selector.isEmpty()) {
            return Optional.of(new ValidationError(path, "service " + name + " selects "
                    + Labels.format(selector(service)) + ": besides " + colorLabel + " it needs a label of the"
                    + " application's pods (e.g. app), or it would select every " + colour + " pod in namespace "
                    + namespace));
        }
        selector.put(colorLabel, colour.id());
        if (!Labels.serviceSelects(selector, podLabels)) {
            return Optional.of(new ValidationError(path, "service " + name + " selects "
                    + Labels.format(selector(service)) + ", which with " + colorLabel + "=" + colour + " does not"
                    + " match the " + colour + " pods " + Labels.format(podLabels) + "; select them by labels"
                    + " both colours share (e.g. app) and " + colorLabel));
        }
        return Optional.empty();
    }

    /**
     * Sets the selector's colour label to {@code colour} in one write, leaving its other labels alone.
     *
     * @param action {@link AuditAction#WEIGHT} when the Service carries production traffic, else
     *               {@link AuditAction#ROUTE}
     */
    public ClusterChange select(String service, Colour colour, AuditAction action) {
        return select(service, colour, action, null).change();
    }

    /**
     * What a {@link #select(String, Colour, AuditAction, Service)} did, and the Service as the API server stored it
     * (or as it was read, when nothing was written): the object to write from next time.
     */
    public record Selected(ClusterChange change, Service stored) {
    }

    /**
     * As {@link #select(String, Colour, AuditAction)}, computed first from {@code lastRead} (the Service as the
     * caller last read or wrote it): one PUT and no GET when nothing changed since, a 409 and then a fresh read
     * when something did, so another writer's edit is kept.
     */
    public Selected select(String service, Colour colour, AuditAction action, Service lastRead) {
        KubeRef ref = ref(service);
        ReadModifyWrite.Result<Service> result = rmw.update(services, ref, current -> {
            Map<String, String> selector = new LinkedHashMap<>(selector(current));
            selector.put(colorLabel, colour.id());
            current.getSpec().setSelector(selector);
            return current;
        }, lastRead);
        ClusterChange change = new ClusterChange(action, ref.toString(), describe(result.before()),
                describe(result.after()), result.conflicts(), result.written() ? null : NOTHING_WRITTEN);
        return new Selected(change, result.after());
    }
}
