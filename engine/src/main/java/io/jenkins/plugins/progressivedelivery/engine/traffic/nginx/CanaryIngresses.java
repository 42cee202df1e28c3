package io.jenkins.plugins.progressivedelivery.engine.traffic.nginx;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressRuleValue;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.NginxSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canary Ingress as a function of the stable one, as Argo Rollouts' nginx router makes it: the stable Ingress's
 * hosts and the paths that go to the stable Service, sent to the canary Service, with ingress-nginx's canary
 * annotations. Pure functions; inputs are never modified.
 */
final class CanaryIngresses {
    static final String PREFIX = "nginx.ingress.kubernetes.io/";
    static final String CANARY = PREFIX + "canary";
    static final String WEIGHT = PREFIX + "canary-weight";
    static final String BY_HEADER = PREFIX + "canary-by-header";
    static final String BY_HEADER_VALUE = PREFIX + "canary-by-header-value";
    static final String BY_HEADER_PATTERN = PREFIX + "canary-by-header-pattern";
    /** On the canary Ingress: the stable Ingress it was made from; marks it as the engine's to update and delete. */
    static final String CANARY_OF_LABEL = "progressive-delivery.jenkins.io/canary-of-ingress";
    private static final String INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

    private CanaryIngresses() {
    }

    /** How many paths of the stable Ingress go to the stable Service (the ones the canary Ingress takes over). */
    static int stablePaths(Ingress stable, String stableService) {
        int count = 0;
        for (IngressRule rule : rules(stable)) {
            for (HTTPIngressPath path : paths(rule)) {
                if (isService(path.getBackend(), stableService)) {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * The canary Ingress for {@code stable}, keeping the header route (and weight) of {@code existing} when given.
     */
    static Ingress desired(Ingress stable, NginxSpec spec, Ingress existing, int canaryWeight) {
        Ingress canary = new Ingress();
        canary.setApiVersion("networking.k8s.io/v1");
        canary.setKind("Ingress");
        ObjectMeta meta = existing == null ? new ObjectMeta() : Serialization.clone(existing.getMetadata());
        meta.setName(spec.canaryIngress());
        meta.setNamespace(stable.getMetadata().getNamespace());
        Map<String, String> labels = meta.getLabels() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(meta.getLabels());
        labels.put(CANARY_OF_LABEL, stable.getMetadata().getName());
        meta.setLabels(labels);
        Map<String, String> annotations = new LinkedHashMap<>();
        Map<String, String> stableAnnotations = stable.getMetadata().getAnnotations();
        if (stableAnnotations != null && stableAnnotations.containsKey(INGRESS_CLASS_ANNOTATION)) {
            annotations.put(INGRESS_CLASS_ANNOTATION, stableAnnotations.get(INGRESS_CLASS_ANNOTATION));
        }
        annotations.putAll(additionalAnnotations(spec));
        if (existing != null && existing.getMetadata().getAnnotations() != null) {
            for (String key : List.of(BY_HEADER, BY_HEADER_VALUE, BY_HEADER_PATTERN)) {
                String value = existing.getMetadata().getAnnotations().get(key);
                if (value != null) {
                    annotations.put(key, value);
                }
            }
        }
        annotations.put(CANARY, "true");
        annotations.put(WEIGHT, Integer.toString(canaryWeight));
        meta.setAnnotations(annotations);
        canary.setMetadata(meta);

        IngressSpec ingressSpec = new IngressSpec();
        ingressSpec.setIngressClassName(stable.getSpec() == null ? null : stable.getSpec().getIngressClassName());
        List<IngressRule> rules = new ArrayList<>();
        for (IngressRule rule : rules(stable)) {
            List<HTTPIngressPath> paths = new ArrayList<>();
            for (HTTPIngressPath path : paths(rule)) {
                if (isService(path.getBackend(), spec.stableService())) {
                    HTTPIngressPath copy = Serialization.clone(path);
                    copy.getBackend().getService().setName(spec.canaryService());
                    paths.add(copy);
                }
            }
            if (!paths.isEmpty()) {
                IngressRule copy = new IngressRule();
                copy.setHost(rule.getHost());
                copy.setHttp(new HTTPIngressRuleValue(paths));
                rules.add(copy);
            }
        }
        ingressSpec.setRules(rules);
        canary.setSpec(ingressSpec);
        return canary;
    }

    /** The plan's {@code additionalIngressAnnotations}, a key without a prefix taken as ingress-nginx's. */
    static Map<String, String> additionalAnnotations(NginxSpec spec) {
        Map<String, String> annotations = new LinkedHashMap<>();
        spec.additionalIngressAnnotations().forEach((key, value) ->
                annotations.put(key.contains("/") ? key : PREFIX + key, value));
        return annotations;
    }

    /**
     * The header route's annotations as the plan leaves them after {@code routeSteps} (its additional annotations,
     * then each {@code setHeaderRoute} in turn): what the engine wrote, for a router made after a restart.
     */
    static Map<String, String> plannedHeaderAnnotations(NginxSpec spec, List<PlanStep> routeSteps) {
        Ingress canary = new Ingress();
        canary.setMetadata(new ObjectMeta());
        canary.getMetadata().setAnnotations(additionalAnnotations(spec));
        for (PlanStep step : routeSteps) {
            if (step instanceof PlanStep.SetHeaderRoute header) {
                canary = withHeaderRoute(canary, header);
            }
        }
        return headerAnnotations(canary);
    }

    /** A copy with the header route set from the step (one header), or removed when the step's match is empty. */
    static Ingress withHeaderRoute(Ingress canary, PlanStep.SetHeaderRoute step) {
        Ingress copy = Serialization.clone(canary);
        Map<String, String> annotations = new LinkedHashMap<>(copy.getMetadata().getAnnotations());
        annotations.remove(BY_HEADER);
        annotations.remove(BY_HEADER_VALUE);
        annotations.remove(BY_HEADER_PATTERN);
        if (!step.removes()) {
            PlanStep.HeaderMatch match = step.match().get(0);
            annotations.put(BY_HEADER, match.headerName());
            PlanStep.StringMatch value = match.headerValue();
            if (value.exact() != null) {
                annotations.put(BY_HEADER_VALUE, value.exact());
            } else {
                annotations.put(BY_HEADER_PATTERN, value.regex() != null ? value.regex()
                        : "^" + value.prefix().replaceAll("([\\\\.+*?()|\\[\\]{}^$])", "\\\\$1") + ".*");
            }
        }
        copy.getMetadata().setAnnotations(annotations);
        return copy;
    }

    static int weight(Ingress canary) {
        if (canary == null || canary.getMetadata().getAnnotations() == null) {
            return 0;
        }
        try {
            return Integer.parseInt(canary.getMetadata().getAnnotations().getOrDefault(WEIGHT, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code canary-by-header X-Canary = always}, or null. */
    static String headerRoute(Ingress canary) {
        Map<String, String> annotations = canary == null ? null : canary.getMetadata().getAnnotations();
        if (annotations == null || !annotations.containsKey(BY_HEADER)) {
            return null;
        }
        String value = annotations.containsKey(BY_HEADER_VALUE) ? "= " + annotations.get(BY_HEADER_VALUE)
                : annotations.containsKey(BY_HEADER_PATTERN) ? "~ " + annotations.get(BY_HEADER_PATTERN) : "= always";
        return "canary-by-header " + annotations.get(BY_HEADER) + " " + value;
    }

    /** The header route's annotations ({@code canary-by-header} and its value or pattern) as they are. */
    static Map<String, String> headerAnnotations(Ingress canary) {
        Map<String, String> found = new LinkedHashMap<>();
        Map<String, String> annotations = canary == null ? null : canary.getMetadata().getAnnotations();
        if (annotations != null) {
            for (String key : List.of(BY_HEADER, BY_HEADER_VALUE, BY_HEADER_PATTERN)) {
                if (annotations.containsKey(key)) {
                    found.put(key, annotations.get(key));
                }
            }
        }
        return found;
    }

    static boolean isManaged(Ingress ingress, String stableIngress) {
        Map<String, String> labels = ingress.getMetadata().getLabels();
        return labels != null && stableIngress.equals(labels.get(CANARY_OF_LABEL));
    }

    private static boolean isService(IngressBackend backend, String service) {
        return backend != null && backend.getService() != null && service.equals(backend.getService().getName());
    }

    private static List<IngressRule> rules(Ingress ingress) {
        return ingress.getSpec() == null || ingress.getSpec().getRules() == null ? List.of()
                : ingress.getSpec().getRules();
    }

    private static List<HTTPIngressPath> paths(IngressRule rule) {
        return rule.getHttp() == null || rule.getHttp().getPaths() == null ? List.of() : rule.getHttp().getPaths();
    }
}
