package io.jenkins.plugins.progressivedelivery.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.progressivedelivery.engine.plan.EngineJson;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenState;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What {@code run --state FILE} keeps between invocations: the runner's snapshot, so that after a crash (SIGKILL, a
 * lost machine) {@code run --resume --state FILE} continues the rollout, or rolls it back, from where it was.
 * Exactly one of the two is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RunState(RolloutState canary, BlueGreenState blueGreen) {

    boolean completed() {
        return canary != null ? canary.phase().completed() : blueGreen.phase().completed();
    }

    /** {@code canary at step 2/3, canary weight 20 (pause)}, for messages. */
    String describe() {
        if (canary != null) {
            return "canary of " + canary.plan().image() + " at step " + (canary.stepIndex() + 1) + "/"
                    + canary.plan().steps().size() + ", canary weight " + canary.canaryWeight() + " ("
                    + canary.stage().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
        }
        return "blue-green switch to " + blueGreen.plan().image() + " ("
                + blueGreen.stage().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + (blueGreen.activeColour() == null ? "" : ", production on " + blueGreen.activeColour()) + ")";
    }

    static RunState read(Path file) {
        try {
            return EngineJson.read(Files.readString(file, StandardCharsets.UTF_8), RunState.class, "run state");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the file in one rename, so that a crash leaves the old state or the new one, never half of one. */
    void write(Path file) {
        try {
            Path absolute = file.toAbsolutePath();
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
            Path temp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
            Files.writeString(temp, EngineJson.write(this, "run state"), StandardCharsets.UTF_8);
            try {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state file " + file + ": " + e.getMessage(), e);
        }
    }
}
