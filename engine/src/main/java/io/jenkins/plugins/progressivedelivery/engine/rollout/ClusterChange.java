package io.jenkins.plugins.progressivedelivery.engine.rollout;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import java.io.Serializable;

/**
 * One write the cluster accepted, for the audit trail.
 *
 * @param action    {@link AuditAction#WEIGHT}, {@link AuditAction#SCALE} or {@link AuditAction#ROUTE}
 * @param resource  {@code kind/namespace/name}, plus a detail such as {@code route primary}
 * @param before    the state before ({@code stable 95, canary 5}; {@code replicas 1})
 * @param after     the state after
 * @param conflicts how many 409 Conflicts were re-read and retried before the write went through
 * @param note      anything the user should know ({@code replica ratio approximates 5% as 1 of 4 pods = 25%})
 */
public record ClusterChange(AuditAction action, String resource, String before, String after, int conflicts,
                            String note) implements Serializable {
    private static final long serialVersionUID = 1L;
}
