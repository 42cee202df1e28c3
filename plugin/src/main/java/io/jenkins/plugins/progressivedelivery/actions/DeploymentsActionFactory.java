package io.jenkins.plugins.progressivedelivery.actions;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import java.util.Collection;
import java.util.List;
import jenkins.model.TransientActionFactory;

/**
 * Adds the Deployments page to jobs that rolled something out in one of their last builds (a job that never did
 * gets no link). Computed when the page is shown; nothing is stored.
 */
@Extension
public final class DeploymentsActionFactory extends TransientActionFactory<Job> {
    /** How far back a job is looked at for a rollout before it gets the link. */
    static final int RECENT = 10;

    @Override
    public Class<Job> type() {
        return Job.class;
    }

    @Override
    public Class<? extends Action> actionType() {
        return DeploymentsAction.class;
    }

    @Override
    public Collection<? extends Action> createFor(Job target) {
        int read = 0;
        for (Run<?, ?> run = target.getLastBuild(); run != null && read < RECENT; run = run.getPreviousBuild()) {
            read++;
            for (DeliveryAction record : run.getActions(DeliveryAction.class)) {
                if (!"analysisGate".equals(record.getKind())) {
                    return List.of(new DeploymentsAction((Job<?, ?>) target));
                }
            }
        }
        return List.of();
    }
}
