package io.jenkins.plugins.progressivedelivery.engine.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an {@link AuditEvent} records. Serialised in lower case with dashes ({@code "scale-down"}). */
public enum AuditAction {
    /** A rollout or analysis began; {@code after} names the plan. */
    START,
    /** The plan was checked against the cluster before the first write. */
    PREFLIGHT,
    /** A finding of the doctor's preflight checks, or their summary (details: errors, warnings, notes, report). */
    DOCTOR,
    /** A hook (a Job or a webhook) of a rollout phase started, wrote a log line, or ended. */
    HOOK,
    /** The runner moved to a step of the plan. */
    STEP,
    /** A Deployment's replica count or template changed. */
    SCALE,
    /** A Deployment became ready (or did not, by its deadline). */
    READY,
    /** Traffic weights changed. */
    WEIGHT,
    /**
     * DestinationRule subsets or Service selectors were changed to match the workloads, or a managed route (header,
     * mirror) was set or removed.
     */
    ROUTE,
    /** A pause began (timed or indefinite). */
    PAUSE,
    /** A pause ended. */
    RESUME,
    /** One analysis measurement. */
    MEASUREMENT,
    /** The verdict of one metric or of a whole analysis. */
    VERDICT,
    /** Someone or something promoted the rollout (skipping a pause, or to full). */
    PROMOTE,
    /** The rollout was aborted; {@code reason} says why. */
    ABORT,
    /** One rollback action and its outcome. */
    ROLLBACK,
    /** An API call was retried (conflict or server error). */
    RETRY,
    /** The rollout ended; {@code after} is its final phase. */
    COMPLETE,
    /** Someone else changed what the engine manages (the route, the Deployments' images or sizes). */
    DRIFT;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static AuditAction fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
