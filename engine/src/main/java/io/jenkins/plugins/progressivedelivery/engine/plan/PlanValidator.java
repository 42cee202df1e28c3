package io.jenkins.plugins.progressivedelivery.engine.plan;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks a canary plan completely, without the cluster: every problem with its field path and its fix. */
public final class PlanValidator {
    /** RFC 1123 label: what Kubernetes accepts for a namespace. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** RFC 1123 subdomain: what Kubernetes accepts for Deployment, Service and Istio resource names. */
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                    + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    /** The canary Deployment adds "-canary"; its pods' names must stay within the 253 characters of a name. */
    private static final int MAX_DEPLOYMENT_NAME = 253 - "-canary".length();

    private PlanValidator() {
    }

    public static List<ValidationError> validate(CanaryPlan plan) {
        List<ValidationError> errors = new ArrayList<>();
        validateTarget(plan.target(), plan.traffic(), errors);
        validateTraffic(plan.traffic(), errors);
        validateSteps(plan.steps(), errors);
        if (plan.abortScaleDownDelay() != null && plan.abortScaleDownDelay().isNegative()) {
            errors.add(new ValidationError("abortScaleDownDelay", "must not be negative; use 0s to scale the canary"
                    + " down right after traffic is back on stable"));
        }
        if (plan.readinessTimeout() != null && (plan.readinessTimeout().isNegative() || plan.readinessTimeout().isZero())) {
            errors.add(new ValidationError("readinessTimeout", "must be positive, e.g. 10m"));
        }
        return errors;
    }

    private static void validateTarget(Target target, TrafficSpec traffic, List<ValidationError> errors) {
        if (target == null) {
            errors.add(new ValidationError("target", "is required: namespace, deployment, container and image"));
            return;
        }
        name("target.namespace", target.namespace(), DNS_LABEL, 63, errors);
        name("target.deployment", target.deployment(), DNS_SUBDOMAIN, MAX_DEPLOYMENT_NAME, errors);
        if (blank(target.container())) {
            errors.add(new ValidationError("target.container", "is required: the name of the container in the"
                    + " Deployment's pod template that gets the new image"));
        }
        if (blank(target.image())) {
            errors.add(new ValidationError("target.image", "is required: the new image, e.g. registry/app:2.0"));
        } else if (target.image().chars().anyMatch(Character::isWhitespace)) {
            errors.add(new ValidationError("target.image", "'" + target.image() + "' contains whitespace"));
        }
        if (target.canaryReplicas() != null) {
            if (target.canaryReplicas() < 1) {
                errors.add(new ValidationError("target.canaryReplicas", "must be at least 1, or omitted to size"
                        + " the canary from the weight"));
            } else if (traffic.isReplicaRatio()) {
                errors.add(new ValidationError("target.canaryReplicas", "cannot be fixed without a mesh: the"
                        + " replica ratio is what splits the traffic; remove it or configure traffic.istio"));
            }
        }
        for (Map.Entry<String, String> label : target.canaryLabels().entrySet()) {
            String path = "target.canaryLabels." + label.getKey();
            if (!LABEL_KEY.matcher(label.getKey()).matches() || label.getKey().length() > 316) {
                errors.add(new ValidationError(path, "is not a valid label key"));
            }
            if (label.getValue() == null || !LABEL_VALUE.matcher(label.getValue()).matches()) {
                errors.add(new ValidationError(path, "'" + label.getValue() + "' is not a valid label value"
                        + " (63 characters at most: letters, digits, '-', '_', '.')"));
            }
        }
    }

    private static void validateTraffic(TrafficSpec traffic, List<ValidationError> errors) {
        IstioSpec istio = traffic.istio();
        if (istio == null) {
            return;
        }
        name("traffic.istio.virtualService", istio.virtualService(), DNS_SUBDOMAIN, 253, errors);
        boolean hosts = istio.stableService() != null || istio.canaryService() != null;
        boolean subsets = istio.destinationRule() != null || istio.stableSubset() != null
                || istio.canarySubset() != null;
        if (hosts && subsets) {
            errors.add(new ValidationError("traffic.istio", "mixes a host split (stableService, canaryService)"
                    + " with a subset split (destinationRule, stableSubset, canarySubset); keep one of the two"));
        } else if (subsets) {
            name("traffic.istio.destinationRule", istio.destinationRule(), DNS_SUBDOMAIN, 253, errors);
            name("traffic.istio.stableSubset", istio.stableSubset(), DNS_LABEL, 63, errors);
            name("traffic.istio.canarySubset", istio.canarySubset(), DNS_LABEL, 63, errors);
            if (istio.stableSubset() != null && istio.stableSubset().equals(istio.canarySubset())) {
                errors.add(new ValidationError("traffic.istio.canarySubset",
                        "must differ from stableSubset '" + istio.stableSubset() + "'"));
            }
        } else {
            name("traffic.istio.stableService", istio.stableService(), DNS_LABEL, 63, errors);
            name("traffic.istio.canaryService", istio.canaryService(), DNS_LABEL, 63, errors);
            if (istio.stableService() != null && istio.stableService().equals(istio.canaryService())) {
                errors.add(new ValidationError("traffic.istio.canaryService", "must differ from stableService '"
                        + istio.stableService() + "'; for one Service use a subset split with a destinationRule"));
            }
        }
        if (istio.route() != null && istio.route().isBlank()) {
            errors.add(new ValidationError("traffic.istio.route", "is empty; name the HTTP route, or omit it when"
                    + " the VirtualService has a single HTTP route"));
        }
    }

    private static void validateSteps(List<PlanStep> steps, List<ValidationError> errors) {
        if (steps.isEmpty()) {
            errors.add(new ValidationError("steps", "is empty; add at least one step, e.g. '- setWeight: 20'"));
        }
        for (int i = 0; i < steps.size(); i++) {
            String path = "steps[" + i + "]";
            PlanStep step = steps.get(i);
            if (step == null) {
                errors.add(new ValidationError(path, "is empty; write setWeight, pause or analysis"));
            } else if (step instanceof PlanStep.SetWeight w) {
                if (w.weight() < 0 || w.weight() > 100) {
                    errors.add(new ValidationError(path + ".setWeight", w.weight() + " is not in 0..100;"
                            + " it is the canary's percentage of traffic"));
                }
            } else if (step instanceof PlanStep.Pause p) {
                if (!p.indefinite() && (p.duration().isNegative() || p.duration().isZero())) {
                    errors.add(new ValidationError(path + ".pause", "must be positive, e.g. 90s; use {} to wait"
                            + " for promote"));
                }
            } else if (step instanceof PlanStep.Analysis a) {
                if (a.analysis() == null) {
                    errors.add(new ValidationError(path + ".analysis", "is empty; give it metrics"));
                } else {
                    errors.addAll(AnalysisValidation.validate(a.analysis(), path + ".analysis", true));
                }
            }
        }
    }

    private static void name(String path, String value, Pattern pattern, int maxLength,
                             List<ValidationError> errors) {
        if (blank(value)) {
            errors.add(new ValidationError(path, "is required"));
        } else if (value.length() > maxLength || !pattern.matcher(value).matches()) {
            errors.add(new ValidationError(path, "'" + value + "' is not a valid Kubernetes name (lower-case"
                    + " letters, digits and '-', at most " + maxLength + " characters)"));
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
