package io.jenkins.plugins.progressivedelivery.engine.plan;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown before anything in the cluster is touched, listing every problem found in a plan at once. */
public class InvalidPlanException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<ValidationError> errors;

    public InvalidPlanException(String what, List<ValidationError> errors) {
        super(what + " is invalid:" + errors.stream().map(e -> "\n  - " + e).collect(Collectors.joining()));
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }
}
