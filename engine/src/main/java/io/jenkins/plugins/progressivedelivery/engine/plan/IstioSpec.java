package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * Traffic split by an Istio VirtualService, in one of two ways:
 * <ul>
 *   <li><b>host split</b>: the route's destinations are the hosts {@code stableService} and {@code canaryService};</li>
 *   <li><b>subset split</b>: the route's destinations are one host with the subsets {@code stableSubset} and
 *       {@code canarySubset} (default {@code stable} and {@code canary}) of the DestinationRule
 *       {@code destinationRule}, whose label selectors the engine keeps pointing at the stable and canary pods.</li>
 * </ul>
 *
 * @param route the name of the HTTP route to manage; may be omitted when the VirtualService has exactly one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IstioSpec(
        String virtualService,
        String route,
        String stableService,
        String canaryService,
        String destinationRule,
        String stableSubset,
        String canarySubset) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_STABLE_SUBSET = "stable";
    public static final String DEFAULT_CANARY_SUBSET = "canary";

    public IstioSpec {
        if (destinationRule != null) {
            stableSubset = stableSubset == null ? DEFAULT_STABLE_SUBSET : stableSubset;
            canarySubset = canarySubset == null ? DEFAULT_CANARY_SUBSET : canarySubset;
        }
    }

    @JsonIgnore
    public boolean isSubsetSplit() {
        return destinationRule != null;
    }
}
