package io.jenkins.plugins.progressivedelivery.engine.rollout;

/** A running rollout of either strategy, as a person drives it from the CLI or the build page. */
public interface Rollout {

    /** Ends the current wait (a pause, the promotion gate); false when there is nothing to promote. */
    boolean promote(String actor);

    /** Aborts and restores production; false when the rollout has already ended or is already rolling back. */
    boolean abort(String actor, String reason);

    /** Where it is and what it waits for, in one line. */
    String statusLine();
}
