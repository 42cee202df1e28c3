package io.jenkins.plugins.progressivedelivery.engine.rollout;

import java.util.Objects;

/**
 * Why a runner goes on from a persisted state, as its {@code [start] ... resumed at ...} line says it: the process
 * running the rollout restarted, or the rollout was handed over to another owner while it was under way (a rollback
 * keeper taking it from a step that ended). An operator reading the log must be able to tell a crash from a
 * hand-over.
 *
 * @param text the reason as the log line gives it, e.g. {@code the process running the rollout restarted}
 */
public record ResumeReason(String text) {
    /** The process that ran the rollout (the CLI, the Jenkins controller, the agent) restarted. */
    public static final ResumeReason RESTART = new ResumeReason("the process running the rollout restarted");

    public ResumeReason {
        Objects.requireNonNull(text, "text");
    }

    /**
     * Another owner takes the rollout over from one that let it go, without any process restarting.
     *
     * @param to      who goes on with it, e.g. {@code the Jenkins rollback keeper}
     * @param because why the previous owner let it go, e.g. {@code the step ended while traffic was not yet safe}
     */
    public static ResumeReason handedOver(String to, String because) {
        return new ResumeReason("handed over to " + to + ": " + because);
    }
}
