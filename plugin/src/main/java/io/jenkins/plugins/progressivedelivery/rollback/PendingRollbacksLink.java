package io.jenkins.plugins.progressivedelivery.rollback;

import hudson.Extension;
import hudson.model.ManagementLink;
import hudson.security.Permission;
import java.util.List;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Manage Jenkins » Pending rollbacks: every rollback that has not made traffic safe yet, whether its step or the
 * keeper drives it, with its status and the file it is kept in; an administrator may cancel one the keeper drives.
 * The keeper's delayed scale-downs after traffic is safe are listed too, and a rollback the keeper gave up stays, as
 * failed, until an administrator dismisses it (the same POST).
 */
@Extension
public final class PendingRollbacksLink extends ManagementLink {
    @Override
    public String getIconFileName() {
        return "/plugin/progressive-delivery/images/progressive-delivery.svg";
    }

    @Override
    public String getDisplayName() {
        return "Pending rollbacks";
    }

    @Override
    public String getDescription() {
        return "Rollbacks of canaryRollout and blueGreenSwitch that keep retrying until traffic is safe, also after"
                + " their build has ended";
    }

    @Override
    public String getUrlName() {
        return "progressive-delivery-rollbacks";
    }

    @Override
    public Permission getRequiredPermission() {
        return Jenkins.ADMINISTER;
    }

    public List<PendingRollback> getPending() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return JenkinsRollbackKeeper.get().pending();
    }

    public String statusOf(PendingRollback pending) {
        String status = JenkinsRollbackKeeper.get().status(pending.job(), pending.build(), pending.recordId());
        return status == null ? "" : status;
    }

    public String fileOf(PendingRollback pending) {
        return JenkinsRollbackKeeper.get().file(pending.id());
    }

    /** Gives up a rollback the keeper drives, or dismisses one it gave up; Overall/Administer, POST only. */
    @POST
    public HttpResponse doCancel(@QueryParameter String id) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        JenkinsRollbackKeeper.get().cancel(id, Jenkins.getAuthentication2().getName());
        return HttpResponses.redirectTo(".");
    }
}
