package io.jenkins.plugins.progressivedelivery.engine.plan;

import java.io.Serializable;

/** A plan of either strategy; {@link PlanLoader#load} tells them apart. */
public sealed interface DeliveryPlan extends Serializable permits CanaryPlan, BlueGreenPlan {

    /** The new image that the plan delivers. */
    String image();

    /** How long the new version keeps running after an abort moved production away from it. */
    java.time.Duration effectiveAbortScaleDownDelay();

    /** How long a rollback may keep retrying before it gives up; null: until traffic is safe. */
    java.time.Duration rollbackTimeout();
    /** How the preflight doctor judges the plan's workloads (its defaults when the plan does not say). */
    DoctorSpec effectiveDoctor();

    /** The Jobs and webhooks run around the rollout's phases (none when the plan has none). */
    HooksSpec effectiveHooks();

    /** The drain window after a traffic write that took production away from pods; null: from their preStop. */
    Integer drainSeconds();
}
