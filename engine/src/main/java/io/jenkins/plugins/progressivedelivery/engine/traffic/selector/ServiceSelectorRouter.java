package io.jenkins.plugins.progressivedelivery.engine.traffic.selector;

import io.fabric8.kubernetes.api.model.Service;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.ColourPods;
import io.jenkins.plugins.progressivedelivery.engine.kube.FieldManagers;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeErrors;
import io.jenkins.plugins.progressivedelivery.engine.kube.Labels;
import io.jenkins.plugins.progressivedelivery.engine.kube.ReadModifyWrite;
import io.jenkins.plugins.progressivedelivery.engine.kube.ServiceSelectors;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ProductionTraffic;
import io.jenkins.plugins.progressivedelivery.engine.traffic.ColourRouter;
import java.util.ArrayList;
import java.util.List;

/**
 * No mesh: production traffic goes to the pods the active Service selects, and its selector's colour label says
 * which colour that is. The switch sets that one label, what {@code kubectl patch service} does, as one
 * read-modify-write of the Service; kube-proxy then moves new connections within seconds (connections already open
 * stay where they are until they close).
 *
 * <p>As {@link io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioColourRouter} does with its
 * VirtualService, the router keeps the Service as it last read or wrote it and writes from that
 * ({@link ReadModifyWrite#update} with a last-read object): a switch after preflight, and the switch back after it,
 * is one PUT carrying that resourceVersion, and only a concurrent edit (409) costs a read and a second PUT.
 */
public final class ServiceSelectorRouter implements ColourRouter {
    private static final String PATH = "activeService";

    private final ServiceSelectors services;
    private final String activeService;
    private final String colorLabel;
    /** The active Service as this router last read or wrote it; null until the first read. */
    private volatile Service lastRead;

    public ServiceSelectorRouter(ServiceSelectors services, String activeService, String colorLabel) {
        this.services = services;
        this.activeService = activeService;
        this.colorLabel = colorLabel;
    }

    @Override
    public String type() {
        return "service selector";
    }

    @Override
    public String description() {
        return type() + " " + services.ref(activeService) + " " + colorLabel;
    }

    @Override
    public Colour activeColour(List<ValidationError> problems) {
        Service service = read(problems);
        if (service == null) {
            return null;
        }
        String value = ServiceSelectors.selector(service).get(colorLabel);
        Colour colour = Colour.parse(value).orElse(null);
        if (colour == null) {
            problems.add(new ValidationError(PATH, "service " + activeService + " selects "
                    + Labels.format(ServiceSelectors.selector(service))
                    + (value == null ? ", without the label " + colorLabel + ", so it does not pick a colour"
                            : ", and " + colorLabel + "=" + value + " is not a colour")
                    + "; label the pods in production " + colorLabel + ": blue (or green) and add that label to"
                    + " the Service's selector"));
        }
        return colour;
    }

    @Override
    public ProductionTraffic readProduction() {
        Service service = services.find(activeService).orElse(null);
        if (service == null) {
            return ProductionTraffic.gone();
        }
        lastRead = service;
        Colour colour = Colour.parse(ServiceSelectors.selector(service).get(colorLabel)).orElse(null);
        return new ProductionTraffic(colour, services.describe(service), FieldManagers.lastWriter(service));
    }

    @Override
    public List<ValidationError> verify(ColourPods pods) {
        List<ValidationError> problems = new ArrayList<>();
        Service service = read(problems);
        if (service != null) {
            services.selectionProblem(service, PATH, pods.active(), pods.activePodLabels()).ifPresent(problems::add);
        }
        return problems;
    }

    @Override
    public ClusterChange switchTo(Colour colour) {
        ServiceSelectors.Selected selected = services.select(activeService, colour, AuditAction.WEIGHT, lastRead);
        lastRead = selected.stored();
        return selected.change();
    }

    private Service read(List<ValidationError> problems) {
        int known = problems.size();
        Service service = KubeErrors.orProblem(() -> services.find(activeService).orElse(null), PATH, problems);
        if (service == null && problems.size() == known) {
            problems.add(new ValidationError(PATH, "service " + activeService + " not found in namespace "
                    + services.ref(activeService).namespace() + "; it is the Service taking production traffic,"
                    + " whose selector picks a colour with " + colorLabel + ": blue or green"));
        }
        if (service != null) {
            lastRead = service;
        }
        return service;
    }
}
