package io.jenkins.plugins.progressivedelivery.rollback;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A rollback that has not finished yet, as the keeper writes it under {@code JENKINS_HOME}: which build and
 * record it belongs to, how to reach the cluster (no secret), and the engine's state as the same JSON the CLI's
 * {@code --state} file holds ({@code RolloutState} or {@code BlueGreenState}). A file stays while traffic is not safe,
 * then while the rollback's delayed scale-down is due ({@link #scaleDown}; whether the step or the keeper drives it),
 * and after the keeper gave up ({@link #gaveUp}) until an administrator dismisses it. Files written before the last
 * two fields existed read as both null.
 *
 * @param id           the file's name, chosen by the step
 * @param kind         {@code canaryRollout} or {@code blueGreenSwitch}
 * @param job          the job's full name
 * @param build        the build's number
 * @param recordId     the deploy record's id on that build
 * @param title        the record's title ({@code shop/web: web:2.0}), for the log when the build is gone
 * @param computer     the agent the step's calls ran on; null: the controller
 * @param owner        {@link #STEP} while the step still drives the rollback, {@link #KEEPER} once it ended
 * @param handedOverAt when the keeper took over, else null
 * @param endedBecause why the step could not finish it, else null
 * @param scaleDown    traffic is safe and only the delayed scale-down is left, else null
 * @param gaveUp       the keeper gave up (traffic NOT safe) and nothing retries any more, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PendingRollback(String id, String kind, String job, int build, String recordId, String title,
                              String computer, ClusterRef cluster, String owner, Instant handedOverAt,
                              String endedBecause, JsonNode state, ScaleDown scaleDown, GaveUp gaveUp) {
    public static final String STEP = "step";
    public static final String KEEPER = "keeper";

    /**
     * Traffic is safe; what is still to be scaled to zero, and when.
     *
     * @param trafficSafeAt when traffic was first seen safe
     * @param dueAt         when the scale-down is due ({@code abortScaleDownDelay}, or the drain if longer)
     * @param resource      the Deployment scaled to zero, {@code deployment/<namespace>/<name>}
     * @param madeSafeBy    {@link #STEP} when the step made traffic safe (its scale-down was handed over), {@link
     *                      #KEEPER} when the keeper did; null in files written before this field existed (the keeper)
     */
    public record ScaleDown(Instant trafficSafeAt, Instant dueAt, String resource, String madeSafeBy) {
        @JsonCreator
        public ScaleDown {
        }

        public ScaleDown(Instant trafficSafeAt, Instant dueAt, String resource) {
            this(trafficSafeAt, dueAt, resource, null);
        }

        public ScaleDown by(String who) {
            return new ScaleDown(trafficSafeAt, dueAt, resource, who);
        }

        /** The step made traffic safe itself and ended during the delay: the keeper only scales down. */
        public boolean madeSafeByStep() {
            return STEP.equals(madeSafeBy);
        }
    }

    /**
     * The keeper gave up: traffic is NOT safe, and the message says what is left where and the command that finishes
     * the rollback by hand.
     */
    public record GaveUp(Instant at, String message) {
    }

    @JsonCreator
    public PendingRollback {
        if (id == null || !id.matches("[A-Za-z0-9-]{1,80}")) {
            throw new IllegalArgumentException("not a pending rollback id: " + id);
        }
    }

    /** A rollback its step starts tracking: traffic is not safe yet. */
    public PendingRollback(String id, String kind, String job, int build, String recordId, String title,
                           String computer, ClusterRef cluster, String owner, Instant handedOverAt,
                           String endedBecause, JsonNode state) {
        this(id, kind, job, build, recordId, title, computer, cluster, owner, handedOverAt, endedBecause, state, null,
                null);
    }

    public PendingRollback withState(JsonNode next) {
        return new PendingRollback(id, kind, job, build, recordId, title, computer, cluster, owner, handedOverAt,
                endedBecause, next, scaleDown, gaveUp);
    }

    public PendingRollback handedOver(Instant at, String because) {
        return new PendingRollback(id, kind, job, build, recordId, title, computer, cluster, KEEPER, at, because,
                state, scaleDown, gaveUp);
    }

    public PendingRollback withScaleDown(ScaleDown next) {
        return new PendingRollback(id, kind, job, build, recordId, title, computer, cluster, owner, handedOverAt,
                endedBecause, state, next, gaveUp);
    }

    public PendingRollback givenUp(Instant at, String message) {
        return new PendingRollback(id, kind, job, build, recordId, title, computer, cluster, owner, handedOverAt,
                endedBecause, state, scaleDown, new GaveUp(at, message));
    }

    public boolean keeperOwned() {
        return KEEPER.equals(owner);
    }

    /** {@code shop/deploy #12} */
    public String buildName() {
        return job + " #" + build;
    }
}
