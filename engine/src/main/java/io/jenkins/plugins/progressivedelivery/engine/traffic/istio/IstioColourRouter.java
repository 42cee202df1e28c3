package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.ColourPods;
import io.jenkins.plugins.progressivedelivery.engine.kube.FieldManagers;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeRef;
import io.jenkins.plugins.progressivedelivery.engine.kube.Labels;
import io.jenkins.plugins.progressivedelivery.engine.kube.ReadModifyWrite;
import io.jenkins.plugins.progressivedelivery.engine.kube.ServiceSelectors;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenIstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.IstioSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ProductionTraffic;
import io.jenkins.plugins.progressivedelivery.engine.traffic.ColourRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.VirtualServiceRoutes.ManagedRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Production traffic of a blue-green deployment on one HTTP route of an Istio VirtualService: all of it on one
 * colour's destination (weight 100) and none on the other's (0); the switch moves the weights to 0 and 100 in one
 * write of the whole VirtualService, leaving every other route and field as it was. The destinations are the two
 * colours' Services (host split) or two subsets of one host (subset split), which the engine reads but does not
 * change: each colour's Service or subset must select that colour's pods.
 */
public final class IstioColourRouter implements ColourRouter {
    private static final String NOTHING_WRITTEN = "already so; nothing written";
    private static final String ISTIO = IstioObjects.ISTIO;

    private final IstioObjects istio;
    private final BlueGreenIstioSpec spec;
    /** The colours as the canary router's spec has them: blue where it says stable, green where it says canary. */
    private final IstioSpec routeSpec;
    private final VirtualServiceRoutes.Split split;
    private final KubeRef virtualServiceRef;
    private final KubeRef destinationRuleRef;
    /** The route preflight found, so that the subset checks can compare hosts. */
    private ManagedRoute route;
    /**
     * The VirtualService as this router last read or wrote it: a switch (and the switch back) PUTs from it without
     * reading again, so it is one round trip unless someone changed the object since (then a 409, a read, a retry).
     */
    private volatile GenericKubernetesResource lastRead;

    public IstioColourRouter(KubernetesClient client, String namespace, BlueGreenIstioSpec spec) {
        this.istio = new IstioObjects(client, namespace);
        this.spec = spec;
        // The route's two destinations, blue in the place the canary router calls stable and green in the other.
        this.routeSpec = new IstioSpec(spec.virtualService(), spec.route(), spec.blueService(), spec.greenService(),
                spec.isSubsetSplit() ? spec.destinationRule() : null, spec.subset(Colour.BLUE),
                spec.subset(Colour.GREEN));
        this.split = new VirtualServiceRoutes.Split(routeSpec, namespace);
        this.virtualServiceRef = KubeRef.virtualService(namespace, spec.virtualService());
        this.destinationRuleRef = spec.isSubsetSplit() ? KubeRef.destinationRule(namespace, spec.destinationRule())
                : null;
    }

    @Override
    public String type() {
        return spec.isSubsetSplit() ? "istio subset split" : "istio host split";
    }

    @Override
    public String description() {
        return istio.describe(routeSpec, virtualServiceRef, destinationRuleRef);
    }

    @Override
    public Colour activeColour(List<ValidationError> problems) {
        if (istio.discover(problems, "leave out traffic.istio to switch the activeService's selector") == null) {
            return null;
        }
        GenericKubernetesResource virtualService = istio.virtualService(virtualServiceRef, problems,
                "an HTTP route to the blue and green destinations");
        if (virtualService == null) {
            return null;
        }
        lastRead = virtualService;
        try {
            route = VirtualServiceRoutes.locate(virtualService, spec.route(), split);
        } catch (RouteProblem e) {
            problems.add(e.error());
            return null;
        }
        if (route.stableWeight() == 100 && route.canaryWeight() == 0) {
            return Colour.BLUE;
        }
        if (route.stableWeight() == 0 && route.canaryWeight() == 100) {
            return Colour.GREEN;
        }
        problems.add(new ValidationError(VirtualServiceRoutes.ROUTE_PATH, "route " + route.label() + " of"
                + " virtualservice " + spec.virtualService() + " splits traffic " + weights(route) + "; a blue-green"
                + " switch starts with all of it on the colour in production: set that colour's weight to 100 and"
                + " the other's to 0"));
        return null;
    }

    @Override
    public ProductionTraffic readProduction() {
        GenericKubernetesResource virtualService = istio.rmw().read(istio.virtualServices(), virtualServiceRef);
        if (virtualService == null) {
            return ProductionTraffic.gone();
        }
        lastRead = virtualService;
        String writer = FieldManagers.lastWriter(virtualService);
        ManagedRoute found;
        try {
            found = VirtualServiceRoutes.locate(virtualService, spec.route(), split);
        } catch (RouteProblem e) {
            return new ProductionTraffic(null, e.error().message(), writer);
        }
        Colour colour = found.stableWeight() == 100 && found.canaryWeight() == 0 ? Colour.BLUE
                : found.stableWeight() == 0 && found.canaryWeight() == 100 ? Colour.GREEN : null;
        return new ProductionTraffic(colour, weights(found), writer);
    }

    @Override
    public List<ValidationError> verify(ColourPods pods) {
        return spec.isSubsetSplit() ? verifySubsets(pods) : verifyServices(pods);
    }

