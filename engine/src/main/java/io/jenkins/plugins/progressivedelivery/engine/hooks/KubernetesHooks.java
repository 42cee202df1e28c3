package io.jenkins.plugins.progressivedelivery.engine.hooks;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.kube.Jobs;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** {@link HookCluster} on a Kubernetes API server, with webhooks called from the same machine. */
public final class KubernetesHooks implements HookCluster {
    /** The label that names the hook's phase on its Job. */
    public static final String PHASE_LABEL = "progressive-delivery.jenkins.io/hook-phase";

    private final Jobs jobs;
    private final Webhooks webhooks;
    private final UnaryOperator<String> tokens;

    /**
     * @param tokens a webhook's {@code credentialsId} to its bearer token (null when there is none); the CLI reads
     *               the environment variable of that name
     */
    public KubernetesHooks(KubernetesClient client, String namespace, Webhooks webhooks, UnaryOperator<String> tokens) {
        this.jobs = new Jobs(client, namespace);
        this.webhooks = webhooks;
        this.tokens = tokens;
    }

    @Override
    public String startJob(String jobName, HooksSpec.Hook hook, HookEvent event) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PHASE_LABEL, event.phase());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PD_TARGET", event.target());
        env.put("PD_PHASE", event.phase());
        env.put("PD_VERDICT", event.verdict());
        env.put("PD_IMAGE", event.image());
        env.put("PD_HOOK", event.hook());
        return hook.cronJob() != null
                ? jobs.createFromCronJob(jobName, hook.cronJob(), labels, env, hook.effectiveDeadline())
                : jobs.create(jobName, hook.job(), labels, env, hook.effectiveDeadline());
    }

    @Override
    public Jobs.Progress jobProgress(String jobName, int linesSeen) {
        return jobs.progress(jobName, linesSeen);
    }

    @Override
    public void deleteJob(String jobName) {
        jobs.delete(jobName);
    }

    @Override
    public void callWebhook(HooksSpec.Hook hook, HookEvent event) {
        String credentialsId = hook.webhook().credentialsId();
        webhooks.post(hook.webhook(), event, credentialsId == null ? null : tokens.apply(credentialsId));
    }

    /**
     * The Job of a hook: {@code <deployment>-<phase>-<hook>-<hash>}, the hash of the image so that each release
     * gets its own Job while a resumed rollout finds the one it started; at most 63 characters (a label value).
     */
    public static String jobName(String deployment, HooksSpec.Phase phase, String hook, String image) {
        String hash = Integer.toHexString((image == null ? "" : image).hashCode() & 0x7fffffff);
        String phaseId = phase.id().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
        String head = deployment + "-" + phaseId + "-" + hook;
        int room = 63 - hash.length() - 1;
        if (head.length() > room) {
            head = head.substring(0, room).replaceAll("-+$", "");
        }
        return head + "-" + hash;
    }
}
