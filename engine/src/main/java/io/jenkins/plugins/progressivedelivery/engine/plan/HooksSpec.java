package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What runs around a rollout, phase by phase (see {@code docs/hooks.md}); the hooks of a phase run one after the
 * other and each must succeed for the rollout to go on.
 *
 * @param preRollout    before the new version gets any traffic: the <em>expand</em> phase of a migration. A failure
 *                      ends the rollout before anything is routed
 * @param prePromotion  before the new version becomes stable (canary) or takes production traffic (blue-green); a
 *                      failure rolls back
 * @param postPromotion after the old version is gone and no rollback can bring it back: the <em>contract</em>
 *                      phase. A failure fails the step; traffic stays on the new version
 * @param onRollback    after a rollback moved traffic back; a failure is reported, the rollback stands
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record HooksSpec(List<Hook> preRollout, List<Hook> prePromotion, List<Hook> postPromotion,
                        List<Hook> onRollback) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final HooksSpec NONE = new HooksSpec(null, null, null, null);

    public HooksSpec {
        preRollout = preRollout == null ? List.of() : List.copyOf(preRollout);
        prePromotion = prePromotion == null ? List.of() : List.copyOf(prePromotion);
        postPromotion = postPromotion == null ? List.of() : List.copyOf(postPromotion);
        onRollback = onRollback == null ? List.of() : List.copyOf(onRollback);
    }

    /** The hooks of {@code phase}, in order. */
    public List<Hook> of(Phase phase) {
        return switch (phase) {
            case PRE_ROLLOUT -> preRollout;
            case PRE_PROMOTION -> prePromotion;
            case POST_PROMOTION -> postPromotion;
            case ON_ROLLBACK -> onRollback;
        };
    }

    @JsonIgnore
    public boolean isEmpty() {
        return preRollout.isEmpty() && prePromotion.isEmpty() && postPromotion.isEmpty() && onRollback.isEmpty();
    }

    /** When a hook runs. */
    public enum Phase {
        PRE_ROLLOUT("preRollout"), PRE_PROMOTION("prePromotion"), POST_PROMOTION("postPromotion"),
        ON_ROLLBACK("onRollback");

        private final String id;

        Phase(String id) {
            this.id = id;
        }

        /** As the plan names it: {@code preRollout}. */
        public String id() {
            return id;
        }
    }

    /**
     * One hook: a Kubernetes Job ({@code job}: a batch/v1 Job manifest, or just its {@code spec}), the job template
     * of an existing CronJob ({@code cronJob}: its name), or an HTTP webhook ({@code webhook}). Exactly one of the
     * three.
     *
     * @param deadline how long the hook may take (default 10m); a Job still running then is deleted and the hook has
     *                 failed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hook(String name, Map<String, Object> job, String cronJob, Webhook webhook, Duration deadline)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(10);

        public Hook {
            job = job == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(job));
        }

        public Duration effectiveDeadline() {
            return deadline == null ? DEFAULT_DEADLINE : deadline;
        }
    }

    /**
     * An HTTP POST of the rollout's event as JSON; any answer but 2xx blocks, as Flagger's webhooks do. TLS is
     * verified with the JVM's trust store.
     *
     * @param timeout        per request (default 30s)
     * @param credentialsId  in Jenkins, a Secret text credential sent as {@code Authorization: Bearer}; the CLI
     *                       reads the token from the environment variable of that name
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Webhook(String url, Duration timeout, List<PrometheusSpec.Header> headers, String credentialsId)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        public Webhook {
            headers = headers == null ? List.of() : List.copyOf(headers);
        }

        public Duration effectiveTimeout() {
            return timeout == null ? DEFAULT_TIMEOUT : timeout;
        }
    }
}
