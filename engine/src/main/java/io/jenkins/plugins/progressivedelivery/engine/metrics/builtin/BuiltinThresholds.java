package io.jenkins.plugins.progressivedelivery.engine.metrics.builtin;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.MeshMetricsSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Built-in metrics with a threshold in an ordinary analysis ({@code [name: 'success-rate', min: 99]}): each becomes a
 * Prometheus metric with the built-in's PromQL for the workload being judged and the condition {@code result[0] >= 99}
 * (or {@code <= max}), so every Argo rule of an analysis (interval, count, failureLimit, dry-run, ...) applies as it
 * is. The one addition is the traffic guard: before each measurement the workload's requests in the window are
 * counted, and too few make the measurement Inconclusive instead of a pass or a failure that means nothing.
 *
 * <p>The rate window is the metric's {@code interval} (each measurement sees the traffic since the previous one), or
 * {@value #DEFAULT_WINDOW_TEXT} for a single measurement.
 */
public final class BuiltinThresholds {
    private static final String DEFAULT_WINDOW_TEXT = "1m";
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    private BuiltinThresholds() {
    }

    /**
     * Where the built-in metrics of one analysis are measured: the Prometheus and request metric the plan names once
     * ({@code metrics}), and the Deployment being judged, which a metric's own {@code workload} and {@code namespace}
     * override.
     *
     * @param workload the Deployment judged by default; null where there is none ({@code analysisGate})
     * @param subject  who served the requests, for the low-traffic message; null: the workload's name
     * @param advice   what to do at too little traffic, for the same message
     */
    public record Context(MeshMetricsSpec mesh, Map<String, String> deploymentsBySide, String workload,
                          String namespace, String subject, String advice) {

        public Context {
            deploymentsBySide = deploymentsBySide == null ? Map.of() : Map.copyOf(deploymentsBySide);
        }

        /** A canary's analyses judge the canary Deployment. */
        public static Context canary(CanaryPlan plan) {
            Map<String, String> sides = new LinkedHashMap<>();
            sides.put("stable", plan.target().deployment());
            sides.put("canary", plan.target().canaryDeployment());
            sides.put("baseline", plan.target().baselineDeployment());
            return new Context(plan.metrics(), sides, plan.target().canaryDeployment(), plan.target().namespace(),
                    "canary", MetricSpec.MinimumTraffic.CANARY_ADVICE);
        }

        /**
         * Blue-green's analyses judge the new colour ({@code payments-green}): through the preview before promotion,
         * with production traffic after it.
         */
        public static Context blueGreen(BlueGreenPlan plan, Colour newColour, boolean prePromotion) {
            String deployment = plan.target().deployment(newColour);
            // a request metric's workloads: {blue: ..., green: ...} names the colours' label values
            Map<String, String> sides = Map.of(Colour.BLUE.id(), plan.target().deployment(Colour.BLUE),
                    Colour.GREEN.id(), plan.target().deployment(Colour.GREEN));
            return new Context(plan.metrics(), sides, deployment, plan.target().namespace(),
                    "the new colour " + newColour.id() + " (" + deployment + ")", prePromotion
                    ? "send test traffic to the preview service or lengthen the interval"
                    : "lengthen the interval");
        }

        /** {@code analysisGate} has no Deployment of its own: each built-in metric names its {@code workload}. */
        public static Context gate(MeshMetricsSpec mesh, String namespace) {
            return new Context(mesh, Map.of(), null, namespace, null, "lengthen the interval or measure when the"
                    + " service is busier");
        }

        MeshQueries queries(String inNamespace) {
            if (mesh == null || mesh.requests() == null) {
                return MeshQueries.istio(inNamespace);
            }
            return MeshQueries.requests(mesh.requests(), deploymentsBySide);
        }

        String source() {
            return mesh == null || mesh.requests() == null ? "istio" : mesh.requests().metric();
        }
    }

    /**
     * One built-in metric as it will be measured, for the log and the record.
     *
     * @param query     the resolved PromQL the conditions judge
     * @param condition {@code result[0] >= 99.0}
     * @param guard     the traffic guard; null with {@code minRequests: 0}
     */
    public record Resolved(String metric, String builtin, String workload, String namespace, String source,
                           Duration window, String query, String condition, MetricSpec.MinimumTraffic guard) {
    }

    /** An analysis whose built-in metrics are ordinary metrics, and what each became. */
    public record Resolution(AnalysisSpec spec, List<Resolved> builtins) {
        public Resolution {
            builtins = List.copyOf(builtins);
        }

        /** One line per built-in metric, with its resolved PromQL: nothing about it is hidden. */
        public List<AuditEvent> events(String analysis, Instant at) {
            List<AuditEvent> events = new ArrayList<>();
            for (Resolved r : builtins) {
                events.add(AuditEvent.at(at, AuditAction.START).resource("metric " + r.metric())
                        .after("built-in " + r.builtin() + " of " + r.workload()
                                + (r.namespace() == null ? "" : " in " + r.namespace()) + " (" + r.source()
                                + ", window " + Durations.format(r.window()) + ") for analysis " + analysis
                                + ", passes when " + r.condition() + ": " + r.query())
                        .reason(r.guard() == null ? null : "fewer than " + r.guard().requests() + " requests in "
                                + Durations.format(r.window()) + " make a measurement Inconclusive")
                        .detail("analysis", analysis).detail("metric", r.metric()).detail("builtin", r.builtin())
                        .detail("workload", r.workload()).detail("query", r.query())
                        .detail("condition", r.condition())
                        .detail("requestsQuery", r.guard() == null ? null : r.guard().query())
                        .build());
            }
            return events;
        }
    }

    /**
     * Whether a metric is (meant as) a built-in one: it has {@code builtin}, {@code min} or {@code max}, or it is
     * only a built-in's name with neither a provider nor a condition.
     */
    public static boolean isBuiltin(MetricSpec metric) {
        if (metric == null) {
            return false;
        }
        return metric.declaresBuiltin() || (metric.provider() == null && metric.successCondition() == null
                && metric.failureCondition() == null && BuiltinMetric.byName(metric.name()).isPresent());
    }

    /** What is wrong with a built-in metric, before anything runs; {@code path} is {@code metrics[0]}. */
    public static List<ValidationError> validate(MetricSpec metric, String path) {
        List<ValidationError> errors = new ArrayList<>();
        String field = metric.builtin() != null ? "builtin" : "name";
        Optional<BuiltinMetric> known = BuiltinMetric.byName(metric.builtinName());
        if (known.isEmpty()) {
            errors.add(new ValidationError(path + "." + field, "'" + metric.builtinName() + "' is not a built-in"
                    + " metric; use one of " + BuiltinMetric.names() + ", or drop min/max and give the metric a"
                    + " provider and a successCondition"));
            return errors;
        }
        BuiltinMetric builtin = known.get();
        boolean rate = builtin == BuiltinMetric.SUCCESS_RATE;
        if (rate && metric.max() != null) {
            errors.add(new ValidationError(path + ".max", builtin.id() + " is a percentage of good requests, where"
                    + " higher is better: give its lowest acceptable value as min (e.g. min: 99), not max"));
        }
        if (!rate && metric.min() != null) {
            errors.add(new ValidationError(path + ".min", builtin.id() + " is a latency in milliseconds, where lower"
                    + " is better: give its highest acceptable value as max (e.g. max: 500), not min"));
        }
        if (metric.min() == null && metric.max() == null) {
            errors.add(new ValidationError(path + (rate ? ".min" : ".max"), "is missing: '" + metric.name()
                    + "' is the built-in metric " + builtin.id() + " and needs a threshold, "
                    + (rate ? "min: 99 (the lowest acceptable percentage of requests without a 5xx)"
                    : "max: 500 (the highest acceptable latency in milliseconds)")));
        }
        if (metric.min() != null && (metric.min().isNaN() || metric.min() < 0 || metric.min() > 100)) {
            errors.add(new ValidationError(path + ".min", metric.min() + " is not a percentage; use 0 to 100,"
                    + " e.g. min: 99"));
        }
        if (metric.max() != null && (metric.max().isNaN() || metric.max() <= 0)) {
            errors.add(new ValidationError(path + ".max", metric.max() + " is not a latency; use milliseconds"
                    + " above 0, e.g. max: 500"));
        }
        if (metric.successCondition() != null || metric.failureCondition() != null) {
            errors.add(new ValidationError(path + (metric.successCondition() != null ? ".successCondition"
                    : ".failureCondition"), "a built-in metric's condition is its min or max; remove the condition,"
                    + " or drop min/max and write the query yourself"));
        }
        MetricProviderSpec provider = metric.provider();
        if (provider != null && (provider.web() != null || provider.job() != null)) {
            errors.add(new ValidationError(path + ".provider", "a built-in metric is measured with Prometheus;"
                    + " remove provider." + provider.type()));
        } else if (provider != null && provider.prometheus() != null && provider.prometheus().query() != null
                && !provider.prometheus().query().isBlank()) {
            errors.add(new ValidationError(path + ".provider.prometheus.query", "a built-in metric builds its own"
                    + " query; remove it (keep address, timeout and headers), or drop min/max to judge your query"));
        }
        blank(metric.workload(), path + ".workload", "the Deployment whose requests are measured", errors);
        blank(metric.namespace(), path + ".namespace", "that Deployment's namespace", errors);
        return errors;
    }

    private static void blank(String value, String path, String what, List<ValidationError> errors) {
        if (value != null && value.isBlank()) {
            errors.add(new ValidationError(path, "is empty; give " + what + " or leave it out"));
        }
    }

    /**
     * What the context lacks for the analysis' built-in metrics: a Prometheus to ask, a workload, a namespace.
     *
     * @param pathPrefix where the analysis sits ({@code steps[2].analysis})
     * @param prometheusHint where the Prometheus is given, for the message
     */
    public static List<ValidationError> validateContext(AnalysisSpec spec, Context context, String pathPrefix,
                                                        String prometheusHint) {
        List<ValidationError> errors = new ArrayList<>();
        if (spec == null) {
            return errors;
        }
        for (int i = 0; i < spec.metrics().size(); i++) {
            MetricSpec metric = spec.metrics().get(i);
            if (!isBuiltin(metric)) {
                continue;
            }
            String path = (pathPrefix == null || pathPrefix.isEmpty() ? "" : pathPrefix + ".") + "metrics[" + i + "]";
            if (prometheus(metric, context) == null) {
                errors.add(new ValidationError(path + ".provider.prometheus.address", "is missing: built-in metric '"
                        + metric.name() + "' needs a Prometheus; " + prometheusHint));
            }
            if (metric.workload() == null && context.workload() == null) {
                errors.add(new ValidationError(path + ".workload", "is missing: analysisGate has no Deployment of its"
                        + " own, so built-in metric '" + metric.name() + "' must say whose requests it measures, e.g."
                        + " workload: 'checkout' (the Deployment, as Istio's destination_workload or the request"
                        + " metric's workload label sees it)"));
            }
            boolean istio = context.mesh() == null || context.mesh().requests() == null;
            if (istio && metric.namespace() == null && context.namespace() == null) {
                errors.add(new ValidationError(path + ".namespace", "is missing: Istio's metrics name the workload"
                        + " by namespace too; give namespace: 'prod' (or the step's namespace)"));
            }
        }
        return errors;
    }

    /**
     * The analysis with each built-in metric made an ordinary Prometheus metric, the others untouched.
     *
     * @throws InvalidPlanException when a built-in metric is invalid or the context lacks what it needs
     */
    public static Resolution resolve(AnalysisSpec spec, Context context) {
        if (spec == null || spec.metrics().stream().noneMatch(BuiltinThresholds::isBuiltin)) {
            return new Resolution(spec, List.of());
        }
        List<ValidationError> errors = new ArrayList<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            if (isBuiltin(spec.metrics().get(i))) {
                errors.addAll(validate(spec.metrics().get(i), "metrics[" + i + "]"));
            }
        }
        errors.addAll(validateContext(spec, context, "", "give the plan's metrics.prometheus or the metric's"
                + " provider.prometheus.address"));
        if (!errors.isEmpty()) {
            throw new InvalidPlanException("the built-in metrics", errors);
        }
        List<MetricSpec> metrics = new ArrayList<>();
        List<Resolved> resolved = new ArrayList<>();
        int minRequests = context.mesh() == null ? MeshMetricsSpec.DEFAULT_MIN_REQUESTS
                : context.mesh().effectiveMinRequests();
        for (MetricSpec metric : spec.metrics()) {
            if (!isBuiltin(metric)) {
                metrics.add(metric);
                continue;
            }
            BuiltinMetric builtin = BuiltinMetric.byName(metric.builtinName()).orElseThrow();
            String workload = metric.workload() != null ? metric.workload().trim() : context.workload();
            String namespace = metric.namespace() != null ? metric.namespace().trim() : context.namespace();
            Duration window = metric.interval() != null ? metric.interval() : DEFAULT_WINDOW;
            MeshQueries queries = context.queries(namespace);
            String query = builtin.query(queries, workload, window);
            String condition = metric.min() != null ? "result[0] >= " + number(metric.min())
                    : "result[0] <= " + number(metric.max());
            PrometheusSpec own = prometheus(metric, context);
            PrometheusSpec prometheus = new PrometheusSpec(own.address(), query, own.timeout(), own.headers());
            MetricSpec.MinimumTraffic guard = minRequests <= 0 ? null : new MetricSpec.MinimumTraffic(
                    queries.requestCount(workload, window), minRequests, window,
                    context.subject() != null ? context.subject() : workload, context.advice());
            metrics.add(metric.resolvedAs(condition, new MetricProviderSpec(prometheus), guard));
            resolved.add(new Resolved(metric.name(), builtin.id(), workload, namespace, context.source(), window,
                    query, condition, guard));
        }
        return new Resolution(spec.withArgsAndMetrics(spec.args(), metrics), resolved);
    }

    /** The metric's own Prometheus (address, timeout, headers), else the plan's; null when neither has an address. */
    private static PrometheusSpec prometheus(MetricSpec metric, Context context) {
        PrometheusSpec own = metric.provider() == null ? null : metric.provider().prometheus();
        if (own != null && own.address() != null && !own.address().isBlank()) {
            return own;
        }
        PrometheusSpec shared = context.mesh() == null ? null : context.mesh().prometheus();
        if (shared == null || shared.address() == null || shared.address().isBlank()) {
            return null;
        }
        return own == null ? shared : new PrometheusSpec(shared.address(), null,
                own.timeout() != null ? own.timeout() : shared.timeout(),
                own.headers().isEmpty() ? shared.headers() : own.headers());
    }

    /** {@code 99.0}, {@code 99.5}: a double literal both condition languages read as a double. */
    static String number(double value) {
        String plain = new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}
