package io.jenkins.plugins.progressivedelivery.cli.report;

import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditTrail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Writes audit trails (JSON) and reports (HTML), creating the directories they go in. */
public final class ReportFiles {
    private ReportFiles() {
    }

    public static Path writeAuditJson(Path file, List<AuditEvent> events) {
        return write(file, AuditTrail.toJson(events) + "\n");
    }

    public static Path writeHtml(Path file, String title, String intro, List<HtmlReport.Section> sections,
                                 Instant generatedAt) {
        return write(file, HtmlReport.render(title, intro, sections, generatedAt));
    }

    private static Path write(Path file, String content) {
        try {
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            return Files.writeString(absolute, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
