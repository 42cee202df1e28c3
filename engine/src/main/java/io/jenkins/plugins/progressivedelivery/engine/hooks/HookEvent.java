package io.jenkins.plugins.progressivedelivery.engine.hooks;

import java.io.Serializable;
import java.time.Instant;

/**
 * What a webhook receives as JSON, and a Job as the environment variables {@code PD_TARGET}, {@code PD_PHASE},
 * {@code PD_VERDICT}, {@code PD_IMAGE} and {@code PD_HOOK}: which rollout, which phase, how it stands.
 *
 * @param target  {@code shop/checkout}: the namespace and the plan's deployment
 * @param phase   {@code preRollout}, {@code prePromotion}, {@code postPromotion} or {@code onRollback}
 * @param verdict {@code Progressing}, {@code Promoted}, {@code Rolled back}, ...
 * @param image   the image being delivered
 * @param hook    the hook's name
 */
public record HookEvent(String target, String phase, String verdict, String image, String hook, Instant time)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}
