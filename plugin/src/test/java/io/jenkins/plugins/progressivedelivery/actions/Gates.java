package io.jenkins.plugins.progressivedelivery.actions;

import org.kohsuke.stapler.HttpResponse;

/** The Promote / Abort web methods minus {@code User.current()}, which only a running Jenkins answers. */
public final class Gates {
    private Gates() {
    }

    public static HttpResponse promote(DeliveryAction action, String user) {
        return action.promote(user);
    }

    public static HttpResponse abort(DeliveryAction action, String user) {
        return action.abort(user);
    }
}
