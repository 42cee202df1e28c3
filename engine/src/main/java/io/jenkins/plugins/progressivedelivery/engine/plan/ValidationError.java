package io.jenkins.plugins.progressivedelivery.engine.plan;

import java.io.Serializable;

/**
 * One problem with a plan: where it is ({@code steps[3].setWeight}) and what is wrong and how to fix it
 * ({@code 140 is not in 0..100; use a percentage of traffic for the canary}).
 */
public record ValidationError(String path, String message) implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String toString() {
        return path == null || path.isEmpty() ? message : path + ": " + message;
    }
}
