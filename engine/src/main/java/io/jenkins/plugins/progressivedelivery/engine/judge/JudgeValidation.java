package io.jenkins.plugins.progressivedelivery.engine.judge;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisValidation;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.BuiltinMetric;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeGateSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeMetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a {@code judge} step before anything runs: every problem with its field path and the fix. */
public final class JudgeValidation {

    private JudgeValidation() {
    }

    public static List<ValidationError> validate(JudgeSpec spec, String path, CanaryPlan plan) {
        List<ValidationError> errors = validate(spec, path, plan.metrics() == null ? null
                : plan.metrics().prometheus(), "the canary and the " + (plan.effectiveBaseline() ? "baseline"
                : "stable"), true);
        if (spec == null) {
            return errors;
        }
        if (plan.target() != null && (plan.target().namespace() == null || plan.target().namespace().isBlank())) {
            errors.add(new ValidationError("target.namespace", "is required with a judge step: its metrics select"
                    + " the Deployments by namespace"));
        }
        if (plan.metrics() != null && plan.metrics().requests() != null
                && (plan.metrics().requests().workloadLabel() == null
                || plan.metrics().requests().workloadLabel().isBlank())) {
            errors.add(new ValidationError("metrics.requests.workloadLabel", "is required: the label of "
                    + plan.metrics().requests().metric() + " that tells the stable, canary and baseline series"
                    + " apart (e.g. version, or pod's app.kubernetes.io/instance)"));
        }
        return errors;
    }

    /**
     * The judge's own fields.
     *
     * @param fallback  the Prometheus used when the judge names none (the plan's {@code metrics.prometheus})
     * @param sides     {@code the canary and the baseline}, for messages
     * @param workloads whether both sides have a workload for a query's {@code {{workload}}}
     */
    static List<ValidationError> validate(JudgeSpec spec, String path, PrometheusSpec fallback, String sides,
                                          boolean workloads) {
        List<ValidationError> errors = new ArrayList<>();
        if (spec == null) {
            errors.add(new ValidationError(path, "is empty; give it metrics, e.g. {metrics: [success-rate,"
                    + " latency-p99]}"));
            return errors;
        }
        if (spec.metrics().isEmpty()) {
            errors.add(new ValidationError(path + ".metrics", "is empty; name built-in metrics ("
                    + BuiltinMetric.names() + ") or give a metric with a query"));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            JudgeMetricSpec metric = spec.metrics().get(i);
            String at = path + ".metrics[" + i + "]";
            if (metric == null || metric.name() == null || metric.name().isBlank()) {
                errors.add(new ValidationError(at + ".name", "is required"));
                continue;
            }
            if (!names.add(metric.name())) {
                errors.add(new ValidationError(at + ".name", "'" + metric.name() + "' is judged twice; name each"
                        + " metric once"));
            }
            if (metric.query() == null && BuiltinMetric.byName(metric.name()).isEmpty()) {
                errors.add(new ValidationError(at + ".name", "'" + metric.name() + "' is not a built-in metric ("
                        + BuiltinMetric.names() + "); give it a query with {{workload}} where the Deployment name"
                        + " goes"));
            }
            if (metric.query() != null) {
                boolean selects = metric.query().contains("{{labels}}")
                        || workloads && metric.query().contains("{{workload}}");
                if (!workloads && metric.query().contains("{{workload}}")) {
                    errors.add(new ValidationError(at + ".query", "uses {{workload}}, but a side is a bare label set"
                            + " without a workload; use {{labels}}, or give both sides a workload"));
                } else if (!selects) {
                    errors.add(new ValidationError(at + ".query", "does not contain " + (workloads
                            ? "{{workload}} or {{labels}}" : "{{labels}}") + ", so " + sides + " would be the same"
                            + " series; select each side with " + (workloads ? "{{workload}}, e.g."
                            + " destination_workload=\"{{workload}}\", or " : "") + "{{labels}}, e.g."
                            + " my_requests_total{{{labels}}}"));
                }
                if (metric.direction() == null) {
                    errors.add(new ValidationError(at + ".direction", "is required for a metric of your own: increase"
                            + " (a rise is bad, like latency), decrease (a drop is bad, like success rate) or"
                            + " either"));
                }
            }
            if (metric.weight() != null && !(metric.weight() > 0)) {
                errors.add(new ValidationError(at + ".weight", "must be positive; leave the metric out to ignore"
                        + " it"));
            }
        }
        PrometheusSpec prometheus = spec.prometheus() != null ? spec.prometheus() : fallback;
        if (prometheus == null) {
            errors.add(new ValidationError(path + ".prometheus", "is required: the address of the Prometheus with the"
                    + " metrics, here or for the whole plan in metrics.prometheus"));
        } else {
            String problem = AnalysisValidation.addressProblem(prometheus.address());
            if (problem != null) {
                errors.add(new ValidationError(path + ".prometheus.address", problem));
            }
            if (prometheus.query() != null) {
                errors.add(new ValidationError(path + ".prometheus.query", "is not used by a judge; give each"
                        + " metric its own query"));
            }
        }
        Duration window = spec.effectiveWindow();
        Duration step = spec.effectiveStep();
        if (!positive(step)) {
            errors.add(new ValidationError(path + ".step", "must be positive, e.g. 30s"));
        } else if (!positive(window) || window.compareTo(step) < 0) {
            errors.add(new ValidationError(path + ".window", "must be at least one step (" + step + "), e.g. 5m"));
        } else if (window.toMillis() / step.toMillis() > 1000) {
            errors.add(new ValidationError(path + ".window", "holds more than 1000 steps; lengthen the step"));
        }
        if (spec.confidence() != null && !(spec.confidence() > 0 && spec.confidence() < 1)) {
            errors.add(new ValidationError(path + ".confidence", "must be between 0 and 1, e.g. 0.98"));
        }
        if (spec.tolerance() != null && !(spec.tolerance() >= 0)) {
            errors.add(new ValidationError(path + ".tolerance", "must not be negative, e.g. 0.25"));
        }
        if (spec.minSamples() != null && spec.minSamples() < 1) {
            errors.add(new ValidationError(path + ".minSamples", "must be at least 1"));
        }
        if (spec.minRequests() != null && spec.minRequests() < 0) {
            errors.add(new ValidationError(path + ".minRequests", "must not be negative"));
        }
        double pass = spec.pass() == null ? Scorer.DEFAULT_PASS : spec.pass();
        double marginal = spec.marginal() == null ? Scorer.DEFAULT_MARGINAL : spec.marginal();
        if (!(pass >= 0 && pass <= 100)) {
            errors.add(new ValidationError(path + ".pass", "must be a score in 0..100"));
        }
        if (!(marginal >= 0 && marginal <= pass)) {
            errors.add(new ValidationError(path + ".marginal", "must be a score in 0.." + MetricClassifier.format(pass)
                    + " (the pass threshold)"));
        }
        return errors;
    }

