package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * A Kubernetes Job run for each measurement, as Argo Rollouts' {@code provider.job}: the measurement is Successful
 * when the Job completes, Failed when it fails.
 *
 * @param metadata labels and annotations for the Job
 * @param spec     a {@code batch/v1} JobSpec, exactly as in a Job manifest
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(JsonNode metadata, JsonNode spec) implements Serializable {
    private static final long serialVersionUID = 1L;
}
