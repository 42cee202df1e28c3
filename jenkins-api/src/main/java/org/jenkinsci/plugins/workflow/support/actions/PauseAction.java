package org.jenkinsci.plugins.workflow.support.actions;

import hudson.model.InvisibleAction;
import java.io.IOException;
import org.jenkinsci.plugins.workflow.actions.PersistentAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;

public class PauseAction extends InvisibleAction implements PersistentAction {
    public PauseAction(String cause) {
    }

    public static boolean isPaused(FlowNode node) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public static void endCurrentPause(FlowNode node) throws IOException {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
