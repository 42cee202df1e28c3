package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One rollout the demo shows, against the shared {@link DemoEnvironment}. The canary scenarios are the first;
 * a blue-green switch is another implementation of this, added to {@link DemoCommand#scenarios}.
 */
interface DemoScenario {

    /** For the console and the report, e.g. {@code Canary of web:2.0 (a good version)}. */
    String title();

    /** A short name for its files, e.g. {@code 01-canary-good}. */
    String fileName();

    /** The outcome it must end with, as the runner names it ({@code PROMOTED}, {@code ROLLED_BACK}). */
    String expectedOutcome();

    /** Starts the rollout; the future completes when it has ended. Its events go to {@code audit} as they happen. */
    Running start(DemoEnvironment environment, AuditListener audit);

    /** A started rollout. */
    interface Running {
        CompletableFuture<Outcome> completion();

        /** Stops it early (the demo ran out of time): it rolls back. */
        void abort(String reason);
    }

    /**
     * How it ended.
     *
     * @param outcome  as the runner says ({@code PROMOTED})
     * @param message  the runner's explanation
     * @param problems what is not as it should be afterwards (traffic, images, replicas), empty when all is well
     */
    record Outcome(String outcome, String message, List<String> problems) {
        public Outcome {
            problems = List.copyOf(problems);
        }
    }
}
