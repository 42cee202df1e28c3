package org.jenkinsci.plugins.workflow.graph;

import hudson.model.Actionable;

public abstract class FlowNode extends Actionable {
    private FlowNode() {
    }

    public final boolean isActive() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
