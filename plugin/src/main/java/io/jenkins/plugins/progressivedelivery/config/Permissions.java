package io.jenkins.plugins.progressivedelivery.config;

import hudson.security.AccessControlled;
import java.util.function.Supplier;
import jenkins.model.Jenkins;

/** The permission every web method of the global configuration checks first: Overall/Administer. */
final class Permissions {
    /** Jenkins itself; a seam for tests, which check that each method asks before it answers. */
    static Supplier<AccessControlled> root = Jenkins::get;

    private Permissions() {
    }

    static void checkAdminister() {
        root.get().checkPermission(Jenkins.ADMINISTER);
    }
}
