package io.jenkins.plugins.progressivedelivery.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import hudson.AbortException;
import hudson.model.Run;
import java.util.List;
import java.util.stream.Collectors;

/** Looks a credential up and checks its kind, failing with a message that names the parameter and the fix. */
final class Credentials {
    private Credentials() {
    }

    /**
     * @param parameter the step parameter that named the credential, for the message
     * @param kinds     the acceptable kinds, first match wins
     */
    static IdCredentials find(CredentialLookup lookup, Run<?, ?> run, String parameter, String id,
                              List<Class<? extends IdCredentials>> kinds) throws AbortException {
        String acceptable = kinds.stream().map(Credentials::kindName).collect(Collectors.joining(" or "));
        IdCredentials found = lookup.find(id, run);
        if (found == null) {
            throw new AbortException(parameter + ": no credential with id '" + id + "' is visible to "
                    + (run == null ? "the job" : run.getFullDisplayName()) + "; add a " + acceptable + " credential with that id to the folder"
                    + " of the job or to the global store, or fix the id");
        }
        for (Class<? extends IdCredentials> kind : kinds) {
            if (kind.isInstance(found)) {
                return found;
            }
        }
        throw new AbortException(parameter + ": the credential '" + id + "' is a " + describe(found)
                + ", but a " + acceptable + " is needed here");
    }

    static String kindName(Class<?> kind) {
        switch (kind.getSimpleName()) {
            case "StringCredentials":
                return "'Secret text'";
            case "FileCredentials":
                return "'Secret file' (a kubeconfig)";
            case "StandardUsernamePasswordCredentials":
                return "'Username with password'";
            default:
                return kind.getSimpleName();
        }
    }

    private static String describe(IdCredentials credential) {
        for (Class<?> kind : KNOWN_KINDS) {
            if (kind.isInstance(credential)) {
                return kindName(kind) + " credential";
            }
        }
        return credential.getClass().getSimpleName();
    }

    private static final List<Class<?>> KNOWN_KINDS = List.of(
            org.jenkinsci.plugins.plaincredentials.StringCredentials.class,
            org.jenkinsci.plugins.plaincredentials.FileCredentials.class,
            com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials.class);
}
