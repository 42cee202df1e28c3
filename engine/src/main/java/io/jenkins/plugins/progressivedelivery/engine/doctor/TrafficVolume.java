package io.jenkins.plugins.progressivedelivery.engine.doctor;

import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementException;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.AnalysisSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.DoctorSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricProviderSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Whether the canary will see enough requests to be judged: the service's request rate now (from Prometheus, the
 * plan's {@code doctor.traffic} query) times the first weight times the analysis' measurement interval, against
 * the requests a measurement needs ({@code doctor.traffic.minimumRequests}). A blue-green switch is judged after
 * the switch, at all of production's traffic.
 */
public final class TrafficVolume {
    /** The window a measurement without an interval is taken to cover. */
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    private TrafficVolume() {
    }

    /** The findings (none when the volume suffices, the plan has no traffic query, or nothing is analysed). */
    public static List<Finding> check(DeliveryPlan plan, MeasurementSource metrics, Instant at) {
        DoctorSpec doctor = plan.effectiveDoctor();
        if (doctor.traffic() == null || doctor.isSkipped("traffic-volume")) {
            return List.of();
        }
        Exposure exposure = exposure(plan);
        if (exposure == null) {
            return List.of();
        }
        double perSecond;
        try {
            MetricValue value = metrics.measure(new MetricSpec("doctor-traffic-volume", null, null, null, null, null,
                    null, null, null, new MetricProviderSpec(doctor.traffic().prometheus())), at);
            perSecond = value.values().stream().filter(v -> !v.isNaN() && !v.isInfinite())
                    .mapToDouble(Double::doubleValue).sum();
        } catch (MeasurementException e) {
            return List.of(new Finding("traffic-volume", Severity.NOTE, "plan", "doctor.traffic.prometheus",
                    "could not measure the service's request rate: " + e.getMessage(),
                    "without it the doctor cannot tell whether the analysis will have enough requests to decide",
                    null));
        }
        return judge(exposure, perSecond, doctor.traffic().effectiveMinimumRequests(),
                plan instanceof CanaryPlan);
    }

    /** The pure part: whether {@code perSecond} requests per second, at the exposure, give enough to decide. */
    static List<Finding> judge(Exposure exposure, double perSecond, int minimum, boolean canary) {
        double windowSeconds = exposure.window().toSeconds();
        double seen = perSecond * exposure.weight() / 100.0 * windowSeconds;
        if (seen >= minimum) {
            return List.of();
        }
        double perMinute = perSecond * exposure.weight() / 100.0 * 60;
        int neededWeight = perSecond <= 0 ? 100 : (int) Math.min(100, Math.ceil(minimum * 100.0
                / (perSecond * windowSeconds)));
        long neededSeconds = perSecond <= 0 ? -1 : (long) Math.ceil(minimum / (perSecond * exposure.weight() / 100.0));
        String rate = String.format(Locale.ROOT, "%.1f requests per minute", perMinute);
        String problem = canary
                ? "this service is too quiet for a canary at " + exposure.weight() + " %: about " + rate
                + " would reach it, " + Math.round(seen) + " in each " + Durations.format(exposure.window())
                + " measurement, and its analysis needs " + minimum
                + "; use a higher first weight, a longer window, or blueGreenSwitch"
                : "this service is too quiet for its post-promotion analysis: about " + rate + ", "
                + Math.round(seen) + " in each " + Durations.format(exposure.window()) + " measurement, and the"
                + " analysis needs " + minimum + "; use a longer interval";
        String fix = canary
                ? "steps:\n- setWeight: " + Math.max(neededWeight, exposure.weight()) + "   # first weight\n"
                + (neededSeconds > 0 ? "# or keep " + exposure.weight() + " % and measure over "
                + Durations.format(Duration.ofSeconds(roundUp(neededSeconds))) + " (interval and query range)\n"
                : "") + "# or use blueGreenSwitch, which judges the new version at all of production's traffic"
                : (neededSeconds > 0 ? "interval: " + Durations.format(Duration.ofSeconds(roundUp(neededSeconds)))
                + "   # and the same range in the query" : "# the service has no traffic to judge it by");
        return List.of(new Finding("traffic-volume", Severity.WARNING, "plan", exposure.field(), problem,
                "an error ratio over fewer requests than that is noise: one failed request moves it by more than"
                        + " " + String.format(Locale.ROOT, "%.0f", 100.0 / minimum) + " %, so the analysis either"
                        + " passes a bad version or fails a good one, and a ratio over no requests is NaN",
                fix));
    }

    /** What a first measurement sees: the share of traffic, for how long, and the plan field that sets it. */
    record Exposure(int weight, Duration window, String field) {
    }

    static Exposure exposure(DeliveryPlan plan) {
        if (plan instanceof BlueGreenPlan blueGreen) {
            return blueGreen.postPromotionAnalysis() == null ? null
                    : new Exposure(100, window(blueGreen.postPromotionAnalysis()), "postPromotionAnalysis");
        }
        CanaryPlan canary = (CanaryPlan) plan;
        Integer weight = null;
        String field = null;
        AnalysisSpec analysis = null;
        for (int i = 0; i < canary.steps().size(); i++) {
            PlanStep step = canary.steps().get(i);
            if (weight == null && step instanceof PlanStep.SetWeight w && w.weight() > 0) {
                weight = w.weight();
                field = "steps[" + i + "].setWeight";
            } else if (weight != null && analysis == null && step instanceof PlanStep.Analysis a) {
                analysis = a.analysis();
            }
        }
        if (weight != null && analysis == null && canary.analysis() != null) {
            analysis = canary.analysis().spec(); // the background analysis measures from the first weight on
        }
        return weight == null || analysis == null ? null : new Exposure(weight, window(analysis), field);
    }

    /** The shortest measurement interval of the analysis: the least traffic one measurement covers. */
    private static Duration window(AnalysisSpec analysis) {
        return analysis.metrics().stream().map(MetricSpec::interval).filter(i -> i != null)
                .min(Duration::compareTo).orElse(DEFAULT_WINDOW);
    }

    private static long roundUp(long seconds) {
        return seconds <= 60 ? seconds : ((seconds + 59) / 60) * 60;
    }
}
