package io.jenkins.plugins.progressivedelivery.engine.rollout;

import java.io.Serializable;

/**
 * A Deployment's rollout state.
 *
 * @param ready  observedGeneration caught up with generation and all desired replicas are updated and ready
 * @param status for the log, e.g. {@code 2/3 ready, 3/3 updated, generation 4 observed 4}
 */
public record Readiness(boolean ready, String status) implements Serializable {
    private static final long serialVersionUID = 1L;
}
