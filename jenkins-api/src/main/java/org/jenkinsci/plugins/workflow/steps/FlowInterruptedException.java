package org.jenkinsci.plugins.workflow.steps;

import hudson.model.Result;
import java.util.Arrays;
import java.util.List;
import jenkins.model.CauseOfInterruption;

/** How Pipeline stops a step: the abort button, {@code timeout}, a build interrupted for a reason. */
public final class FlowInterruptedException extends InterruptedException {
    private static final long serialVersionUID = 1L;

    private final Result result;
    private final List<CauseOfInterruption> causes;

    public FlowInterruptedException(Result result, CauseOfInterruption... causes) {
        this.result = result;
        this.causes = Arrays.asList(causes);
    }

    public Result getResult() {
        return result;
    }

    public List<CauseOfInterruption> getCauses() {
        return causes;
    }
}
