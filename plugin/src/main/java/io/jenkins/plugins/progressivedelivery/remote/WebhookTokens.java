package io.jenkins.plugins.progressivedelivery.remote;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bearer tokens of a plan's webhook hooks, by {@code credentialsId}, resolved on the controller and sent with the
 * hook call to where it runs. Secrets: never persisted (resolved again after a restart), never printed.
 */
public final class WebhookTokens implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final WebhookTokens NONE = new WebhookTokens(Map.of());

    private final TreeMap<String, String> tokens;

    public WebhookTokens(Map<String, String> tokens) {
        this.tokens = new TreeMap<>(tokens);
    }

    /** The token of {@code credentialsId}; null when it has none. */
    public String token(String credentialsId) {
        return tokens.get(credentialsId);
    }

    /**
     * Lets the hooks of the rollout whose cluster calls {@code cluster} makes send these tokens; a cluster not made
     * through this package calls its webhooks as it does.
     */
    public static void attach(Object cluster, WebhookTokens tokens) {
        if (cluster instanceof RemoteCluster remote) {
            remote.webhookTokens = tokens;
        }
    }

    @Override
    public String toString() {
        return "webhook tokens of " + tokens.keySet();
    }
}
