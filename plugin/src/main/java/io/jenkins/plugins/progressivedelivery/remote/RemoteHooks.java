package io.jenkins.plugins.progressivedelivery.remote;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.hooks.HookCluster;
import io.jenkins.plugins.progressivedelivery.engine.hooks.HookEvent;
import io.jenkins.plugins.progressivedelivery.engine.hooks.KubernetesHooks;
import io.jenkins.plugins.progressivedelivery.engine.hooks.Webhooks;
import io.jenkins.plugins.progressivedelivery.engine.kube.Jobs;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import java.io.Serializable;

/**
 * The engine's {@link HookCluster}, each call made {@link Where} the step runs: the hooks' Jobs are created and
 * polled, and webhooks called, from the agent of the enclosing {@code node {}} (or the controller).
 */
public final class RemoteHooks extends RemoteCluster implements HookCluster {
    private final String namespace;

    /** @param namespace the plan's; null for the credential's own */
    public RemoteHooks(Where where, ClusterAccess access, String namespace) {
        super(where, access);
        this.namespace = namespace;
    }

    @Override
    public String startJob(String jobName, HooksSpec.Hook hook, HookEvent event) {
        return (String) call(new Call(namespace, Kind.START, jobName, hook, event, 0, WebhookTokens.NONE));
    }

    @Override
    public Jobs.Progress jobProgress(String jobName, int linesSeen) {
        return (Jobs.Progress) call(new Call(namespace, Kind.PROGRESS, jobName, null, null, linesSeen, WebhookTokens.NONE));
    }

    @Override
    public void deleteJob(String jobName) {
        call(new Call(namespace, Kind.DELETE, jobName, null, null, 0, WebhookTokens.NONE));
    }

    @Override
    public void callWebhook(HooksSpec.Hook hook, HookEvent event) {
        call(new Call(namespace, Kind.WEBHOOK, null, hook, event, 0, webhookTokens));
    }

    private enum Kind { START, PROGRESS, DELETE, WEBHOOK }

    private record Call(String namespace, Kind kind, String jobName, HooksSpec.Hook hook, HookEvent event,
                        int linesSeen, WebhookTokens tokens) implements ClusterOperation.Call {
        private static final long serialVersionUID = 1L;

        @Override
        public Serializable on(KubernetesClient client) {
            String ns = namespace != null && !namespace.isBlank() ? namespace
                    : client.getNamespace() != null ? client.getNamespace() : "default";
            // tokens resolved from Jenkins credentials on the controller; only the WEBHOOK call carries any
            KubernetesHooks hooks = new KubernetesHooks(client, ns, new Webhooks(), tokens::token);
            return switch (kind) {
                case START -> hooks.startJob(jobName, hook, event);
                case PROGRESS -> hooks.jobProgress(jobName, linesSeen);
                case DELETE -> {
                    hooks.deleteJob(jobName);
                    yield Boolean.TRUE;
                }
                case WEBHOOK -> {
                    hooks.callWebhook(hook, event);
                    yield Boolean.TRUE;
                }
            };
        }
    }
}