    private List<ValidationError> verifyServices(ColourPods pods) {
        List<ValidationError> problems = new ArrayList<>();
        for (Colour colour : Colour.values()) {
            String path = ISTIO + "." + colour.id() + "Service";
            String name = spec.service(colour);
            Service service = istio.service(name, path, "selecting the " + colour + " pods "
                    + Labels.format(pods.labels(colour)), problems);
            if (service == null) {
                continue;
            }
            Map<String, String> selector = ServiceSelectors.selector(service);
            if (!Labels.serviceSelects(selector, pods.labels(colour))) {
                problems.add(new ValidationError(path, "service " + name + " selects " + Labels.format(selector)
                        + ", which does not match the " + colour + " pods " + Labels.format(pods.labels(colour))
                        + "; select them, with " + pods.colorLabel() + ": " + colour + " and the app label"));
            } else if (Labels.serviceSelects(selector, pods.labels(colour.other()))) {
                problems.add(new ValidationError(path, "service " + name + " selects " + Labels.format(selector)
                        + ", which also matches the " + colour.other() + " pods "
                        + Labels.format(pods.labels(colour.other())) + "; add " + pods.colorLabel() + ": " + colour
                        + " to its selector"));
            }
        }
        return problems;
    }

    private List<ValidationError> verifySubsets(ColourPods pods) {
        List<ValidationError> problems = new ArrayList<>();
        GenericKubernetesResource rule = istio.destinationRule(destinationRuleRef, problems, "for the route's host"
                + " with the subsets " + spec.subset(Colour.BLUE) + " {" + pods.colorLabel() + ": blue} and "
                + spec.subset(Colour.GREEN) + " {" + pods.colorLabel() + ": green}");
        if (rule == null) {
            return problems;
        }
        List<String> subsets = DestinationRuleSubsets.subsetNames(rule);
        for (Colour colour : Colour.values()) {
            String path = ISTIO + "." + colour.id() + "Subset";
            String subset = spec.subset(colour);
            Map<String, String> labels = DestinationRuleSubsets.labels(rule, subset);
            if (labels == null) {
                problems.add(new ValidationError(path, "destinationrule " + spec.destinationRule() + " has no subset "
                        + subset + " (its subsets: " + String.join(", ", subsets) + "); add '- {name: " + subset
                        + ", labels: {" + pods.colorLabel() + ": " + colour + "}}' to spec.subsets"));
            } else if (!Labels.subsetSelects(labels, pods.labels(colour))
                    || Labels.subsetSelects(labels, pods.labels(colour.other()))) {
                problems.add(new ValidationError(path, "subset " + subset + " of destinationrule "
                        + spec.destinationRule() + " has the labels " + Labels.format(labels) + ", which must select"
                        + " the " + colour + " pods " + Labels.format(pods.labels(colour)) + " and not the "
                        + colour.other() + " ones; give it the labels {" + pods.colorLabel() + ": " + colour + "}"));
            }
        }
        Optional<ServiceHost> ruleHost = ServiceHost.parse(DestinationRuleSubsets.host(rule), istio.namespace());
        if (route != null && !ruleHost.equals(ServiceHost.parse(route.stableHost(), istio.namespace()))) {
            problems.add(new ValidationError(ISTIO + ".destinationRule", "destinationrule " + spec.destinationRule()
                    + " is for host " + DestinationRuleSubsets.host(rule) + " but route " + route.label() + " sends"
                    + " to host " + route.stableHost() + "; the subsets must be of the route's host"));
        }
        ruleHost.filter(host -> host.namespace().equals(istio.namespace()))
                .ifPresent(host -> problems.addAll(verifyHostService(host.name(), pods)));
        return problems;
    }

    /** The one host of a subset split must reach the pods of both colours. */
    private List<ValidationError> verifyHostService(String name, ColourPods pods) {
        List<ValidationError> problems = new ArrayList<>();
        Service service = istio.service(name, ISTIO + ".destinationRule", "selecting the pods of both colours",
                problems);
        if (service == null) {
            return problems;
        }
        Map<String, String> selector = ServiceSelectors.selector(service);
        for (Colour colour : Colour.values()) {
            if (!Labels.serviceSelects(selector, pods.labels(colour))) {
                problems.add(new ValidationError(ISTIO + "." + colour.id() + "Subset", "service " + name + " (the"
                        + " route's host) selects " + Labels.format(selector) + ", which does not match the " + colour
                        + " pods " + Labels.format(pods.labels(colour)) + ", so subset " + spec.subset(colour)
                        + " would have no endpoints; select on labels both colours share (e.g. app), not on "
                        + pods.colorLabel()));
            }
        }
        return problems;
    }

    @Override
    public ClusterChange switchTo(Colour colour) {
        ReadModifyWrite.Result<GenericKubernetesResource> result = istio.setWeights(virtualServiceRef, spec.route(),
                split, colour == Colour.GREEN ? 100 : 0, lastRead);
        lastRead = result.after();
        ManagedRoute before = IstioObjects.locate(result.before(), spec.route(), split, virtualServiceRef);
        ManagedRoute after = IstioObjects.locate(result.after(), spec.route(), split, virtualServiceRef);
        return new ClusterChange(AuditAction.WEIGHT, virtualServiceRef + " route " + before.label(), weights(before),
                weights(after), result.conflicts(), result.written() ? null : NOTHING_WRITTEN);
    }

    private static String weights(ManagedRoute route) {
        return route.weights(Colour.BLUE.id(), Colour.GREEN.id());
    }
}
