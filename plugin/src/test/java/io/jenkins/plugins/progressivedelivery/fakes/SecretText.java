package io.jenkins.plugins.progressivedelivery.fakes;

import hudson.util.Secret;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/** A <em>Secret text</em> credential, as the plain-credentials plugin stores one. */
public record SecretText(String getId, String secret) implements StringCredentials {
    @Override
    public Secret getSecret() {
        return Secret.fromString(secret);
    }

    @Override
    public String getDescription() {
        return "";
    }
}
