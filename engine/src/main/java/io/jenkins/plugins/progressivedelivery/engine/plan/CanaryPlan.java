package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;

/**
 * A canary rollout: what to deploy ({@link Target}), how traffic is split ({@link TrafficSpec}) and the ordered
 * {@link PlanStep}s. Load one with {@link PlanLoader}; it is validated completely before it is returned.
 *
 * @param abortScaleDownDelay how long the canary keeps running after an abort moved traffic away (default 30s)
 * @param readinessTimeout    how long a Deployment may take to become ready (default 10m)
 * @param onInconclusive      what an Inconclusive analysis does: {@code pause} (wait for promote or abort, as
 *                            Argo Rollouts does; the default) or {@code abort}
 * @param rollbackTimeout     how long a rollback keeps retrying a failing API before it gives up and says how to
 *                            finish it by hand (default: no limit, it retries until traffic is safe)
 * @param onDrift             what a change the engine did not make (to the route, or the Deployments' images and
 *                            replicas) does: {@code pause} (the default), {@code abort} or {@code overwrite}
 * @param analysis            a background analysis across the steps, as Argo's {@code strategy.canary.analysis}
 * @param baseline            also run {@code <deployment>-baseline}, the stable image at the canary's size, for the
 *                            judge to compare the canary with (default false: the judge compares with the stable)
 * @param metrics             where the built-in metrics of judge steps come from
 * @param doctor              how the preflight doctor judges the workloads (default: every check, warnings only)
 * @param hooks               Jobs and webhooks run around the rollout's phases
 * @param drainSeconds        after the rollback's traffic write, how long the canary keeps serving its in-flight
 *                            requests before anything is scaled down (default: the preStop sleep the doctor found)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CanaryPlan(
        Target target,
        TrafficSpec traffic,
        List<PlanStep> steps,
        Duration abortScaleDownDelay,
        Duration readinessTimeout,
        OnInconclusive onInconclusive,
        Duration rollbackTimeout,
        OnDrift onDrift,
        BackgroundAnalysis analysis,
        Boolean baseline,
        MeshMetricsSpec metrics,
        DoctorSpec doctor,
        HooksSpec hooks,
        Integer drainSeconds) implements DeliveryPlan {

    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_ABORT_SCALE_DOWN_DELAY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_READINESS_TIMEOUT = Duration.ofMinutes(10);

    public CanaryPlan {
        traffic = traffic == null ? TrafficSpec.REPLICA_RATIO : traffic;
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    @Override
    public DoctorSpec effectiveDoctor() {
        return doctor == null ? DoctorSpec.DEFAULTS : doctor;
    }

    @Override
    public HooksSpec effectiveHooks() {
        return hooks == null ? HooksSpec.NONE : hooks;
    }

    /** A plan with the defaults of every later field (rollback timeout, drift, baseline, built-in metrics). */
    public CanaryPlan(Target target, TrafficSpec traffic, List<PlanStep> steps, Duration abortScaleDownDelay,
                      Duration readinessTimeout, OnInconclusive onInconclusive) {
        this(target, traffic, steps, abortScaleDownDelay, readinessTimeout, onInconclusive, null, null, null, null,
                null);
    }

    /** A plan without background analysis, baseline or built-in metric settings. */
    public CanaryPlan(Target target, TrafficSpec traffic, List<PlanStep> steps, Duration abortScaleDownDelay,
                      Duration readinessTimeout, OnInconclusive onInconclusive, Duration rollbackTimeout,
                      OnDrift onDrift) {
        this(target, traffic, steps, abortScaleDownDelay, readinessTimeout, onInconclusive, rollbackTimeout, onDrift,
                null, null, null);
    }

    /** A plan without baseline or built-in metric settings. */
    public CanaryPlan(Target target, TrafficSpec traffic, List<PlanStep> steps, Duration abortScaleDownDelay,
                      Duration readinessTimeout, OnInconclusive onInconclusive, Duration rollbackTimeout,
                      OnDrift onDrift, BackgroundAnalysis analysis) {
        this(target, traffic, steps, abortScaleDownDelay, readinessTimeout, onInconclusive, rollbackTimeout, onDrift,
                analysis, null, null);
    }

    /** A plan without doctor settings, hooks or a drain window. */
    public CanaryPlan(Target target, TrafficSpec traffic, List<PlanStep> steps, Duration abortScaleDownDelay,
                      Duration readinessTimeout, OnInconclusive onInconclusive, Duration rollbackTimeout,
                      OnDrift onDrift, BackgroundAnalysis analysis, Boolean baseline, MeshMetricsSpec metrics) {
        this(target, traffic, steps, abortScaleDownDelay, readinessTimeout, onInconclusive, rollbackTimeout, onDrift,
                analysis, baseline, metrics, null, null, null);
    }

    public boolean effectiveBaseline() {
        return baseline != null && baseline;
    }

    @Override
    public String image() {
        return target == null ? null : target.image();
    }

    /** The same plan with other steps (analysis templates read from the cluster, say). */
    public CanaryPlan withSteps(List<PlanStep> newSteps) {
        return new CanaryPlan(target, traffic, newSteps, abortScaleDownDelay, readinessTimeout, onInconclusive,
                rollbackTimeout, onDrift, analysis, baseline, metrics);
    }

    /** The same plan with another background analysis (its templates read from the cluster, say). */
    public CanaryPlan withAnalysis(BackgroundAnalysis newAnalysis) {
        return new CanaryPlan(target, traffic, steps, abortScaleDownDelay, readinessTimeout, onInconclusive,
                rollbackTimeout, onDrift, newAnalysis, baseline, metrics);
    }

    public Duration effectiveAbortScaleDownDelay() {
        return abortScaleDownDelay == null ? DEFAULT_ABORT_SCALE_DOWN_DELAY : abortScaleDownDelay;
    }

    public Duration effectiveReadinessTimeout() {
        return readinessTimeout == null ? DEFAULT_READINESS_TIMEOUT : readinessTimeout;
    }

    public OnDrift effectiveOnDrift() {
        return onDrift == null ? OnDrift.PAUSE : onDrift;
    }

    /** What a change the engine did not make does to the rollout: a person spoke. */
    public enum OnDrift {
        /** Stop moving and wait for promote (carry on from what is there) or abort (roll back). */
        PAUSE,
        /** Roll back at once. */
        ABORT,
        /** Log the change and carry on: the next step writes over it. */
        OVERWRITE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static OnDrift fromId(String id) {
            for (OnDrift value : values()) {
                if (value.id().equalsIgnoreCase(id)) {
                    return value;
                }
            }
            throw new IllegalArgumentException("'" + id + "' is not one of pause, abort, overwrite");
        }
    }

    public OnInconclusive effectiveOnInconclusive() {
        return onInconclusive == null ? OnInconclusive.PAUSE : onInconclusive;
    }

    /** What an Inconclusive analysis verdict does to the rollout. */
    public enum OnInconclusive {
        PAUSE, ABORT;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static OnInconclusive fromId(String id) {
            for (OnInconclusive value : values()) {
                if (value.id().equalsIgnoreCase(id)) {
                    return value;
                }
            }
            throw new IllegalArgumentException("'" + id + "' is not one of pause, abort");
        }
    }
}
