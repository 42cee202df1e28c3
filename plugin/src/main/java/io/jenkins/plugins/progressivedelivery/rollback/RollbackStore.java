package io.jenkins.plugins.progressivedelivery.rollback;

import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JSON file per pending rollback in a directory ({@code $JENKINS_HOME/progressive-delivery/pending-rollbacks}).
 * Written atomically (a temporary file in the same directory, then a rename), so a crash leaves the old file or the
 * new one, never half of one. Plain JSON of strings, numbers and the engine's state: nothing is deserialised as Java
 * objects, so JEP-200's class filter has nothing to judge, and there is no secret to protect beyond what the build
 * record already shows.
 */
public final class RollbackStore {
    private static final Logger LOGGER = Logger.getLogger(RollbackStore.class.getName());
    private static final String SUFFIX = ".json";

    private final Path directory;

    public RollbackStore(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    public Path file(String id) {
        return directory.resolve(id + SUFFIX);
    }

    public synchronized void save(PendingRollback pending) throws IOException {
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, pending.id() + ".", ".tmp");
        try {
            Files.writeString(temporary, EngineJson.write(pending, "pending rollback"), StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file(pending.id()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file(pending.id()), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    public synchronized void remove(String id) throws IOException {
        Files.deleteIfExists(file(id));
    }

    public synchronized PendingRollback read(String id) throws IOException {
        try {
            return EngineJson.read(Files.readString(file(id), StandardCharsets.UTF_8), PendingRollback.class,
                    "pending rollback");
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Every pending rollback on disk; a file that cannot be read is logged and left where it is. */
    public synchronized List<PendingRollback> all() {
        List<PendingRollback> found = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    found.add(EngineJson.read(Files.readString(file, StandardCharsets.UTF_8), PendingRollback.class,
                            "pending rollback"));
                } catch (IOException | RuntimeException e) {
                    LOGGER.log(Level.WARNING, "cannot read the pending rollback " + file + "; it is left there", e);
                }
            }
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "cannot list the pending rollbacks in " + directory, e);
        }
        return found;
    }
}
