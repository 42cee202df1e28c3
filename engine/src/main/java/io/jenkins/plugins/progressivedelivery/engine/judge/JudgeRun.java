package io.jenkins.plugins.progressivedelivery.engine.judge;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.BuiltinMetric;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.MeshQueries;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeMetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.JudgeSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MeshMetricsSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The I/O around the pure judge: for each metric, the experiment's (the canary's) and the control's series over the
 * window, each side with one Prometheus range query ({@code /api/v1/query_range} from {@code end - window + step}
 * to {@code end}, one sample per step, each sample's rate window the step, so that samples do not overlap), through
 * the run's {@link MeasurementSource}, so it goes wherever the analyses' queries go; then {@link MetricClassifier}
 * and {@link Scorer}. Blocking; called on the I/O executor.
 *
 * <p>Before any metric, the experiment's request count over the window is checked against {@code minRequests}: at
 * a trickle of traffic no test can tell a good canary from a bad one, and the judgement is Nodata (Inconclusive).
 */
public final class JudgeRun {
    private final MeasurementSource source;
    private final MeshQueries mesh;
    private final Side experiment;
    private final Side control;
    private final PrometheusSpec defaultPrometheus;
    private final int defaultMinRequests;

    /**
     * One side of the comparison.
     *
     * @param role      how the messages call it: {@code canary}, {@code baseline}, {@code stable}, {@code control}
     * @param key       what {@link MeshQueries} selects it by (a Deployment name, or a label set's key)
     * @param workload  for a metric's own query's {{workload}}; null when the side is a bare label set
     * @param namespace for {{namespace}}; null when the side is a bare label set
     * @param shown     how the log names it ({@code web-baseline}, {@code {version="v1"}})
     */
    public record Side(String role, String key, String workload, String namespace, String shown)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The canary of {@code plan} against its baseline, or the stable without one. */
    public JudgeRun(CanaryPlan plan, MeasurementSource source) {
        this(source, canaryQueries(plan), new Side("canary", plan.target().canaryDeployment(),
                        plan.target().canaryDeployment(), plan.target().namespace(), plan.target().canaryDeployment()),
                control(plan), plan.metrics() == null ? null : plan.metrics().prometheus(),
                plan.metrics() == null ? MeshMetricsSpec.DEFAULT_MIN_REQUESTS : plan.metrics().effectiveMinRequests());
    }

    /**
     * Any two sides.
     *
     * @param defaultPrometheus  where to query when the judge spec gives no Prometheus of its own
     * @param defaultMinRequests when the judge spec does not say
     */
    public JudgeRun(MeasurementSource source, MeshQueries mesh, Side experiment, Side control,
                    PrometheusSpec defaultPrometheus, int defaultMinRequests) {
        this.source = source;
        this.mesh = mesh;
        this.experiment = experiment;
        this.control = control;
        this.defaultPrometheus = defaultPrometheus;
        this.defaultMinRequests = defaultMinRequests;
    }

    /**
     * What the judge ran on, besides the scorecard: for the log and the record.
     *
     * @param queries         each metric's resolved PromQL for the canary and the control
     * @param canaryRequests  requests the canary served in the window, or -1 when they could not be counted
     * @param controlWorkload the Deployment (or label set) the canary was compared with
     * @param step            the range queries' step, which is also each sample's rate window
     */
    public record Outcome(Scorecard scorecard, List<MetricQueries> queries, long canaryRequests,
                          String controlWorkload, Duration window, Duration step) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Outcome {
            queries = List.copyOf(queries);
        }

        /** Without the metrics' series: small enough for a rollout's saved state and its result. */
        public Outcome withoutSeries() {
            return new Outcome(scorecard.withoutSeries(), queries, canaryRequests, controlWorkload, window, step);
        }
    }

    /** One metric's PromQL, as run for each side. */
    public record MetricQueries(String name, String canary, String control) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private static Side control(CanaryPlan plan) {
        String workload = plan.effectiveBaseline() ? plan.target().baselineDeployment() : plan.target().deployment();
        return new Side(plan.effectiveBaseline() ? "baseline" : "stable", workload, workload,
                plan.target().namespace(), workload);
    }

    private static MeshQueries canaryQueries(CanaryPlan plan) {
        MeshMetricsSpec mesh = plan.metrics();
        String namespace = plan.target().namespace();
        if (mesh == null || mesh.requests() == null) {
            return MeshQueries.istio(namespace);
        }
        Map<String, String> deployments = new LinkedHashMap<>();
        deployments.put("stable", plan.target().deployment());
        deployments.put("canary", plan.target().canaryDeployment());
        deployments.put("baseline", plan.target().baselineDeployment());
        return MeshQueries.requests(mesh.requests(), deployments);
    }

    /** The control: the baseline when the plan runs one, otherwise the stable Deployment. */
    public String controlWorkload() {
        return control.shown();
    }

    public String controlName() {
        return control.role();
    }

    public MeshQueries queries() {
        return mesh;
    }

    /**
     * How many samples a window holds: one per step, the last at the window's end. The step is the rate window of
     * each sample, so that no request counts in two samples (the U test wants independent samples).
     */
    public static int sampleCount(Duration window, Duration step) {
        return (int) Math.max(1, window.toMillis() / step.toMillis());
    }

    /** Judges over the window that ends at {@code end}. Never throws for a metric's failure. */
    public Outcome run(JudgeSpec spec, Instant end) {
        Duration window = spec.effectiveWindow();
        Duration step = spec.effectiveStep();
        PrometheusSpec prometheus = prometheus(spec);
        double pass = spec.pass() == null ? Scorer.DEFAULT_PASS : spec.pass();
        double marginal = spec.marginal() == null ? Scorer.DEFAULT_MARGINAL : spec.marginal();
        List<MetricQueries> queries = new ArrayList<>();
        for (JudgeMetricSpec metric : spec.metrics()) {
            queries.add(new MetricQueries(metric.name(), query(metric, experiment, step), query(metric, control,
                    step)));
        }

        long requests;
        int minRequests = spec.minRequests() != null ? spec.minRequests() : defaultMinRequests;
        try {
            MetricValue count = source.measure(metric(experiment.role() + "-requests", prometheus,
                    mesh.requestCount(experiment.key(), window), null), end);
            requests = count.isEmpty() ? 0 : Math.round(count.values().get(0));
        } catch (MeasurementException e) {
            requests = -1;
        }
        if (requests >= 0 && requests < minRequests) {
            String message = new MetricSpec.MinimumTraffic(null, minRequests, window, experiment.role(),
                    MetricSpec.MinimumTraffic.CANARY_ADVICE).message(requests);
            return new Outcome(new Scorecard(Verdict.NODATA, null, pass, marginal, control.role(), List.of(),
                    message), queries, requests, control.shown(), window, step);
        }

        PrometheusSpec.RangeQuery range = range(window, step);
        List<MetricJudgement> judgements = new ArrayList<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            JudgeMetricSpec metric = spec.metrics().get(i);
            MetricQueries query = queries.get(i);
            ClassifierSettings settings = settings(spec, metric);
            MetricJudgement judgement;
            try {
                double[] canarySeries = series(metric.name(), prometheus, query.canary(), range, end);
                double[] controlSeries = series(metric.name(), prometheus, query.control(), range, end);
                judgement = MetricClassifier.classify(metric.name(), canarySeries, controlSeries, settings,
                        control.role(), experiment.role());
            } catch (MeasurementException e) {
                judgement = new MetricJudgement(metric.name(), Classification.NODATA, "the query failed: "
                        + e.getMessage(), settings.direction(), 1, false, null, null, null, null, null, null, 0, 0,
                        null, null);
            }
            judgements.add(judgement.weighted(metric.effectiveWeight(), metric.effectiveCritical()));
        }
        return new Outcome(Scorer.score(judgements, pass, marginal, control.role(), experiment.role()), queries,
                requests,
                control.shown(), window, step);
    }

    /** From the window's first sample ({@code end - window + step}) to its end, every step. */
    static PrometheusSpec.RangeQuery range(Duration window, Duration step) {
        Duration back = step.multipliedBy(sampleCount(window, step) - 1L);
        String start = back.isZero() ? "now()" : "now() - duration(\"" + Durations.format(back) + "\")";
        return new PrometheusSpec.RangeQuery(start, "now()", Durations.format(step));
    }

    static ClassifierSettings settings(JudgeSpec spec, JudgeMetricSpec metric) {
        Direction direction = metric.direction() != null ? metric.direction()
                : BuiltinMetric.byName(metric.name()).map(BuiltinMetric::direction).orElse(Direction.EITHER);
        EffectSizeMeasure measure = metric.effectSize() == null ? EffectSizeMeasure.MEAN_RATIO : metric.effectSize();
        return new ClassifierSettings(
                spec.confidence() == null ? ClassifierSettings.DEFAULT_CONFIDENCE : spec.confidence(),
                spec.tolerance() == null ? ClassifierSettings.DEFAULT_TOLERANCE : spec.tolerance(),
                direction, measure,
                metric.high() == null ? measure.defaultHigh() : metric.high(),
                metric.low() == null ? measure.defaultLow() : metric.low(),
                spec.minSamples() == null ? ClassifierSettings.DEFAULT_MIN_SAMPLES : spec.minSamples(),
                spec.removeOutliers() != null && spec.removeOutliers());
    }

    /** The judge's own Prometheus, else the default (the plan's {@code metrics.prometheus}). */
    public PrometheusSpec prometheus(JudgeSpec spec) {
        return spec.prometheus() != null ? spec.prometheus() : defaultPrometheus;
    }

    private String query(JudgeMetricSpec metric, Side side, Duration step) {
        if (metric.query() != null) {
            String query = metric.query().replace("{{labels}}", mesh.matchers(side.key()))
                    .replace("{{window}}", Durations.format(step));
            if (side.workload() != null) {
                query = query.replace("{{workload}}", side.workload());
            }
            return side.namespace() == null ? query : query.replace("{{namespace}}", side.namespace());
        }
        return BuiltinMetric.byName(metric.name()).orElseThrow().query(mesh, side.key(), step);
    }

    /**
     * The side's samples over the window, from one range query. Every series of the answer is pooled (the built-in
     * metrics return one); points Prometheus has no value for are absent from the matrix, and NaN ones are removed
     * later by {@link Preprocessing}. No series at all is an empty side: Nodata.
     */
    private double[] series(String name, PrometheusSpec prometheus, String query, PrometheusSpec.RangeQuery range,
                            Instant end) throws MeasurementException {
        MetricValue value = source.measure(metric(name, prometheus, query, range), end);
        return value.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static MetricSpec metric(String name, PrometheusSpec prometheus, String query,
                                     PrometheusSpec.RangeQuery range) {
        PrometheusSpec withQuery = new PrometheusSpec(prometheus.address(), query, prometheus.timeout(),
                prometheus.headers(), range);
        return new MetricSpec(name, null, null, null, null, null, null, null, null,
                new MetricProviderSpec(withQuery));
    }
}
