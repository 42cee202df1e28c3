package io.jenkins.plugins.progressivedelivery.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.Serializable;

/**
 * A Kubernetes Job run for each measurement, as Argo Rollouts' {@code provider.job}: the measurement is Successful
 * when the Job completes, Failed when it fails.
 *
 * @param metadata labels and annotations for the Job, as JSON text
 * @param spec     a {@code batch/v1} JobSpec, exactly as in a Job manifest, as JSON text ({@link JsonText})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(
        @JsonSerialize(using = JsonText.Writer.class) @JsonDeserialize(using = JsonText.Reader.class) String metadata,
        @JsonSerialize(using = JsonText.Writer.class) @JsonDeserialize(using = JsonText.Reader.class) String spec) implements Serializable {
    private static final long serialVersionUID = 1L;
}
