package hudson.security;

import hudson.ExtensionPoint;
import hudson.model.Describable;
import jenkins.model.IdStrategy;

public abstract class SecurityRealm implements Describable<SecurityRealm>, ExtensionPoint {
    public SecurityRealm() {
    }

    public IdStrategy getUserIdStrategy() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    public IdStrategy getGroupIdStrategy() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
