package io.jenkins.plugins.progressivedelivery.cli;

import io.jenkins.plugins.progressivedelivery.engine.plan.DeliveryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.InvalidPlanException;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.plan.ValidationError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a plan file for a command, printing what is wrong with it. */
final class PlanFiles {
    /** The exit code for a plan that cannot be read or is invalid. */
    static final int INVALID = 2;

    private PlanFiles() {
    }

    /**
     * The plan (canary, or blue-green when it names a {@code previewService}), or empty after printing every problem
     * (with its field path) to {@code err}.
     */
    static Optional<DeliveryPlan> load(Path file, PrintWriter err) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("cannot read " + file + ": there is no such file");
            err.flush();
            return Optional.empty();
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            err.flush();
            return Optional.empty();
        }
        try {
            return Optional.of(PlanLoader.load(text, file.getFileName().toString()));
        } catch (InvalidPlanException e) {
            print(file, e, err);
            return Optional.empty();
        }
    }

    /** Every problem of an invalid plan, one per line with its field path. */
    static void print(Path file, InvalidPlanException e, PrintWriter err) {
        err.println(file + " is invalid (" + e.errors().size()
                + (e.errors().size() == 1 ? " problem" : " problems") + "):");
        for (ValidationError error : e.errors()) {
            err.println("  " + error);
        }
        err.flush();
    }
}