    /**
     * A baseline needs a route to give it traffic: an Istio VirtualService, where it becomes a third destination (the
     * baseline's Service in a host split, subset {@code baseline} in a subset split, checked in preflight).
     */
    public static List<ValidationError> validateBaseline(CanaryPlan plan) {
        if (!plan.effectiveBaseline()) {
            return List.of();
        }
        if (plan.traffic().istio() == null) {
            return List.of(new ValidationError("baseline", "needs traffic.istio: the baseline gets the canary's"
                    + " weight as a third destination of the VirtualService route; the other routers (Gateway API,"
                    + " NGINX, replica counts) cannot give it one yet; remove baseline (the judge then compares with"
                    + " the stable) or route with Istio"));
        }
        List<ValidationError> errors = new ArrayList<>();
        for (int i = 0; i < plan.steps().size(); i++) {
            if (plan.steps().get(i) instanceof io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep.SetMirrorRoute) {
                errors.add(new ValidationError("steps[" + i + "].setMirrorRoute", "cannot be combined with baseline"
                        + " yet: the mirror route copies the weighted route's destinations; remove one of the two"));
            }
        }
        return errors;
    }

    /**
     * {@code analysisGate}'s judge: the judge's fields at {@code path}, and the two label sets at
     * {@code path.control} and {@code path.experiment}.
     */
    public static List<ValidationError> validateGate(JudgeGateSpec gate, String path) {
        List<ValidationError> errors = new ArrayList<>();
        if (gate == null || gate.judge() == null) {
            errors.add(new ValidationError(path, "is empty; give it metrics, control and experiment"));
            return errors;
        }
        boolean istio = gate.requests() == null;
        errors.addAll(side(gate.control(), path + ".control", istio, gate.requests()));
        errors.addAll(side(gate.experiment(), path + ".experiment", istio, gate.requests()));
        boolean workloads = gate.control() != null && gate.experiment() != null
                && present(gate.control().workload()) && present(gate.experiment().workload());
        errors.addAll(validate(gate.judge(), path, null, "the experiment and the control", workloads));
        if (errors.isEmpty() && gate.control().equals(gate.experiment())) {
            errors.add(new ValidationError(path + ".experiment", "selects the same series as control ("
                    + gate.control().describe() + "); a judge compares two different label sets"));
        }
        return errors;
    }

    private static List<ValidationError> side(io.jenkins.plugins.progressivedelivery.engine.plan.LabelSetSpec side,
                                              String path, boolean istio,
                                              io.jenkins.plugins.progressivedelivery.engine.plan.RequestMetricSpec
                                                      requests) {
        List<ValidationError> errors = new ArrayList<>();
        String example = "e.g. [workload: 'checkout', namespace: 'prod'] or [labels: [version: 'v2']]";
        if (side == null) {
            errors.add(new ValidationError(path, "is required: the series to compare, " + example));
            return errors;
        }
        if (!present(side.workload()) && side.labels().isEmpty()) {
            errors.add(new ValidationError(path, "selects nothing: give workload (and namespace) or labels, "
                    + example));
        }
        if (present(side.workload()) && istio && !present(side.namespace())) {
            errors.add(new ValidationError(path + ".namespace", "is required with workload: Istio's series are"
                    + " keyed on destination_workload and destination_workload_namespace"));
        }
        if (present(side.workload()) && !istio && !present(requests.workloadLabel())) {
            errors.add(new ValidationError(path + ".workload", "needs requests.workloadLabel: the label of "
                    + requests.metric() + " whose value is the workload; or select with labels instead"));
        }
        side.labels().forEach((key, value) -> {
            if (!key.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                errors.add(new ValidationError(path + ".labels", "'" + key + "' is not a Prometheus label name"
                        + " (letters, digits and _, not starting with a digit)"));
            }
            if (value == null) {
                errors.add(new ValidationError(path + ".labels." + key, "has no value"));
            }
        });
        return errors;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
