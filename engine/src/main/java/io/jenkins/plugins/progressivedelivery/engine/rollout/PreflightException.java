package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.util.List;
import java.util.stream.Collectors;

/** The plan does not fit the cluster; nothing was written. Lists every problem, each with its fix. */
public class PreflightException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<ValidationError> problems;

    public PreflightException(List<ValidationError> problems) {
        super("the plan does not match the cluster (nothing was changed):"
                + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining()));
        this.problems = List.copyOf(problems);
    }

    public List<ValidationError> problems() {
        return problems;
    }
}
