package io.jenkins.plugins.progressivedelivery.engine.doctor;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.jenkins.plugins.progressivedelivery.engine.kube.Labels;
import io.jenkins.plugins.progressivedelivery.engine.plan.DoctorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The doctor's checks of one workload: pure functions of what was read ({@link WorkloadFacts}), each finding with
 * the object and field at fault, why it matters during a rollout and a YAML fix. Read-only by construction.
 */
public final class DoctorChecks {
    /** A Deployment with fewer replicas than this is "few": one pod down is a large share of its capacity. */
    static final int FEW_REPLICAS = 10;
    /** Kubernetes' default {@code terminationGracePeriodSeconds}. */
    static final int DEFAULT_GRACE_SECONDS = 30;
    private static final Pattern SLEEP = Pattern.compile("(?:^|[\\s;&|(])sleep\\s+(\\d+)(?:s)?(?:$|[\\s;&|)])");
    private static final Pattern LONG_LIVED_NAME = Pattern.compile("(?i)^(grpc|h2c?|http2|ws|wss|websocket)([-_].*)?$");

    private DoctorChecks() {
    }

    /** Every check but traffic volume (which needs Prometheus: see {@link TrafficVolume}). */
    public static List<Finding> check(WorkloadFacts facts, DoctorSpec spec) {
        List<Finding> findings = new ArrayList<>();
        Deployment deployment = facts.deployment();
        String object = "deployment/" + deployment.getMetadata().getNamespace() + "/"
                + deployment.getMetadata().getName();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().stream().filter(c -> c.getName().equals(facts.container()))
                .findFirst().orElse(null);
        if (container != null) {
            String at = "spec.template.spec.containers[" + container.getName() + "]";
            probes(object, at, container, spec, findings);
            drain(object, at, pod, container, spec, findings);
            images(object, at, container, facts.newImage(), findings);
        }
        rollingUpdate(object, deployment, findings);
        disruptionBudgets(object, deployment, facts.disruptionBudgets(), findings);
        autoscalers(facts, object, deployment, findings);
        istio(facts, findings);
        longLived(facts, object, pod, findings);
        return findings;
    }

