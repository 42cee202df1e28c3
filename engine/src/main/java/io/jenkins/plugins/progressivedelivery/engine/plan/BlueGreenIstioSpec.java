package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * Production traffic of a blue-green deployment routed by one HTTP route of an Istio VirtualService, all of it to
 * one colour (weights 100 and 0); the switch moves it to the other in one write. The route's two destinations are
 * <ul>
 *   <li><b>host split</b>: the Services {@code blueService} and {@code greenService}, each selecting its colour's
 *       pods; or</li>
 *   <li><b>subset split</b>: the subsets {@code blueSubset} and {@code greenSubset} (default {@code blue} and
 *       {@code green}) of one host, defined by the DestinationRule {@code destinationRule}, whose labels select
 *       each colour's pods (e.g. {@code slot: blue}). The engine reads the DestinationRule, it does not change
 *       it.</li>
 * </ul>
 *
 * @param route the name of the HTTP route to switch; may be omitted when the VirtualService has exactly one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlueGreenIstioSpec(
        String virtualService,
        String route,
        String blueService,
        String greenService,
        String destinationRule,
        String blueSubset,
        String greenSubset) implements Serializable {

    private static final long serialVersionUID = 1L;

    @JsonIgnore
    public boolean isSubsetSplit() {
        return destinationRule != null || blueSubset != null || greenSubset != null;
    }

    /** The Service that is the route's destination for {@code colour}, in a host split. */
    public String service(Colour colour) {
        return colour == Colour.BLUE ? blueService : greenService;
    }

    /** The subset of {@code colour}, in a subset split: as given, or the colour's name. */
    public String subset(Colour colour) {
        String subset = colour == Colour.BLUE ? blueSubset : greenSubset;
        return subset == null ? colour.id() : subset;
    }
}
