package hudson.security;

import org.springframework.security.core.Authentication;

public abstract class ACL {
    /** The real one is the SYSTEM user's authentication token. */
    public static final Authentication SYSTEM2 = null;

    public ACL() {
    }

    public static ACLContext as2(Authentication auth) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
