package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Who wrote an object last, from its {@code metadata.managedFields}, for a message about a change we did not make. */
public final class FieldManagers {
    private FieldManagers() {
    }

    /** {@code by kubectl-edit (Update at 2026-12-04T12:00:03Z)}, or {@code by an unknown writer} when the API says nothing. */
    public static String lastWriter(HasMetadata object) {
        List<ManagedFieldsEntry> entries = object == null || object.getMetadata() == null ? null
                : object.getMetadata().getManagedFields();
        if (entries == null || entries.isEmpty()) {
            return "by an unknown writer (the API server recorded no managedFields)";
        }
        ManagedFieldsEntry last = entries.stream().filter(e -> e.getManager() != null)
                .max(Comparator.comparing(e -> Objects.toString(e.getTime(), ""))).orElse(null);
        if (last == null) {
            return "by an unknown writer";
        }
        return "by " + last.getManager() + " (" + Objects.toString(last.getOperation(), "write")
                + (last.getTime() == null ? "" : " at " + last.getTime()) + ")";
    }
}
