package io.jenkins.plugins.progressivedelivery.credentials;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import hudson.model.Run;

/** Finds a credential by id for a build; the seam between the lookup rules below and Jenkins' credential store. */
@FunctionalInterface
public interface CredentialLookup {

    /** Credentials visible to {@code run} (its folder's and the global ones; also tracks their use). */
    CredentialLookup JENKINS = (id, run) -> CredentialsProvider.findCredentialById(id, IdCredentials.class, run);

    /** @return the credential, or null when there is none with that id for this build */
    IdCredentials find(String id, Run<?, ?> run);
}
