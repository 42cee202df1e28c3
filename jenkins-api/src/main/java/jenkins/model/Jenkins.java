package jenkins.model;

import hudson.model.AbstractCIBase;
import hudson.security.AccessControlled;
import hudson.security.Permission;
import hudson.security.SecurityRealm;
import org.springframework.security.core.Authentication;

public class Jenkins extends AbstractCIBase implements AccessControlled {
    public static final Permission ADMINISTER = new Permission(null, "Administer", null);

    private Jenkins() {
    }

    public static Jenkins get() throws IllegalStateException {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    /** Outside Jenkins there is none: code that can run without it (tests) sees null. */
    public static Jenkins getInstanceOrNull() {
        return null;
    }

    public static Authentication getAuthentication2() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public java.io.File getRootDir() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public <T extends hudson.model.Item> T getItemByFullName(String fullName, Class<T> type)
            throws org.springframework.security.access.AccessDeniedException {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public hudson.model.Computer getComputer(String name) {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public boolean isUseSecurity() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public SecurityRealm getSecurityRealm() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    @Override
    public String getFullName() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    @Override
    public String getDisplayName() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
