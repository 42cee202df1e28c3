package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.kube.ColourPods;
import io.jenkins.plugins.progressivedelivery.engine.kube.FieldManagers;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeErrors;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeRef;
import io.jenkins.plugins.progressivedelivery.engine.kube.Labels;
import io.jenkins.plugins.progressivedelivery.engine.kube.ReadModifyWrite;
import io.jenkins.plugins.progressivedelivery.engine.kube.ServiceSelectors;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenGatewayApiSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterChange;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ProductionTraffic;
import io.jenkins.plugins.progressivedelivery.engine.traffic.ColourRouter;
import io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi.RouteRulesEditor.WeightedRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Production traffic of a blue-green deployment on one rule of a Gateway API HTTPRoute or GRPCRoute: all of it on one
 * colour's backendRef (weight 100) and none on the other's (0); the switch moves the weights to 0 and 100 in one
 * read-modify-write of the whole route, leaving every other rule and field as it was. The colours' Services are read,
 * not changed: each must select exactly its colour's pods.
 */
public final class GatewayApiColourRouter implements ColourRouter {
    private static final String PATH = "traffic.gatewayAPI";
    private static final String NOTHING_WRITTEN = "already so; nothing written";

    private final KubernetesClient client;
    private final String namespace;
    private final BlueGreenGatewayApiSpec spec;
    private final GatewayRoute<?> route;

    public GatewayApiColourRouter(KubernetesClient client, String namespace, BlueGreenGatewayApiSpec spec) {
        this.client = client;
        this.namespace = namespace;
        this.spec = spec;
        this.route = spec.grpcRoute() != null
                ? new GatewayRoute<>(client, namespace, spec.asSplit(), RouteKind.GRPC)
                : new GatewayRoute<>(client, namespace, spec.asSplit(), RouteKind.HTTP);
    }

    @Override
    public String type() {
        return "gateway api " + (spec.grpcRoute() != null ? "grpcroute" : "httproute");
    }

    @Override
    public String description() {
        return type() + " " + route.describe().replace(" (" + spec.blueService() + "/" + spec.greenService() + ")",
                " (blue " + spec.blueService() + ", green " + spec.greenService() + ")");
    }

    @Override
    public Colour activeColour(List<ValidationError> problems) {
        List<ValidationError> found = new ArrayList<>();
        HasMetadata object = route.read(found);
        WeightedRule weighted = null;
        if (object != null) {
            try {
                weighted = route.editor.locate(object);
            } catch (RuleProblem e) {
                found.add(e.error());
            }
        }
        found.forEach(p -> problems.add(colourPath(p)));
        if (weighted == null) {
            return null;
        }
        if (weighted.canaryWeight() == 0 && weighted.stableWeight() > 0) {
            return Colour.BLUE;
        }
        if (weighted.stableWeight() == 0 && weighted.canaryWeight() > 0) {
            return Colour.GREEN;
        }
        problems.add(new ValidationError(PATH + ".rule", "rule " + weighted.label() + " of " + route.ref
                + " splits traffic " + weighted.weights("blue", "green") + "; a blue-green switch starts with all"
                + " of it on the colour in production: set that colour's weight to 100 and the other's to 0"));
        return null;
    }

    /** As {@link #activeColour}: all on one colour's backendRef (any positive weight) and 0 on the other's. */
    @Override
    public ProductionTraffic readProduction() {
        HasMetadata object = route.current();
        if (object == null) {
            return ProductionTraffic.gone();
        }
        String writer = FieldManagers.lastWriter(object);
        WeightedRule weighted;
        try {
            weighted = route.editor.locate(object);
        } catch (RuleProblem e) {
            return new ProductionTraffic(null, e.error().message(), writer);
        }
        Colour colour = weighted.canaryWeight() == 0 && weighted.stableWeight() > 0 ? Colour.BLUE
                : weighted.stableWeight() == 0 && weighted.canaryWeight() > 0 ? Colour.GREEN : null;
        return new ProductionTraffic(colour, weighted.weights("blue", "green"), writer);
    }

    @Override
    public List<ValidationError> verify(ColourPods pods) {
        List<ValidationError> problems = new ArrayList<>();
        ReadModifyWrite rmw = new ReadModifyWrite(client);
        for (Colour colour : Colour.values()) {
            String path = PATH + "." + colour.id() + "Service";
            String name = spec.service(colour);
            int known = problems.size();
            Service service = KubeErrors.orProblem(() -> rmw.read(client.services().inNamespace(namespace),
                    KubeRef.service(namespace, name)), path, problems);
            if (service == null) {
                if (problems.size() == known) {
                    problems.add(new ValidationError(path, "service " + name + " not found in namespace " + namespace
                            + "; create it, selecting the " + colour + " pods " + Labels.format(pods.labels(colour))));
                }
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

    @Override
    public ClusterChange switchTo(Colour colour) {
        int greenWeight = colour == Colour.GREEN ? 100 : 0;
        ReadModifyWrite.Result<HasMetadata> result = route.update(current ->
                route.editor.withWeights(current, greenWeight));
        WeightedRule before = route.locate(result.before());
        WeightedRule after = route.locate(result.after());
        return new ClusterChange(AuditAction.WEIGHT, route.ref + " rule " + before.label(),
                before.weights("blue", "green"), after.weights("blue", "green"), result.conflicts(),
                result.written() ? null : NOTHING_WRITTEN);
    }

    private static ValidationError colourPath(ValidationError problem) {
        return new ValidationError(problem.path().replace(".stableService", ".blueService")
                .replace(".canaryService", ".greenService"), problem.message());
    }
}
