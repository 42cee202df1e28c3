package io.jenkins.plugins.progressivedelivery.actions;

import hudson.model.User;
import hudson.security.SecurityRealm;
import java.util.Collection;
import java.util.List;
import java.util.function.BiPredicate;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Who clicked Promote or Abort, as far as {@code approvers:} needs to know: the user id, their groups, whether they
 * administer Jenkins, and how the security realm compares ids and group names (case-insensitively for most realms).
 *
 * @param display       how the record names them: {@code Alice Smith (alice)}
 * @param administrator administrators may always decide, as with {@code input}
 */
public record Identity(String display, String id, Collection<String> groups, boolean administrator,
                       BiPredicate<String, String> sameUser, BiPredicate<String, String> sameGroup) {

    /** Someone known only by name, with no groups (the tests' people, and the record's actor). */
    public static Identity named(String name) {
        return new Identity(name, name, List.of(), false, String::equals, String::equals);
    }

    /** The person making the current request, as {@code input}'s submitter check sees them. */
    static Identity current() {
        Jenkins jenkins = Jenkins.get();
        Authentication authentication = Jenkins.getAuthentication2();
        User user = User.current();
        String display = user == null ? "anonymous" : user.getFullName() == null
                || user.getFullName().equals(user.getId()) ? user.getId() : user.getFullName() + " (" + user.getId()
                + ")";
        if (!jenkins.isUseSecurity()) {
            return new Identity(display, authentication.getName(), List.of(), true, String::equals, String::equals);
        }
        SecurityRealm realm = jenkins.getSecurityRealm();
        return new Identity(display, authentication.getName(),
                authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList(),
                jenkins.hasPermission(Jenkins.ADMINISTER), realm.getUserIdStrategy()::equals,
                realm.getGroupIdStrategy()::equals);
    }

    /**
     * Whether {@code approvers} (comma-separated user ids and group names, as {@code input}'s {@code submitter})
     * names this person or one of their groups; blank approvers allow everyone the permission check lets through.
     */
    public boolean isAmong(String approvers) {
        if (approvers == null || approvers.isBlank() || administrator) {
            return true;
        }
        for (String entry : approvers.split(",")) {
            String approver = entry.trim();
            if (approver.isEmpty()) {
                continue;
            }
            if (id != null && sameUser.test(id, approver)) {
                return true;
            }
            for (String group : groups) {
                if (sameGroup.test(group, approver)) {
                    return true;
                }
            }
        }
        return false;
    }
}
