package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One rollout the demo shows, against the shared {@link DemoEnvironment}: the canaries ({@link CanaryScenario}),
 * then the blue-green switches ({@link BlueGreenScenario}), in the order of {@link DemoCommand#scenarios}.
 */
interface DemoScenario {

    /** For the console and the report, e.g. {@code Canary of web:2.0 (a good version)}. */
    String title();

    /** A short name for its files, e.g. {@code 01-canary-good}. */
    String fileName();

    /** The outcome it must end with, as the runner names it ({@code PROMOTED}, {@code ROLLED_BACK}). */
    String expectedOutcome();

    /**
     * What moving traffic cost, measured against the embedded API server, one line each ({@code rollback: traffic
     * back on stable in 1 VirtualService write, 12 ms after the decision to roll back}); empty when nothing moved.
     *
     * @param events the rollout's audit trail
     * @param writes the API server's writes while it ran
     */
    List<String> trafficFacts(List<AuditEvent> events, List<EmbeddedCluster.ApiWrite> writes);

    /** Starts the rollout; the future completes when it has ended. Its events go to {@code audit} as they happen. */
    Running start(DemoEnvironment environment, AuditListener audit);

    /** A started rollout. */
    interface Running {
        CompletableFuture<Outcome> completion();

        /** Stops it early (the demo ran out of time): it rolls back. */
        void abort(String reason);

        /** The rollout that ends with {@code completion} and is stopped by {@code abort} (given the reason). */
        static Running of(CompletableFuture<Outcome> completion, Consumer<String> abort) {
            return new Running() {
                @Override
                public CompletableFuture<Outcome> completion() {
                    return completion;
                }

                @Override
                public void abort(String reason) {
                    abort.accept(reason);
                }
            };
        }
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
