package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Run;
import hudson.security.Permission;

public abstract class CredentialsProvider extends Descriptor<CredentialsProvider>
        implements Describable<CredentialsProvider> {
    /** The real one: "Credentials/UseItem", implied by Item/Configure. */
    public static final Permission USE_ITEM = new Permission(null, "UseItem", null);

    public CredentialsProvider() {
    }

    public static <C extends IdCredentials> C findCredentialById(String id, Class<C> type, Run<?, ?> run,
                                                                 DomainRequirement... domainRequirements) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public static <C extends Credentials> java.util.List<C> lookupCredentialsInItem(Class<C> type,
            hudson.model.Item item, org.springframework.security.core.Authentication authentication) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public static <C extends Credentials> java.util.List<C> lookupCredentialsInItemGroup(Class<C> type,
            hudson.model.ItemGroup itemGroup, org.springframework.security.core.Authentication authentication) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
