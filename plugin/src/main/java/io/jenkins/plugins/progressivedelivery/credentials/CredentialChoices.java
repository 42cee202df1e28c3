package io.jenkins.plugins.progressivedelivery.credentials;

import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import java.util.Arrays;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The credential drop-downs of the Snippet Generator and of Manage Jenkins » System. Lists ids only to someone who may
 * configure the job or use its credentials (an administrator outside a job), as the credentials plugin asks; everyone
 * else sees only the value already there. In a job the list is what the person looking may use (their own
 * authentication), never what the system could see; at the global level (administrators only) it is the global
 * store. The web methods calling this are {@code @POST}.
 */
public final class CredentialChoices {
    private CredentialChoices() {
    }

    public static ListBoxModel kubernetes(Item item, String current) {
        return choices(item, current, FileCredentials.class, StringCredentials.class);
    }

    public static ListBoxModel prometheus(Item item, String current) {
        return choices(item, current, StringCredentials.class, StandardUsernamePasswordCredentials.class);
    }

    private static ListBoxModel choices(Item item, String current, Class<?>... kinds) {
        StandardListBoxModel result = new StandardListBoxModel();
        boolean allowed = item == null ? Jenkins.get().hasPermission(Jenkins.ADMINISTER)
                : item.hasPermission(Item.EXTENDED_READ) || item.hasPermission(CredentialsProvider.USE_ITEM);
        if (!allowed) {
            return result.includeCurrentValue(current);
        }
        CredentialsMatcher[] matchers = Arrays.stream(kinds).map(CredentialsMatchers::instanceOf)
                .toArray(CredentialsMatcher[]::new);
        return result.includeEmptyValue()
                .includeMatchingAs(item == null ? ACL.SYSTEM2 : Jenkins.getAuthentication2(), item,
                        StandardCredentials.class, List.of(),
                        CredentialsMatchers.anyOf(matchers))
                .includeCurrentValue(current);
    }
}
