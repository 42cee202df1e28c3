package io.jenkins.plugins.progressivedelivery.rollback;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A rollback that has not made traffic safe yet, as the keeper writes it under {@code JENKINS_HOME}: which build and
 * record it belongs to, how to reach the cluster (no secret), and the engine's state as the same JSON the CLI's
 * {@code --state} file holds ({@code RolloutState} or {@code BlueGreenState}).
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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PendingRollback(String id, String kind, String job, int build, String recordId, String title,
                              String computer, ClusterRef cluster, String owner, Instant handedOverAt,
                              String endedBecause, JsonNode state) {
    public static final String STEP = "step";
    public static final String KEEPER = "keeper";

    public PendingRollback {
        if (id == null || !id.matches("[A-Za-z0-9-]{1,80}")) {
            throw new IllegalArgumentException("not a pending rollback id: " + id);
        }
    }

    public PendingRollback withState(JsonNode next) {
        return new PendingRollback(id, kind, job, build, recordId, title, computer, cluster, owner, handedOverAt,
                endedBecause, next);
    }

    public PendingRollback handedOver(Instant at, String because) {
        return new PendingRollback(id, kind, job, build, recordId, title, computer, cluster, KEEPER, at, because,
                state);
    }

    public boolean keeperOwned() {
        return KEEPER.equals(owner);
    }

    /** {@code shop/deploy #12} */
    public String buildName() {
        return job + " #" + build;
    }
}
