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
 * The I/O around the pure judge: for each metric of a {@code judge} step, the canary's and the control's series over
 * the window (one instant query per step and side, through the run's {@link MeasurementSource}, so it goes wherever
 * the analyses' queries go), then {@link MetricClassifier} and {@link Scorer}. Blocking; called on the I/O executor.
 *
 * <p>Before any metric, the canary's request count over the window is checked against {@code minRequests}: at a
 * trickle of traffic no test can tell a good canary from a bad one, and the judgement is Nodata (Inconclusive).
 */
public final class JudgeRun {
    private final CanaryPlan plan;
    private final MeasurementSource source;

    public JudgeRun(CanaryPlan plan, MeasurementSource source) {
        this.plan = plan;
        this.source = source;
    }

    /**
     * What the judge ran on, besides the scorecard: for the log and the record.
     *
     * @param queries         each metric's resolved PromQL for the canary and the control
     * @param canaryRequests  requests the canary served in the window, or -1 when they could not be counted
     * @param controlWorkload the Deployment the canary was compared with
     */
    public record Outcome(Scorecard scorecard, List<MetricQueries> queries, long canaryRequests,
                          String controlWorkload, Duration window, Duration step) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Outcome {
            queries = List.copyOf(queries);
        }
    }

    /** One metric's PromQL, as run for each side. */
    public record MetricQueries(String name, String canary, String control) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The control: the baseline when the plan runs one, otherwise the stable Deployment. */
    public String controlWorkload() {
        return plan.effectiveBaseline() ? plan.target().baselineDeployment() : plan.target().deployment();
    }

    public String controlName() {
        return plan.effectiveBaseline() ? "baseline" : "stable";
    }

    public MeshQueries queries() {
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

    /** Judges the canary over the window that ends at {@code end}. Never throws for a metric's failure. */
    public Outcome run(JudgeSpec spec, Instant end) {
        Duration window = spec.effectiveWindow();
        Duration step = spec.effectiveStep();
        PrometheusSpec prometheus = prometheus(spec);
        MeshQueries mesh = queries();
        String canary = plan.target().canaryDeployment();
        String control = controlWorkload();
        double pass = spec.pass() == null ? Scorer.DEFAULT_PASS : spec.pass();
        double marginal = spec.marginal() == null ? Scorer.DEFAULT_MARGINAL : spec.marginal();
        List<MetricQueries> queries = new ArrayList<>();
        for (JudgeMetricSpec metric : spec.metrics()) {
            queries.add(new MetricQueries(metric.name(), query(metric, mesh, canary, step),
                    query(metric, mesh, control, step)));
        }

        long requests;
        int minRequests = minRequests(spec);
        try {
            requests = Math.round(first(measure("canary-requests", prometheus, mesh.requestCount(canary, window),
                    end), 0));
        } catch (MeasurementException e) {
            requests = -1;
        }
        if (requests >= 0 && requests < minRequests) {
            String message = "canary saw " + requests + " requests in " + Durations.format(window) + "; at this"
                    + " traffic a canary cannot tell good from bad \u2014 raise the weight or the window, or use"
                    + " blueGreenSwitch (minRequests " + minRequests + ")";
            return new Outcome(new Scorecard(Verdict.NODATA, null, pass, marginal, controlName(), List.of(), message),
                    queries, requests, control, window, step);
        }

        List<MetricJudgement> judgements = new ArrayList<>();
        for (int i = 0; i < spec.metrics().size(); i++) {
            JudgeMetricSpec metric = spec.metrics().get(i);
            MetricQueries query = queries.get(i);
            ClassifierSettings settings = settings(spec, metric);
            MetricJudgement judgement;
            try {
                double[] canarySeries = series(metric.name(), prometheus, query.canary(), end, window, step);
                double[] controlSeries = series(metric.name(), prometheus, query.control(), end, window, step);
                judgement = MetricClassifier.classify(metric.name(), canarySeries, controlSeries, settings,
                        controlName());
            } catch (MeasurementException e) {
                judgement = new MetricJudgement(metric.name(), Classification.NODATA, "the query failed: "
                        + e.getMessage(), settings.direction(), 1, false, null, null, null, null, null, null, 0, 0,
                        null, null);
            }
            judgements.add(judgement.weighted(metric.effectiveWeight(), metric.effectiveCritical()));
        }
        return new Outcome(Scorer.score(judgements, pass, marginal, controlName()), queries, requests, control,
                window, step);
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

    private int minRequests(JudgeSpec spec) {
        if (spec.minRequests() != null) {
            return spec.minRequests();
        }
        return plan.metrics() == null ? MeshMetricsSpec.DEFAULT_MIN_REQUESTS : plan.metrics().effectiveMinRequests();
    }

    /** The judge's own Prometheus, else the plan's. */
    public PrometheusSpec prometheus(JudgeSpec spec) {
        if (spec.prometheus() != null) {
            return spec.prometheus();
        }
        return plan.metrics() == null ? null : plan.metrics().prometheus();
    }

    private String query(JudgeMetricSpec metric, MeshQueries mesh, String workload, Duration step) {
        if (metric.query() != null) {
            return metric.query().replace("{{workload}}", workload)
                    .replace("{{namespace}}", plan.target().namespace())
                    .replace("{{window}}", Durations.format(step));
        }
        return BuiltinMetric.byName(metric.name()).orElseThrow().query(mesh, workload, step);
    }

    /** The samples at {@code end - window + step}, ..., {@code end}; a sample without a series is NaN. */
    private double[] series(String name, PrometheusSpec prometheus, String query, Instant end, Duration window,
                            Duration step) throws MeasurementException {
        int count = (int) Math.max(1, window.toMillis() / step.toMillis());
        double[] samples = new double[count];
        for (int i = 0; i < count; i++) {
            Instant at = end.minus(step.multipliedBy(count - 1L - i));
            samples[i] = first(measure(name, prometheus, query, at), Double.NaN);
        }
        return samples;
    }

    private MetricValue measure(String name, PrometheusSpec prometheus, String query, Instant at)
            throws MeasurementException {
        PrometheusSpec withQuery = new PrometheusSpec(prometheus.address(), query, prometheus.timeout(),
                prometheus.headers());
        MetricSpec spec = new MetricSpec(name, null, null, null, null, null, null, null, null,
                new MetricProviderSpec(withQuery));
        return source.measure(spec, at);
    }

    private static double first(MetricValue value, double none) {
        return value.isEmpty() ? none : value.values().get(0);
    }
}
