package hudson.model;

import hudson.ExtensionPoint;
import hudson.security.Permission;

public abstract class ManagementLink implements ExtensionPoint, Action {
    public ManagementLink() {
    }

    @Override
    public abstract String getIconFileName();

    public String getDescription() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }

    @Override
    public abstract String getUrlName();

    public Permission getRequiredPermission() {
        throw new UnsupportedOperationException("declaration only: Jenkins provides the real class");
    }
}
