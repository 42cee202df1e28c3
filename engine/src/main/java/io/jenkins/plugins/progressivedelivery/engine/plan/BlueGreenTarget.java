package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * What a blue-green switch deploys: the new {@code image} for {@code container}, in the Deployments
 * {@code <deployment>-blue} and {@code <deployment>-green} of {@code namespace}.
 *
 * @param deployment the name both colours' Deployments start with
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlueGreenTarget(String namespace, String deployment, String container, String image)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The Deployment of {@code colour}: {@code payments-blue}. */
    public String deployment(Colour colour) {
        return deployment + "-" + colour.id();
    }
}
