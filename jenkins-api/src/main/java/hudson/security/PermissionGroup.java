package hudson.security;

public final class PermissionGroup {
    private PermissionGroup() {
    }
}
