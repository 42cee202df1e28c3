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
}
