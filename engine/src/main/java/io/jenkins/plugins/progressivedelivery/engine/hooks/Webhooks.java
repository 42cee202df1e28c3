package io.jenkins.plugins.progressivedelivery.engine.hooks;

import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PrometheusSpec;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Flagger-style webhooks over the JDK HttpClient: the event POSTed as JSON, any answer but 2xx blocks the phase.
 * TLS is verified against the JVM's trust store; redirects are not followed (a gate that moved should say so).
 */
public final class Webhooks {
    private final HttpClient http;

    public Webhooks() {
        this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build());
    }

    public Webhooks(HttpClient http) {
        this.http = http;
    }

    /**
     * @param bearerToken sent as {@code Authorization: Bearer}; null for none. Never logged
     */
    public void post(HooksSpec.Webhook webhook, HookEvent event, String bearerToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(webhook.url()))
                .timeout(webhook.effectiveTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EngineJson.write(event, "hook event"),
                        StandardCharsets.UTF_8));
        for (PrometheusSpec.Header header : webhook.headers()) {
            request.header(header.key(), header.value());
        }
        if (bearerToken != null && !bearerToken.isBlank()) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ClusterException("webhook " + webhook.url() + " could not be reached: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while calling webhook " + webhook.url(), true, e);
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body() == null ? "" : response.body().strip();
            throw new ClusterException("webhook " + webhook.url() + " answered " + response.statusCode()
                    + (body.isEmpty() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body)),
                    false, null);
        }
    }
}
