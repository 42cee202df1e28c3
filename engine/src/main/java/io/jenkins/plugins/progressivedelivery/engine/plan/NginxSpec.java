package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.Map;

/**
 * Traffic split by ingress-nginx: a canary Ingress, made by the engine from {@code stableIngress} with its paths to
 * {@code stableService} sent to {@code canaryService}, carries {@code nginx.ingress.kubernetes.io/canary: "true"}
 * and the weight; the stable Ingress is never modified. The canary Ingress is deleted when the rollout ends.
 *
 * @param additionalIngressAnnotations extra annotations for the canary Ingress (keys with or without the
 *                                     {@code nginx.ingress.kubernetes.io/} prefix), as Argo Rollouts' field
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NginxSpec(
        String stableIngress,
        String stableService,
        String canaryService,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> additionalIngressAnnotations) implements Serializable {

    private static final long serialVersionUID = 1L;

    public NginxSpec {
        additionalIngressAnnotations = additionalIngressAnnotations == null ? Map.of()
                : Map.copyOf(additionalIngressAnnotations);
    }

    /** The Ingress the engine creates and deletes: {@code <stableIngress>-canary}. */
    @JsonIgnore
    public String canaryIngress() {
        return stableIngress + "-canary";
    }
}
