package io.jenkins.plugins.progressivedelivery.engine.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One thing the engine did or observed, for the build log and the deploy record.
 *
 * @param time     when it happened (the injected clock)
 * @param actor    who caused it: {@code engine}, or the user who promoted or aborted
 * @param action   what kind of event
 * @param resource what it touched, as {@code kind/namespace/name} (plus a detail like {@code route primary})
 * @param before   the state before, if it changed something ({@code stable 95, canary 5})
 * @param after    the state after, or the outcome
 * @param reason   why, or the error
 * @param details  machine-readable extras (a measurement's metric, value, phase), in insertion order
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AuditEvent(
        Instant time,
        String actor,
        AuditAction action,
        String resource,
        String before,
        String after,
        String reason,
        Map<String, String> details) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String ENGINE = "engine";

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        actor = actor == null || actor.isBlank() ? ENGINE : actor;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A one-line, human-readable form for the build log and the CLI. */
    public String toLogLine() {
        StringBuilder line = new StringBuilder();
        line.append('[').append(action.id()).append(']');
        if (resource != null && !resource.isEmpty()) {
            line.append(' ').append(resource);
        }
        if (before != null && !before.isEmpty()) {
            line.append(": ").append(before).append(" -> ").append(after == null ? "" : after);
        } else if (after != null && !after.isEmpty()) {
            line.append(": ").append(after);
        }
        if (reason != null && !reason.isEmpty()) {
            line.append(" (").append(reason).append(')');
        }
        if (!ENGINE.equals(actor)) {
            line.append(" by ").append(actor);
        }
        return line.toString();
    }

    public static Builder at(Instant time, AuditAction action) {
        return new Builder(time, action);
    }

    /** Builds an event field by field; unset fields stay empty. */
    public static final class Builder {
        private final Instant time;
        private final AuditAction action;
        private String actor = ENGINE;
        private String resource;
        private String before;
        private String after;
        private String reason;
        private final Map<String, String> details = new LinkedHashMap<>();

        private Builder(Instant time, AuditAction action) {
            this.time = time;
            this.action = action;
        }

        public Builder actor(String value) {
            actor = value;
            return this;
        }

        public Builder resource(String value) {
            resource = value;
            return this;
        }

        public Builder change(String beforeValue, String afterValue) {
            before = beforeValue;
            after = afterValue;
            return this;
        }

        public Builder after(String value) {
            after = value;
            return this;
        }

        public Builder reason(String value) {
            reason = value;
            return this;
        }

        public Builder detail(String key, Object value) {
            if (value != null) {
                details.put(key, String.valueOf(value));
            }
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(time, actor, action, resource, before, after, reason, details);
        }
    }
}
