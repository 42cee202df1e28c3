package io.jenkins.plugins.progressivedelivery.credentials;

import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import io.jenkins.plugins.progressivedelivery.remote.WebhookTokens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/** A webhook hook's {@code credentialsId}: a Secret text credential, sent as its bearer token. */
public final class WebhookCredentials {
    private WebhookCredentials() {
    }

    /** Every webhook credential of the plan's hooks, looked up for the build before anything in the cluster changes. */
    public static WebhookTokens resolve(CredentialLookup lookup, Run<?, ?> run, HooksSpec hooks)
            throws AbortException {
        if (hooks == null) {
            return WebhookTokens.NONE;
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        for (HooksSpec.Phase phase : HooksSpec.Phase.values()) {
            for (HooksSpec.Hook hook : hooks.of(phase)) {
                String id = hook.webhook() == null ? null : hook.webhook().credentialsId();
                if (!ClusterCredentials.isBlank(id) && !tokens.containsKey(id)) {
                    StringCredentials token = (StringCredentials) Credentials.find(lookup, run,
                            "hooks." + phase.id() + "[" + hook.name() + "].webhook.credentialsId", id,
                            List.of(StringCredentials.class));
                    tokens.put(id, token.getSecret().getPlainText());
                }
            }
        }
        return tokens.isEmpty() ? WebhookTokens.NONE : new WebhookTokens(tokens);
    }
}
