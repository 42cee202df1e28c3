package io.jenkins.plugins.progressivedelivery.engine.plan;

import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.BuiltinThresholds;

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

    /** Where a built-in metric's Prometheus may be given, for the error that finds none. */
    private static final String BUILTIN_PROMETHEUS_HINT = "set the plan's metrics.prometheus (the step's"
            + " metrics: builtinMetrics(prometheus: [address: 'http://prometheus:9090'])), configure a Prometheus server"
            + " in Manage Jenkins \u00bb System, or give the metric provider.prometheus.address";

    public static List<ValidationError> validate(CanaryPlan plan) {
        List<ValidationError> errors = new ArrayList<>();
        validateTarget(plan.target(), plan.traffic(), errors);
        validateTraffic(plan.traffic(), errors);
        validateSteps(plan.steps(), plan, errors);
        validateStepsForTraffic(plan.steps(), plan.traffic(), errors);
        if (plan.analysis() != null) {
            errors.addAll(AnalysisValidation.validate(plan.analysis().spec(), "analysis", false));
            errors.addAll(BuiltinThresholds.validateContext(plan.analysis().spec(),
                    BuiltinThresholds.Context.canary(plan), "analysis", BUILTIN_PROMETHEUS_HINT));
            int starting = plan.analysis().effectiveStartingStep();
            if (starting < 0 || (starting > 0 && starting >= plan.steps().size())) {
                errors.add(new ValidationError("analysis.startingStep", starting + " is not a step of the plan;"
                        + " use 0 to " + Math.max(0, plan.steps().size() - 1) + " (steps are counted from 0, as in"
                        + " Argo Rollouts)"));
            }
        }
        errors.addAll(io.jenkins.plugins.progressivedelivery.engine.judge.JudgeValidation.validateBaseline(plan));
        if (plan.abortScaleDownDelay() != null && plan.abortScaleDownDelay().isNegative()) {
            errors.add(new ValidationError("abortScaleDownDelay", "must not be negative; use 0s to scale the canary"
                    + " down right after traffic is back on stable"));
        }
        if (plan.readinessTimeout() != null && (plan.readinessTimeout().isNegative() || plan.readinessTimeout().isZero())) {
            errors.add(new ValidationError("readinessTimeout", "must be positive, e.g. 10m"));
        }
        if (plan.rollbackTimeout() != null && (plan.rollbackTimeout().isNegative() || plan.rollbackTimeout().isZero())) {
            errors.add(new ValidationError("rollbackTimeout", "must be positive, e.g. 15m; leave it out to retry"
                    + " until traffic is safe"));
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
        if (plan.traffic().isServiceSelector()) {
            if (plan.activeService() == null) {
                errors.add(new ValidationError("activeService", "is required: the Service that takes production"
                        + " traffic, whose selector's " + plan.effectiveColorLabel() + " label the switch flips"
                        + " (or configure traffic.istio to switch a VirtualService route)"));
            } else {
                name("activeService", plan.activeService(), DNS_LABEL, 63, errors);
            }
        } else if (plan.activeService() != null) {
            errors.add(new ValidationError("activeService", "is not used with traffic.istio (or"
                    + " traffic.gatewayAPI), where the route carries production traffic; remove it"));
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
        if (plan.traffic().gatewayAPI() != null) {
            validateBlueGreenGatewayApi(plan.traffic(), plan.previewService(), errors);
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
        if (plan.rollbackTimeout() != null && (plan.rollbackTimeout().isNegative() || plan.rollbackTimeout().isZero())) {
            errors.add(new ValidationError("rollbackTimeout", "must be positive, e.g. 15m; leave it out to retry"
                    + " until traffic is safe"));
        }
        if (plan.prePromotionAnalysis() != null) {
            errors.addAll(AnalysisValidation.validate(plan.prePromotionAnalysis(), "prePromotionAnalysis", true));
            errors.addAll(BuiltinThresholds.validateContext(plan.prePromotionAnalysis(),
                    BuiltinThresholds.Context.blueGreen(plan, Colour.BLUE, true), "prePromotionAnalysis",
                    BUILTIN_PROMETHEUS_HINT));
        }
        if (plan.postPromotionAnalysis() != null) {
            errors.addAll(AnalysisValidation.validate(plan.postPromotionAnalysis(), "postPromotionAnalysis", true));
            errors.addAll(BuiltinThresholds.validateContext(plan.postPromotionAnalysis(),
                    BuiltinThresholds.Context.blueGreen(plan, Colour.BLUE, false), "postPromotionAnalysis",
                    BUILTIN_PROMETHEUS_HINT));
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
        int routers = (traffic.istio() == null ? 0 : 1) + (traffic.gatewayAPI() == null ? 0 : 1)
                + (traffic.nginx() == null ? 0 : 1);
        if (routers > 1) {
            errors.add(new ValidationError("traffic", "names " + routers + " traffic routers; keep exactly one of"
                    + " istio, gatewayAPI and nginx (or none, to approximate weights with replica counts)"));
            return;
        }
        if (traffic.gatewayAPI() != null) {
            validateGatewayApi(traffic.gatewayAPI(), errors);
        }
        if (traffic.nginx() != null) {
            validateNginx(traffic.nginx(), errors);
        }
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

    private static void validateBlueGreenGatewayApi(BlueGreenTraffic traffic, String previewService,
                                                    List<ValidationError> errors) {
        if (traffic.istio() != null) {
            errors.add(new ValidationError("traffic", "names both istio and gatewayAPI; keep the one that carries"
                    + " production traffic"));
            return;
        }
        BlueGreenGatewayApiSpec spec = traffic.gatewayAPI();
        List<ValidationError> split = new ArrayList<>();
        validateGatewayApi(spec.asSplit(), split);
        for (ValidationError error : split) {
            errors.add(new ValidationError(error.path().replace(".stableService", ".blueService")
                    .replace(".canaryService", ".greenService"), error.message()));
        }
        for (Colour colour : Colour.values()) {
            if (previewService != null && previewService.equals(spec.service(colour))) {
                errors.add(new ValidationError("traffic.gatewayAPI." + colour.id() + "Service", "must differ from"
                        + " previewService '" + previewService + "': the preview Service follows the new colour,"
                        + " while the rule's backendRefs stay on their colours"));
            }
        }
    }

    private static void validateGatewayApi(GatewayApiSpec spec, List<ValidationError> errors) {
        String at = "traffic.gatewayAPI";
        if (spec.httpRoute() != null && spec.grpcRoute() != null) {
            errors.add(new ValidationError(at, "names both httpRoute and grpcRoute; the engine manages one route,"
                    + " keep one of the two"));
        } else if (spec.httpRoute() == null && spec.grpcRoute() == null) {
            errors.add(new ValidationError(at + ".httpRoute", "is required: the name of the HTTPRoute whose rule"
                    + " splits traffic (or grpcRoute for a GRPCRoute)"));
        } else {
            name(spec.routeField(), spec.routeName(), DNS_SUBDOMAIN, 253, errors);
        }
        name(at + ".stableService", spec.stableService(), DNS_LABEL, 63, errors);
        name(at + ".canaryService", spec.canaryService(), DNS_LABEL, 63, errors);
        if (spec.stableService() != null && spec.stableService().equals(spec.canaryService())) {
            errors.add(new ValidationError(at + ".canaryService", "must differ from stableService '"
                    + spec.stableService() + "': the rule's two backendRefs are two Services"));
        }
        if (spec.rule() != null && (spec.rule().isBlank() || !DNS_LABEL.matcher(spec.rule()).matches())) {
            errors.add(new ValidationError(at + ".rule", "'" + spec.rule() + "' is not a rule name (lower-case"
                    + " letters, digits and '-'); name the rule, or omit it when the route has a single rule"));
        }
    }

    private static void validateNginx(NginxSpec spec, List<ValidationError> errors) {
        String at = "traffic.nginx";
        name(at + ".stableIngress", spec.stableIngress(), DNS_SUBDOMAIN, 253 - "-canary".length(), errors);
        name(at + ".stableService", spec.stableService(), DNS_LABEL, 63, errors);
        name(at + ".canaryService", spec.canaryService(), DNS_LABEL, 63, errors);
        if (spec.stableService() != null && spec.stableService().equals(spec.canaryService())) {
            errors.add(new ValidationError(at + ".canaryService", "must differ from stableService '"
                    + spec.stableService() + "': the canary Ingress sends its share to another Service"));
        }
        spec.additionalIngressAnnotations().forEach((key, value) -> {
            String bare = key.startsWith(NGINX_PREFIX) ? key.substring(NGINX_PREFIX.length()) : key;
            if (bare.equals("canary") || bare.startsWith("canary-weight")) {
                errors.add(new ValidationError(at + ".additionalIngressAnnotations." + key, "is managed by the"
                        + " engine (it marks the canary Ingress and sets its weight); remove it"));
            }
        });
    }

    private static final String NGINX_PREFIX = "nginx.ingress.kubernetes.io/";

    private static void route(String route, List<ValidationError> errors) {
        if (route != null && route.isBlank()) {
            errors.add(new ValidationError("traffic.istio.route", "is empty; name the HTTP route, or omit it when"
                    + " the VirtualService has a single HTTP route"));
        }
    }

    private static void validateSteps(List<PlanStep> steps, CanaryPlan plan, List<ValidationError> errors) {
        if (steps.isEmpty()) {
            errors.add(new ValidationError("steps", "is empty; add at least one step, e.g. '- setWeight: 20'"));
        }
        for (int i = 0; i < steps.size(); i++) {
            String path = "steps[" + i + "]";
            PlanStep step = steps.get(i);
            if (step == null) {
                errors.add(new ValidationError(path, "is empty; write setWeight, pause, analysis,"
                        + " setHeaderRoute, setMirrorRoute, setCanaryScale or judge"));
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
            } else if (step instanceof PlanStep.SetHeaderRoute h) {
                validateHeaderRoute(h, path + ".setHeaderRoute", errors);
            } else if (step instanceof PlanStep.SetMirrorRoute m) {
                validateMirrorRoute(m, path + ".setMirrorRoute", errors);
            } else if (step instanceof PlanStep.SetCanaryScale c) {
                validateCanaryScale(c, path + ".setCanaryScale", errors);
            } else if (step instanceof PlanStep.Judge j) {
                errors.addAll(io.jenkins.plugins.progressivedelivery.engine.judge.JudgeValidation.validate(j.judge(),
                        path + ".judge", plan));
            } else if (step instanceof PlanStep.Analysis a) {
                if (a.analysis() == null) {
                    errors.add(new ValidationError(path + ".analysis", "is empty; give it metrics"));
                } else {
                    errors.addAll(AnalysisValidation.validate(a.analysis(), path + ".analysis", true));
                    errors.addAll(BuiltinThresholds.validateContext(a.analysis(),
                            BuiltinThresholds.Context.canary(plan), path + ".analysis", BUILTIN_PROMETHEUS_HINT));
                }
            }
        }
    }

    /** Steps the chosen router cannot carry out, and managed route names used for two kinds of route. */
    private static void validateStepsForTraffic(List<PlanStep> steps, TrafficSpec traffic,
                                                List<ValidationError> errors) {
        Map<String, String> kindByName = new java.util.HashMap<>();
        boolean canaryExists = false;
        for (int i = 0; i < steps.size(); i++) {
            PlanStep step = steps.get(i);
            String path = "steps[" + i + "]";
            canaryExists |= step instanceof PlanStep.SetWeight || step instanceof PlanStep.SetCanaryScale;
            if (!canaryExists && !traffic.isReplicaRatio() && (step instanceof PlanStep.SetHeaderRoute h
                    && !h.removes() || step instanceof PlanStep.SetMirrorRoute m && !m.removes())) {
                String kind = step instanceof PlanStep.SetHeaderRoute ? "setHeaderRoute" : "setMirrorRoute";
                errors.add(new ValidationError(path + "." + kind, "comes before any setWeight or setCanaryScale,"
                        + " when the canary has no pods yet, so the requests it sends there would fail; put"
                        + " '- setCanaryScale: {replicas: 1}' before it"));
            }
            if (traffic.isReplicaRatio() && (step instanceof PlanStep.SetHeaderRoute
                    || step instanceof PlanStep.SetMirrorRoute || step instanceof PlanStep.SetCanaryScale)) {
                errors.add(new ValidationError(path, "needs a traffic router: without traffic.istio,"
                        + " traffic.gatewayAPI or traffic.nginx the replica ratio splits traffic, so there is no"
                        + " route to add and the canary's size is its weight"));
            } else if (traffic.nginx() != null && step instanceof PlanStep.SetMirrorRoute) {
                errors.add(new ValidationError(path + ".setMirrorRoute", "is not supported with traffic.nginx"
                        + " (a canary Ingress cannot mirror); use Istio or the Gateway API to mirror"));
            }
            String name = step instanceof PlanStep.SetHeaderRoute h ? h.name()
                    : step instanceof PlanStep.SetMirrorRoute m ? m.name() : null;
            if (name != null) {
                String kind = step instanceof PlanStep.SetHeaderRoute ? "setHeaderRoute" : "setMirrorRoute";
                String other = kindByName.putIfAbsent(name, kind);
                if (other != null && !other.equals(kind)) {
                    errors.add(new ValidationError(path + "." + kind + ".name", "'" + name + "' already names a"
                            + " route of an earlier " + other + " step; give each managed route its own name"));
                }
            }
        }
    }

    private static void validateHeaderRoute(PlanStep.SetHeaderRoute step, String path,
                                            List<ValidationError> errors) {
        name(path + ".name", step.name(), DNS_LABEL, 63, errors);
        for (int i = 0; i < step.match().size(); i++) {
            PlanStep.HeaderMatch match = step.match().get(i);
            String at = path + ".match[" + i + "]";
            if (match == null) {
                errors.add(new ValidationError(at, "is empty; write {headerName: X-Canary, headerValue:"
                        + " {exact: always}}"));
                continue;
            }
            if (blank(match.headerName()) || !HEADER_NAME.matcher(match.headerName()).matches()) {
                errors.add(new ValidationError(at + ".headerName", (blank(match.headerName()) ? "is required"
                        : "'" + match.headerName() + "' is not an HTTP header name") + "; e.g. X-Canary"));
            }
            stringMatch(match.headerValue(), at + ".headerValue", errors);
        }
    }

    private static void validateMirrorRoute(PlanStep.SetMirrorRoute step, String path,
                                            List<ValidationError> errors) {
        name(path + ".name", step.name(), DNS_LABEL, 63, errors);
        if (step.percentage() != null && (step.percentage() < 0 || step.percentage() > 100)) {
            errors.add(new ValidationError(path + ".percentage", step.percentage() + " is not in 0..100; it is"
                    + " the share of matching requests copied to the canary (0 removes the mirror)"));
        }
        for (int i = 0; i < step.match().size(); i++) {
            PlanStep.RouteMatch match = step.match().get(i);
            String at = path + ".match[" + i + "]";
            if (match == null || (match.method() == null && match.path() == null && match.headers().isEmpty())) {
                errors.add(new ValidationError(at, "is empty; give method, path or headers, e.g."
                        + " {path: {prefix: /api}}, or omit match to mirror all of the route's requests"));
                continue;
            }
            if (match.method() != null) {
                stringMatch(match.method(), at + ".method", errors);
                if (match.method().exact() == null) {
                    errors.add(new ValidationError(at + ".method", "only exact is supported for a method,"
                            + " e.g. {exact: GET}"));
                }
            }
            if (match.path() != null) {
                stringMatch(match.path(), at + ".path", errors);
            }
            match.headers().forEach((header, value) -> {
                if (!HEADER_NAME.matcher(header).matches()) {
                    errors.add(new ValidationError(at + ".headers", "'" + header + "' is not an HTTP header name"));
                }
                stringMatch(value, at + ".headers." + header, errors);
            });
        }
    }

    private static void validateCanaryScale(PlanStep.SetCanaryScale step, String path,
                                            List<ValidationError> errors) {
        int given = (step.replicas() == null ? 0 : 1) + (step.weight() == null ? 0 : 1)
                + (step.matchTrafficWeight() == null ? 0 : 1);
        if (given != 1) {
            errors.add(new ValidationError(path, "give exactly one of replicas, weight and matchTrafficWeight"
                    + " (e.g. {replicas: 2}); it has " + given));
            return;
        }
        if (step.replicas() != null && step.replicas() < 0) {
            errors.add(new ValidationError(path + ".replicas", "must not be negative"));
        }
        if (step.weight() != null && (step.weight() < 0 || step.weight() > 100)) {
            errors.add(new ValidationError(path + ".weight", step.weight() + " is not in 0..100; it is the"
                    + " canary's size in percent of the stable's replicas"));
        }
        if (Boolean.FALSE.equals(step.matchTrafficWeight())) {
            errors.add(new ValidationError(path + ".matchTrafficWeight", "false says nothing; write true to size"
                    + " the canary by its traffic weight again, or give replicas or weight"));
        }
    }

    private static void stringMatch(PlanStep.StringMatch match, String path, List<ValidationError> errors) {
        int given = match == null ? 0 : (match.exact() == null ? 0 : 1) + (match.prefix() == null ? 0 : 1)
                + (match.regex() == null ? 0 : 1);
        if (given != 1) {
            errors.add(new ValidationError(path, "give exactly one of exact, prefix and regex, e.g."
                    + " {exact: always}"));
            return;
        }
        if (match.regex() != null) {
            try {
                Pattern.compile(match.regex());
            } catch (java.util.regex.PatternSyntaxException e) {
                errors.add(new ValidationError(path + ".regex", "'" + match.regex() + "' is not a regular"
                        + " expression: " + e.getDescription()));
            }
        }
    }

    /** RFC 7230 token: what an HTTP header name may be. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

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
