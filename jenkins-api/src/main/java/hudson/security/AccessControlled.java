package hudson.security;

import org.springframework.security.access.AccessDeniedException;

public interface AccessControlled {
    default void checkPermission(Permission p) throws AccessDeniedException {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    default boolean hasPermission(Permission p) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
