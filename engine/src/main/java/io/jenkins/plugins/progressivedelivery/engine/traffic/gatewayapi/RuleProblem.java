package io.jenkins.plugins.progressivedelivery.engine.traffic.gatewayapi;

import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;

/** A Gateway API route does not have the shape the plan needs; names the plan field and the fix. */
final class RuleProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ValidationError error;

    RuleProblem(String path, String message) {
        super(path + ": " + message);
        this.error = new ValidationError(path, message);
    }

    ValidationError error() {
        return error;
    }

    /** Found only after preflight (the route was edited since): not worth retrying. */
    ClusterException toClusterException(String doing) {
        return new ClusterException("cannot " + doing + ": " + getMessage(), false, this);
    }
}
