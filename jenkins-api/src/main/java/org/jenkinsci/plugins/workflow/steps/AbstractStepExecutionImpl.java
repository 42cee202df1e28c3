package org.jenkinsci.plugins.workflow.steps;

public abstract class AbstractStepExecutionImpl extends StepExecution {
    private static final long serialVersionUID = 1L;

    protected AbstractStepExecutionImpl() {
    }

    protected AbstractStepExecutionImpl(StepContext context) {
        super(context);
    }

    @Override
    public void onResume() {
    }
}
