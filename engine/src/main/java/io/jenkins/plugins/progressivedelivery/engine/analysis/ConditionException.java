package io.jenkins.plugins.progressivedelivery.engine.analysis;

/**
 * A condition could not be evaluated against a measurement: an index out of range, a function applied to the
 * wrong kind of result, a result that is not a boolean. Argo Rollouts makes such a measurement an Error.
 */
public class ConditionException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConditionException(String message) {
        super(message);
    }

    public ConditionException(String message, Throwable cause) {
        super(message, cause);
    }
}