    /** The preStop sleep of the container, in seconds, or null when it has none (or one the doctor cannot read). */
    public static Integer preStopSleepSeconds(Container container) {
        if (container.getLifecycle() == null || container.getLifecycle().getPreStop() == null) {
            return null;
        }
        LifecycleHandler preStop = container.getLifecycle().getPreStop();
        if (preStop.getSleep() != null && preStop.getSleep().getSeconds() != null) {
            return preStop.getSleep().getSeconds().intValue();
        }
        if (preStop.getExec() != null && preStop.getExec().getCommand() != null) {
            Matcher matcher = SLEEP.matcher(String.join(" ", preStop.getExec().getCommand()));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return null;
    }

    // ---- probes ------------------------------------------------------------------------------------------------

    private static void probes(String object, String at, Container container, DoctorSpec spec,
                               List<Finding> findings) {
        Probe readiness = container.getReadinessProbe();
        Probe liveness = container.getLivenessProbe();
        String port = firstPort(container);
        if (readiness == null) {
            findings.add(new Finding("readiness-probe", Severity.WARNING, object, at + ".readinessProbe",
                    "container " + container.getName() + " has no readiness probe",
                    "a pod counts as ready, gets traffic and lets the rollout move on as soon as its process has"
                            + " started, before it can serve; the first requests to every new pod fail",
                    "readinessProbe:\n  httpGet: {path: /ready, port: " + port + "}\n  periodSeconds: 5\n"
                            + "  failureThreshold: 3"));
        } else if (liveness != null && sameHandler(readiness, liveness)) {
            findings.add(new Finding("readiness-probe", Severity.WARNING, object, at + ".readinessProbe",
                    "the readiness probe checks the same thing as the liveness probe (" + handler(readiness) + ")",
                    "a pod that is overloaded or has lost a dependency is restarted rather than taken out of"
                            + " rotation, and a pod that is alive but not yet warmed up gets traffic",
                    "readinessProbe:      # can it serve now? (dependencies, warm caches)\n"
                            + "  httpGet: {path: /ready, port: " + port + "}\n"
                            + "livenessProbe:       # is the process stuck? (nothing else)\n"
                            + "  httpGet: {path: /healthz, port: " + port + "}"));
        }
        int initialDelay = Math.max(delay(readiness), delay(liveness));
        if (container.getStartupProbe() == null && initialDelay >= spec.effectiveSlowStartSeconds()) {
            findings.add(new Finding("startup-probe", Severity.WARNING, object, at + ".startupProbe",
                    "container " + container.getName() + " starts slowly (its probes wait " + initialDelay
                            + "s) and has no startup probe",
                    "a fixed initialDelaySeconds is either too short (a slow start under load is killed by the"
                            + " liveness probe, the canary crash-loops and is judged on it) or too long (every pod"
                            + " takes that long to join, on the canary and on a rollback's scale-up)",
                    "startupProbe:\n  httpGet: {path: /healthz, port: " + port + "}\n  periodSeconds: 5\n"
                            + "  failureThreshold: " + Math.max(6, (initialDelay * 2 + 4) / 5)
                            + "   # up to " + Math.max(30, initialDelay * 2) + "s to start\n"
                            + "# and remove initialDelaySeconds from the readiness and liveness probes"));
        }
    }

    private static int delay(Probe probe) {
        return probe == null || probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
    }

    private static boolean sameHandler(Probe a, Probe b) {
        return Objects.equals(a.getHttpGet(), b.getHttpGet()) && Objects.equals(a.getTcpSocket(), b.getTcpSocket())
                && Objects.equals(a.getExec(), b.getExec()) && Objects.equals(a.getGrpc(), b.getGrpc());
    }

    private static String handler(Probe probe) {
        if (probe.getHttpGet() != null) {
            return "GET " + probe.getHttpGet().getPath() + " on port " + intOrString(probe.getHttpGet().getPort());
        }
        if (probe.getTcpSocket() != null) {
            return "TCP port " + intOrString(probe.getTcpSocket().getPort());
        }
        if (probe.getGrpc() != null) {
            return "gRPC port " + probe.getGrpc().getPort();
        }
        return probe.getExec() == null ? "no handler" : "exec " + String.join(" ", probe.getExec().getCommand());
    }

    // ---- termination -------------------------------------------------------------------------------------------

    private static void drain(String object, String at, PodSpec pod, Container container, DoctorSpec spec,
                              List<Finding> findings) {
        int propagation = spec.effectiveEndpointPropagationSeconds();
        boolean hasPreStop = container.getLifecycle() != null && container.getLifecycle().getPreStop() != null;
        Integer sleep = preStopSleepSeconds(container);
        String sleepFix = "lifecycle:\n  preStop:\n    sleep: {seconds: " + propagation + "}   # Kubernetes 1.30+;"
                + " before: exec: {command: [\"sleep\", \"" + propagation + "\"]}";
        if (!hasPreStop) {
            findings.add(new Finding("prestop-hook", Severity.WARNING, object, at + ".lifecycle.preStop",
                    "container " + container.getName() + " has no preStop hook",
                    "Kubernetes sends SIGTERM at the same moment it removes the pod from the endpoints; for about "
                            + propagation + "s the mesh and kube-proxy still send new requests to a pod that is"
                            + " shutting down: errors on every scale-down, promotion and rollback",
                    sleepFix));
        } else if (sleep != null && sleep < propagation) {
            findings.add(new Finding("prestop-hook", Severity.WARNING, object, at + ".lifecycle.preStop",
                    "the preStop sleep of " + sleep + "s is shorter than the endpoint propagation delay of "
                            + propagation + "s (doctor.endpointPropagationSeconds)",
                    "the pod stops accepting connections while the mesh and kube-proxy still send it requests",
                    sleepFix));
        }
        int grace = pod.getTerminationGracePeriodSeconds() == null ? DEFAULT_GRACE_SECONDS
                : pod.getTerminationGracePeriodSeconds().intValue();
        int needed = (sleep == null ? (hasPreStop ? 0 : propagation) : Math.max(sleep, propagation))
                + spec.effectiveLongestRequestSeconds();
        if (grace < needed) {
            findings.add(new Finding("termination-grace", Severity.WARNING, object,
                    "spec.template.spec.terminationGracePeriodSeconds",
                    "terminationGracePeriodSeconds is " + grace + "s"
                            + (pod.getTerminationGracePeriodSeconds() == null ? " (the default)" : "")
                            + ", less than the preStop sleep plus the longest request ("
                            + spec.effectiveLongestRequestSeconds() + "s, doctor.longestRequestSeconds): " + needed
                            + "s",
                    "the kubelet kills the container while it still serves requests that were in flight when it"
                            + " was told to stop: those users get a reset connection on every scale-down",
                    "terminationGracePeriodSeconds: " + needed));
        }
    }

    // ---- capacity ----------------------------------------------------------------------------------------------

    private static void rollingUpdate(String object, Deployment deployment, List<Finding> findings) {
        int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        DeploymentStrategy strategy = deployment.getSpec().getStrategy();
        String fix = "strategy:\n  type: RollingUpdate\n  rollingUpdate:\n    maxUnavailable: 0\n    maxSurge: 1";
        if (strategy != null && "Recreate".equals(strategy.getType())) {
            findings.add(new Finding("rolling-update", Severity.WARNING, object, "spec.strategy.type",
                    "the Deployment is updated with the Recreate strategy",
                    "every pod is stopped before a new one starts: the service is down while the promotion rolls"
                            + " the new version into it",
                    fix));
            return;
        }
        IntOrString maxUnavailable = strategy == null || strategy.getRollingUpdate() == null
                || strategy.getRollingUpdate().getMaxUnavailable() == null ? new IntOrString("25%")
                : strategy.getRollingUpdate().getMaxUnavailable();
        int unavailable = resolve(maxUnavailable, replicas, false);
        if (unavailable > 0 && replicas < FEW_REPLICAS) {
            findings.add(new Finding("rolling-update", Severity.WARNING, object,
                    "spec.strategy.rollingUpdate.maxUnavailable",
                    "maxUnavailable " + intOrString(maxUnavailable) + " lets " + unavailable + " of " + replicas
                            + " pods be down during an update",
                    "while the promotion rolls the new version into the Deployment, it serves all traffic at "
                            + (100 * (replicas - unavailable) / replicas) + "% of its capacity",
                    fix));
        }
    }

    private static void disruptionBudgets(String object, Deployment deployment, List<PodDisruptionBudget> budgets,
                                          List<Finding> findings) {
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        List<PodDisruptionBudget> matching = budgets.stream()
                .filter(b -> b.getSpec() != null && Labels.matches(b.getSpec().getSelector(), labels)).toList();
        String name = deployment.getMetadata().getName();
        if (matching.isEmpty()) {
            if (replicas > 1) {
                findings.add(new Finding("pod-disruption-budget", Severity.WARNING, object,
                        "spec.template.metadata.labels",
                        "no PodDisruptionBudget selects the pods of " + name,
                        "a node drain or cluster upgrade during the rollout may evict every stable pod at once,"
                                + " while the canary is too small to take their traffic",
                        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: " + name
                                + "\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n"
                                + indent(selectorLabels(deployment), 6)));
            }
            return;
        }
        for (PodDisruptionBudget budget : matching) {
            String budgetObject = "poddisruptionbudget/" + budget.getMetadata().getNamespace() + "/"
                    + budget.getMetadata().getName();
            IntOrString maxUnavailable = budget.getSpec().getMaxUnavailable();
            IntOrString minAvailable = budget.getSpec().getMinAvailable();
            boolean blocks = maxUnavailable != null && resolve(maxUnavailable, replicas, true) == 0
                    || minAvailable != null && resolve(minAvailable, replicas, true) >= replicas;
            if (blocks) {
                String field = maxUnavailable != null ? "spec.maxUnavailable" : "spec.minAvailable";
                findings.add(new Finding("pod-disruption-budget", Severity.WARNING, budgetObject, field,
                        "the budget allows no eviction of the " + replicas + " pod(s) of " + name + " ("
                                + (maxUnavailable != null ? "maxUnavailable " + intOrString(maxUnavailable)
                                : "minAvailable " + intOrString(minAvailable)) + ")",
                        "node drains and cluster upgrades hang on these pods; the usual way out is to delete the"
                                + " budget in a hurry, which then protects nothing",
                        "spec:\n  maxUnavailable: 1"));
            }
        }
    }

    private static void autoscalers(WorkloadFacts facts, String object, Deployment deployment,
                                    List<Finding> findings) {
        String name = deployment.getMetadata().getName();
        for (HorizontalPodAutoscaler hpa : facts.autoscalers()) {
            var ref = hpa.getSpec() == null ? null : hpa.getSpec().getScaleTargetRef();
            if (ref == null || !"Deployment".equals(ref.getKind()) || !name.equals(ref.getName())) {
                continue;
            }
            String hpaObject = "horizontalpodautoscaler/" + hpa.getMetadata().getNamespace() + "/"
                    + hpa.getMetadata().getName();
            int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
            findings.add(new Finding("hpa", Severity.WARNING, hpaObject, "spec.scaleTargetRef",
                    "the HorizontalPodAutoscaler " + hpa.getMetadata().getName() + " scales " + name,
                    facts.canary() ? "as traffic shifts to the canary, the autoscaler scales the stable Deployment"
                            + " down, and on a rollback stable must take all traffic back with fewer pods; the"
                            + " canary is sized from stable's count, so the two fight over the ratio"
                            : "the autoscaler resizes the colour by its own load: the idle colour shrinks to"
                            + " minReplicas and is too small when the switch sends it all traffic",
                    "spec:\n  minReplicas: " + replicas + "   # hold the current size for the rollout, restore"
                            + " after"));
        }
    }

    // ---- images ------------------------------------------------------------------------------------------------

    private static void images(String object, String at, Container container, String newImage,
                               List<Finding> findings) {
        String image = newImage != null ? newImage : container.getImage();
        if (image == null || image.contains("@sha256:")) {
            return;
        }
        String tag = tag(image);
        boolean latest = tag == null || tag.equals("latest");
        String pinned = (tag == null ? image : image.substring(0, image.length() - tag.length() - 1)) + ":"
                + (latest ? "2.0.1" : tag) + "@sha256:<digest>";
        findings.add(new Finding("image-tag", latest ? Severity.WARNING : Severity.NOTE, object, at + ".image",
                "the image " + image + (latest ? " is referenced by the mutable tag 'latest'" + (tag == null
                        ? " (no tag)" : "") : " is referenced by a tag, not a digest"),
                latest ? "whatever 'latest' points at when a pod starts is what runs: the canary that was judged,"
                        + " the promoted stable and a pod restarted tomorrow can all run different bits"
                        : "a tag can be pushed again: the canary that was judged and the pods the promotion"
                        + " starts can run different bits if it moves during the rollout",
                "image: " + pinned));
        String policy = container.getImagePullPolicy();
        String effective = policy != null ? policy : latest ? "Always" : "IfNotPresent";
        if ("IfNotPresent".equals(effective) || "Never".equals(effective)) {
            findings.add(new Finding("image-pull-policy", latest ? Severity.WARNING : Severity.NOTE, object,
                    at + ".imagePullPolicy",
                    "imagePullPolicy " + effective + (policy == null ? " (the default for a tag)" : "")
                            + " with the mutable reference " + image,
                    "a node that pulled the tag before keeps its old copy: canary pods on different nodes may run"
                            + " different builds under one name",
                    "image: " + pinned + "   # a digest makes the pull policy irrelevant"));
        } else if ("Always".equals(effective) && !latest) {
            findings.add(new Finding("image-pull-policy", Severity.NOTE, object, at + ".imagePullPolicy",
                    "imagePullPolicy Always with the tag " + tag,
                    "every pod start pulls what the tag points at then: a pod restarted during the rollout may run"
                            + " newer bits than the analysis judged, and a registry outage stops every pod start",
                    "image: " + pinned));
        }
    }

    /** The tag of an image reference, or null when it has none ({@code registry:5000/app} has none). */
    static String tag(String image) {
        String name = image;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        return colon > slash ? name.substring(colon + 1) : null;
    }

    // ---- Istio -------------------------------------------------------------------------------------------------

    private static void istio(WorkloadFacts facts, List<Finding> findings) {
        GenericKubernetesResource rule = facts.subsetRule();
        if (rule != null) {
            String ruleObject = object(rule);
            for (Map.Entry<String, Map<String, String>> expected : new TreeMap<>(facts.subsetPods()).entrySet()) {
                Map<String, String> subsetLabels = subsetLabels(rule, expected.getKey());
                if (subsetLabels == null) {
                    findings.add(new Finding("destination-rule-subsets", Severity.WARNING, ruleObject,
                            "spec.subsets", "the DestinationRule has no subset '" + expected.getKey() + "'",
                            "the route sends traffic to a subset Istio does not know: 503 NR (no route)",
                            "spec:\n  subsets:\n  - name: " + expected.getKey() + "\n    labels:\n"
                                    + indent(expected.getValue(), 6)));
                } else if (!Labels.subsetSelects(subsetLabels, expected.getValue())) {
                    findings.add(new Finding("destination-rule-subsets", Severity.WARNING, ruleObject,
                            "spec.subsets[" + expected.getKey() + "].labels",
                            "subset '" + expected.getKey() + "' selects " + new TreeMap<>(subsetLabels)
                                    + ", which its pods " + new TreeMap<>(expected.getValue()) + " do not have",
                            "traffic routed to the subset finds no endpoints: 503 UH (no healthy upstream) for"
                                    + " every request Istio sends it",
                            "spec:\n  subsets:\n  - name: " + expected.getKey() + "\n    labels:\n"
                                    + indent(subsetLabels.keySet().stream().filter(expected.getValue()::containsKey)
                                    .collect(java.util.stream.Collectors.toMap(k -> k, expected.getValue()::get,
                                            (a, b) -> a, TreeMap::new)), 6)));
                }
            }
        }
        if (facts.virtualService() != null) {
            List<GenericKubernetesResource> rules = facts.destinationRules();
            boolean outlierDetection = rules.stream().anyMatch(DoctorChecks::hasOutlierDetection);
            if (!outlierDetection) {
                String target = rules.isEmpty() ? object(facts.virtualService()) : object(rules.get(0));
                findings.add(new Finding("outlier-detection", Severity.NOTE, target,
                        rules.isEmpty() ? "spec.http[].route[].destination.host"
                                : "spec.trafficPolicy.outlierDetection",
                        rules.isEmpty() ? "no DestinationRule configures outlierDetection for the routed hosts"
                                : "the DestinationRule has no outlierDetection",
                        "a canary pod that fails every request keeps its share of traffic until the analysis"
                                + " notices; with outlier detection Istio ejects it within seconds (measure the"
                                + " analysis on the canary's own requests, so that ejections do not hide its"
                                + " errors)",
                        "spec:\n  trafficPolicy:\n    outlierDetection:\n      consecutive5xxErrors: 5\n"
                                + "      interval: 10s\n      baseEjectionTime: 30s\n      maxEjectionPercent: 50"));
            }
            retries(facts, findings);
        }
    }

    @SuppressWarnings("unchecked")
    private static void retries(WorkloadFacts facts, List<Finding> findings) {
        Object spec = facts.virtualService().getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?> specMap) || !(specMap.get("http") instanceof List<?> http)) {
            return;
        }
        for (int i = 0; i < http.size(); i++) {
            if (!(http.get(i) instanceof Map<?, ?> route)) {
                continue;
            }
            if (facts.route() != null ? !facts.route().equals(route.get("name")) : http.size() != 1) {
                continue;
            }
            String label = route.get("name") == null ? String.valueOf(i) : String.valueOf(route.get("name"));
            Object retries = route.get("retries");
            Object timeout = route.get("timeout");
            int attempts = retries instanceof Map<?, ?> r && r.get("attempts") instanceof Number n ? n.intValue()
                    : retries == null ? 2 : 0;
            if (attempts <= 0) {
                continue;
            }
            String retryOn = retries instanceof Map<?, ?> r && r.get("retryOn") != null
                    ? String.valueOf(r.get("retryOn"))
                    : "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
            findings.add(new Finding("route-retries", retries == null ? Severity.NOTE : Severity.WARNING,
                    object(facts.virtualService()), "spec.http[" + label + "].retries",
                    (retries == null ? "the route sets no retries, so Istio's default applies: " : "the route retries ")
                            + attempts + " time(s) on " + retryOn + (timeout == null ? "" : ", within a timeout of "
                            + timeout),
                    "a request the canary fails is retried, often on a stable pod: the user sees a success and"
                            + " an analysis measured at the caller (or the gateway) sees fewer errors than the"
                            + " canary made; measure at the canary's own pods, or turn retries off for the rollout",
                    "retries:\n  attempts: 0   # for the rollout; or measure the analysis with"
                            + " reporter=\"destination\""));
        }
    }

    private static boolean hasOutlierDetection(GenericKubernetesResource rule) {
        Object spec = rule.getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?> map)) {
            return false;
        }
        if (map.get("trafficPolicy") instanceof Map<?, ?> policy && policy.get("outlierDetection") != null) {
            return true;
        }
        if (map.get("subsets") instanceof List<?> subsets) {
            return subsets.stream().anyMatch(s -> s instanceof Map<?, ?> subset
                    && subset.get("trafficPolicy") instanceof Map<?, ?> policy
                    && policy.get("outlierDetection") != null);
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> subsetLabels(GenericKubernetesResource rule, String name) {
        Object spec = rule.getAdditionalProperties().get("spec");
        if (spec instanceof Map<?, ?> map && map.get("subsets") instanceof List<?> subsets) {
            for (Object item : subsets) {
                if (item instanceof Map<?, ?> subset && name.equals(subset.get("name"))) {
                    Object labels = subset.get("labels");
                    return labels instanceof Map ? (Map<String, String>) labels : Map.of();
                }
            }
        }
        return null;
    }

    // ---- connections -------------------------------------------------------------------------------------------

    private static void longLived(WorkloadFacts facts, String object, PodSpec pod, List<Finding> findings) {
        List<String> reasons = new ArrayList<>();
        String field = null;
        String where = object;
        for (Container container : pod.getContainers()) {
            if (container.getPorts() == null) {
                continue;
            }
            for (ContainerPort port : container.getPorts()) {
                if (port.getName() != null && LONG_LIVED_NAME.matcher(port.getName()).matches()) {
                    reasons.add("container port '" + port.getName() + "'");
                    field = field == null ? "spec.template.spec.containers[" + container.getName() + "].ports" : field;
                }
            }
        }
        for (Service service : facts.services()) {
            String serviceObject = "service/" + service.getMetadata().getNamespace() + "/"
                    + service.getMetadata().getName();
            if ("ClientIP".equals(service.getSpec().getSessionAffinity())) {
                reasons.add(serviceObject + " sessionAffinity ClientIP");
                if (field == null) {
                    field = "spec.sessionAffinity";
                    where = serviceObject;
                }
            }
            if (service.getSpec().getPorts() != null) {
                for (ServicePort port : service.getSpec().getPorts()) {
                    String protocol = Optional.ofNullable(port.getAppProtocol()).orElse("").toLowerCase(Locale.ROOT);
                    boolean named = port.getName() != null && LONG_LIVED_NAME.matcher(port.getName()).matches();
                    if (named || protocol.equals("grpc") || protocol.equals("h2c") || protocol.equals("http2")
                            || protocol.startsWith("kubernetes.io/ws")) {
                        reasons.add(serviceObject + " port " + (port.getName() == null ? port.getPort()
                                : "'" + port.getName() + "'") + (protocol.isEmpty() ? "" : " (" + protocol + ")"));
                        if (field == null) {
                            field = "spec.ports";
                            where = serviceObject;
                        }
                    }
                }
            }
        }
        for (GenericKubernetesResource rule : facts.destinationRules()) {
            if (rule.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
                    && spec.get("trafficPolicy") instanceof Map<?, ?> policy
                    && policy.get("loadBalancer") instanceof Map<?, ?> lb && lb.get("consistentHash") != null) {
                reasons.add(object(rule) + " consistentHash load balancing");
                if (field == null) {
                    field = "spec.trafficPolicy.loadBalancer.consistentHash";
                    where = object(rule);
                }
            }
        }
        if (reasons.isEmpty()) {
            return;
        }
        findings.add(new Finding("long-lived-connections", facts.canary() ? Severity.WARNING : Severity.NOTE, where,
                field, "long-lived or sticky connections: " + String.join(", ", reasons),
                facts.canary() ? "a weight change moves only new connections and requests that are not pinned:"
                        + " a gRPC or WebSocket client keeps its connection to the version it first reached, so the"
                        + " canary sees far less (or far more) than its weight, and a rollback does not take its"
                        + " connections away; prefer blueGreenSwitch, or cap connection age on the server"
                        : "after the switch, open connections stay on the old colour until they close: keep it"
                        + " serving for a drain window (drainSeconds) and cap connection age on the server",
                "drainSeconds: 60        # in the plan: keep the old pods serving after the switch\n"
                        + "# and on the server, e.g. gRPC: MaxConnectionAge 30s, MaxConnectionAgeGrace 10s"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** An absolute count from an int-or-percent, rounded as the Deployment controller rounds it. */
    static int resolve(IntOrString value, int total, boolean roundUp) {
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String text = value.getStrVal().trim();
        if (text.endsWith("%")) {
            double share = Double.parseDouble(text.substring(0, text.length() - 1)) * total / 100.0;
            return (int) (roundUp ? Math.ceil(share) : Math.floor(share));
        }
        return Integer.parseInt(text);
    }

    private static String intOrString(IntOrString value) {
        return value == null ? "?" : value.getIntVal() != null ? String.valueOf(value.getIntVal()) : value.getStrVal();
    }

    private static String firstPort(Container container) {
        if (container.getPorts() != null && !container.getPorts().isEmpty()) {
            return String.valueOf(container.getPorts().get(0).getContainerPort());
        }
        return "8080";
    }

    private static Map<String, String> selectorLabels(Deployment deployment) {
        var selector = deployment.getSpec().getSelector();
        return selector == null || selector.getMatchLabels() == null
                ? deployment.getSpec().getTemplate().getMetadata().getLabels() : selector.getMatchLabels();
    }

    private static String indent(Map<String, String> labels, int spaces) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(labels).forEach((k, v) -> out.append(" ".repeat(spaces)).append(k).append(": ").append(v)
                .append('\n'));
        return out.toString().stripTrailing();
    }

    static String object(GenericKubernetesResource resource) {
        return resource.getKind().toLowerCase(Locale.ROOT) + "/" + resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName();
    }
}
