package io.jenkins.plugins.progressivedelivery.engine.audit;

/** Receives every {@link AuditEvent} as it happens (the plugin prints it to the build log and stores it). */
@FunctionalInterface
public interface AuditListener {
    void onEvent(AuditEvent event);

    default AuditListener andThen(AuditListener next) {
        return event -> {
            onEvent(event);
            next.onEvent(event);
        };
    }
}
