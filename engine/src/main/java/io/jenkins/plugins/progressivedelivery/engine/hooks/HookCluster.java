package io.jenkins.plugins.progressivedelivery.engine.hooks;

import io.jenkins.plugins.progressivedelivery.engine.kube.Jobs;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;

/**
 * What running hooks does outside the engine: blocking calls, each made on the runner's I/O executor (and in
 * Jenkins where the step runs); the runner polls a Job on its scheduler, it never waits inside a call.
 */
public interface HookCluster {

    /** Creates the hook's Job as {@code jobName} (or adopts it, after a restart) and returns its name. */
    String startJob(String jobName, HooksSpec.Hook hook, HookEvent event);

    Jobs.Progress jobProgress(String jobName, int linesSeen);

    void deleteJob(String jobName);

    /**
     * POSTs the event to the hook's webhook.
     *
     * @throws io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException non-transient for an answer
     *         that is not 2xx, transient when the endpoint could not be reached
     */
    void callWebhook(HooksSpec.Hook hook, HookEvent event);
}
