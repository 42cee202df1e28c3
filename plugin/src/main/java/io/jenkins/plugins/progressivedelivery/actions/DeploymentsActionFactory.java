package io.jenkins.plugins.progressivedelivery.actions;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import java.util.Collection;
import java.util.List;
import jenkins.model.TransientActionFactory;

/**
 * Adds the Deployments page to jobs that rolled something out in one of their last builds (a job that never did
 * gets no link). Asked whenever a job's actions are listed (every job page, many API calls), so it answers from the
 * builds {@link ProductionIndex} already read, reading only the builds since the job was last looked at; nothing is
 * stored.
 */
@Extension
public final class DeploymentsActionFactory extends TransientActionFactory<Job> {
    /** How far back a job is looked at for a rollout before it gets the link. */
    static final int RECENT = 10;

    private final ProductionIndex index;

    public DeploymentsActionFactory() {
        this(ProductionIndex.INSTANCE);
    }

    DeploymentsActionFactory(ProductionIndex index) {
        this.index = index;
    }

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
        Job<?, ?> job = (Job<?, ?>) target;
        return index.rolledOutRecently(job, RECENT) ? List.of(new DeploymentsAction(job)) : List.of();
    }
}
