package hudson.model;

import hudson.security.AccessControlled;
import hudson.security.Permission;

public interface Item extends AccessControlled {
    Permission CONFIGURE = new Permission(null, "Configure", null);
    Permission READ = new Permission(null, "Read", null);
    Permission EXTENDED_READ = new Permission(null, "ExtendedRead", null);
    Permission BUILD = new Permission(null, "Build", null);
    Permission CANCEL = new Permission(null, "Cancel", null);

    String getFullName();

    String getFullDisplayName();

    String getUrl();
}
