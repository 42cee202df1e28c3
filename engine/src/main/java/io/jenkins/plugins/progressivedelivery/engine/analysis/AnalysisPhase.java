package io.jenkins.plugins.progressivedelivery.engine.analysis;

/**
 * The phase of a measurement, a metric or a whole analysis, as in Argo Rollouts. Ordered from best to worst for
 * the completed phases, so the verdict of several metrics is the worst of theirs.
 */
public enum AnalysisPhase {
    PENDING, RUNNING, SUCCESSFUL, INCONCLUSIVE, ERROR, FAILED;

    public boolean completed() {
        return this != PENDING && this != RUNNING;
    }

    /** Argo's order: Successful < Inconclusive < Error < Failed. */
    public boolean isWorseThan(AnalysisPhase other) {
        return ordinal() > other.ordinal();
    }

    /** {@code Successful}, {@code Failed}: how Argo and the log write it. */
    public String displayName() {
        return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
