package io.jenkins.plugins.progressivedelivery.engine.plan;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks canary and blue-green plans completely, without the cluster: every problem with its field path and fix. */
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
    /** The colours' Deployments add "-green" to the target's deployment. */
    private static final int MAX_COLOUR_DEPLOYMENT_NAME = 253 - "-green".length();

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
        SafetyValidation.validate(plan.doctor(), plan.hooks(), plan.drainSeconds(), errors);
        return errors;
    }

    public static List<ValidationError> validate(BlueGreenPlan plan) {
        List<ValidationError> errors = new ArrayList<>();
        BlueGreenTarget target = plan.target();
        if (target == null) {
            errors.add(new ValidationError("target", "is required: namespace, deployment, container and image"));
        } else {
            targetFields(target.namespace(), target.deployment(), MAX_COLOUR_DEPLOYMENT_NAME, target.container(),
                    target.image(), errors);
        }
        if (plan.colorLabel() != null && (!LABEL_KEY.matcher(plan.colorLabel()).matches()
                || plan.colorLabel().length() > 316)) {
            errors.add(new ValidationError("colorLabel", "'" + plan.colorLabel() + "' is not a valid label key;"
                    + " name the pod label whose value is blue or green, e.g. slot"));
        }
        BlueGreenIstioSpec istio = plan.traffic().istio();
        if (istio == null) {
            if (plan.activeService() == null) {
                errors.add(new ValidationError("activeService", "is required: the Service that takes production"
                        + " traffic, whose selector's " + plan.effectiveColorLabel() + " label the switch flips"
                        + " (or configure traffic.istio to switch a VirtualService route)"));
            } else {
                name("activeService", plan.activeService(), DNS_LABEL, 63, errors);
            }
        } else if (plan.activeService() != null) {
            errors.add(new ValidationError("activeService", "is not used with traffic.istio, where the"
                    + " VirtualService route carries production traffic; remove it"));
        }
        name("previewService", plan.previewService(), DNS_LABEL, 63, errors);
        if (plan.previewService() != null && plan.previewService().equals(plan.activeService())) {
            errors.add(new ValidationError("previewService", "must differ from activeService '"
                    + plan.activeService() + "': the preview points at the new colour while production stays on the"
                    + " active one"));
        }
        if (istio != null) {
            validateTraffic(istio, plan.previewService(), errors);
        }
        if (plan.previewReplicaCount() != null && plan.previewReplicaCount() < 1) {
            errors.add(new ValidationError("previewReplicaCount", "must be at least 1, or omitted to preview at"
                    + " the active colour's size"));
        }
        notNegative("autoPromotionSeconds", plan.autoPromotionSeconds(), "0 promotes as soon as the new colour"
                + " is ready and its pre-promotion analysis passed; omit it to wait for a person", errors);
        notNegative("scaleDownDelaySeconds", plan.scaleDownDelaySeconds(), "0 scales the old colour down right"
                + " after the switch (and its post-promotion analysis), leaving no instant switch-back", errors);
        notNegative("abortScaleDownDelaySeconds", plan.abortScaleDownDelaySeconds(), "0 scales the new colour"
                + " down right after an abort", errors);
        if (plan.readinessTimeout() != null && (plan.readinessTimeout().isNegative()
                || plan.readinessTimeout().isZero())) {
            errors.add(new ValidationError("readinessTimeout", "must be positive, e.g. 10m"));
        }
        if (plan.prePromotionAnalysis() != null) {
            errors.addAll(AnalysisValidation.validate(plan.prePromotionAnalysis(), "prePromotionAnalysis", true));
        }
        if (plan.postPromotionAnalysis() != null) {
            errors.addAll(AnalysisValidation.validate(plan.postPromotionAnalysis(), "postPromotionAnalysis", true));
        }
        SafetyValidation.validate(plan.doctor(), plan.hooks(), plan.drainSeconds(), errors);
        return errors;
    }

    private static void validateTraffic(BlueGreenIstioSpec istio, String previewService,
                                        List<ValidationError> errors) {
        name("traffic.istio.virtualService", istio.virtualService(), DNS_SUBDOMAIN, 253, errors);
        boolean hosts = istio.blueService() != null || istio.greenService() != null;
        if (hosts && istio.isSubsetSplit()) {
            errors.add(new ValidationError("traffic.istio", "mixes a host split (blueService, greenService) with a"
                    + " subset split (destinationRule, blueSubset, greenSubset); keep one of the two"));
        } else if (istio.isSubsetSplit()) {
            name("traffic.istio.destinationRule", istio.destinationRule(), DNS_SUBDOMAIN, 253, errors);
            name("traffic.istio.blueSubset", istio.subset(Colour.BLUE), DNS_LABEL, 63, errors);
            name("traffic.istio.greenSubset", istio.subset(Colour.GREEN), DNS_LABEL, 63, errors);
            if (istio.subset(Colour.BLUE).equals(istio.subset(Colour.GREEN))) {
                errors.add(new ValidationError("traffic.istio.greenSubset", "must differ from blueSubset '"
                        + istio.subset(Colour.BLUE) + "'"));
            }
        } else {
            name("traffic.istio.blueService", istio.blueService(), DNS_LABEL, 63, errors);
            name("traffic.istio.greenService", istio.greenService(), DNS_LABEL, 63, errors);
            if (istio.blueService() != null && istio.blueService().equals(istio.greenService())) {
                errors.add(new ValidationError("traffic.istio.greenService", "must differ from blueService '"
                        + istio.blueService() + "'; for one Service use a subset split with a destinationRule"));
            }
            for (Colour colour : Colour.values()) {
                if (previewService != null && previewService.equals(istio.service(colour))) {
                    errors.add(new ValidationError("traffic.istio." + colour.id() + "Service", "must differ from"
                            + " previewService '" + previewService + "': the preview's selector moves between the"
                            + " colours, the " + colour.id() + " Service always selects " + colour.id()));
                }
            }
        }
        route(istio.route(), errors);
    }

    private static void notNegative(String path, Integer value, String zeroMeans, List<ValidationError> errors) {
        if (value != null && value < 0) {
            errors.add(new ValidationError(path, "must not be negative; " + zeroMeans));
        }
    }

    private static void validateTarget(Target target, TrafficSpec traffic, List<ValidationError> errors) {
        if (target == null) {
            errors.add(new ValidationError("target", "is required: namespace, deployment, container and image"));
            return;
        }
        targetFields(target.namespace(), target.deployment(), MAX_DEPLOYMENT_NAME, target.container(),
                target.image(), errors);
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

    private static void targetFields(String namespace, String deployment, int maxDeploymentName, String container,
                                     String image, List<ValidationError> errors) {
        name("target.namespace", namespace, DNS_LABEL, 63, errors);
        name("target.deployment", deployment, DNS_SUBDOMAIN, maxDeploymentName, errors);
        if (blank(container)) {
            errors.add(new ValidationError("target.container", "is required: the name of the container in the"
                    + " Deployment's pod template that gets the new image"));
        }
        if (blank(image)) {
            errors.add(new ValidationError("target.image", "is required: the new image, e.g. registry/app:2.0"));
        } else if (image.chars().anyMatch(Character::isWhitespace)) {
            errors.add(new ValidationError("target.image", "'" + image + "' contains whitespace"));
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
        route(istio.route(), errors);
    }

    private static void route(String route, List<ValidationError> errors) {
        if (route != null && route.isBlank()) {
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
