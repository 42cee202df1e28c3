package io.jenkins.plugins.progressivedelivery.rollback;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Computer;
import hudson.model.Job;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.jenkins.plugins.progressivedelivery.TimerScheduler;
import io.jenkins.plugins.progressivedelivery.credentials.ClusterCredentials;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialLookup;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.RemoteBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.remote.RemoteCanaryCluster;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * The controller's one {@link RollbackKeeper}: pending rollbacks in {@code $JENKINS_HOME/progressive-delivery/
 * pending-rollbacks/}, timers on {@code jenkins.util.Timer}, blocking work on a small pool of its own, credentials
 * looked up with the credentials plugin for the build (or, once the build is deleted, in the job), calls made from
 * the agent the step ran on while it is connected, else from the controller when a Jenkins credential names the
 * cluster (a {@code KUBECONFIG} file or the agent's service account exists only there: then it waits for the agent).
 */
@Extension
public final class JenkinsRollbackKeeper extends RollbackKeeper {
    private static final Logger LOGGER = Logger.getLogger(JenkinsRollbackKeeper.class.getName());

    public JenkinsRollbackKeeper() {
        super(new JenkinsHost());
    }

    public static RollbackKeeper get() {
        return ExtensionList.lookupSingleton(JenkinsRollbackKeeper.class);
    }

    /**
     * The live status of the rollback of that build's record while it is pending ({@code ROLLING BACK — retrying
     * (attempt N, ...)}), whether its step or the keeper drives it; null otherwise, or outside Jenkins.
     */
    public static String statusOf(String job, int build, String recordId) {
        return Jenkins.getInstanceOrNull() == null ? null : get().status(job, build, recordId);
    }

    /**
     * Resumes the pending rollbacks once Jenkins has loaded its jobs ({@code PeriodicWork}s are scheduled after
     * {@code JOB_CONFIG_ADAPTED}), then looks again every 5 minutes: a step of a build that was still running after
     * the restart resumes itself, and when that build ends without it the keeper takes its rollback over.
     */
    @Extension
    public static final class Resumer extends AsyncPeriodicWork {
        public Resumer() {
            super("progressive-delivery pending rollbacks");
        }

        @Override
        public long getRecurrencePeriod() {
            return 5 * MIN;
        }

        @Override
        public long getInitialDelay() {
            return 0;
        }

        @Override
        protected void execute(TaskListener listener) {
            get().resumeAll();
        }
    }

    private static final class JenkinsHost implements Host {
        private final Scheduler scheduler = new TimerScheduler();
        private final Executor io = pool();
        private volatile RollbackStore store;

        private static Executor pool() {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                    new NamingThreadFactory(new DaemonThreadFactory(), "progressive-delivery rollback keeper"));
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }

        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public Executor io() {
            return io;
        }

        @Override
        public RollbackStore store() {
            RollbackStore current = store;
            if (current == null) {
                Path home = Jenkins.get().getRootDir().toPath();
                current = new RollbackStore(home.resolve("progressive-delivery").resolve("pending-rollbacks"));
                store = current;
            }
            return current;
        }

        private static Job<?, ?> job(String fullName) {
            try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
                return Jenkins.get().getItemByFullName(fullName, Job.class);
            }
        }

        @Override
        public Run<?, ?> run(String job, int build) {
            Job<?, ?> found = job(job);
            try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
                return found == null ? null : found.getBuildByNumber(build);
            }
        }

        @Override
        public boolean building(Run<?, ?> run) {
            return run.isBuilding();
        }

        @Override
        public ClusterAccess access(PendingRollback pending, Run<?, ?> run) throws IOException {
            ClusterRef cluster = pending.cluster();
            EnvVars env = new EnvVars();
            if (cluster.kubeconfig() != null) {
                env.put("KUBECONFIG", cluster.kubeconfig());
            }
            CredentialLookup lookup = CredentialLookup.JENKINS;
            if (run == null && cluster.jenkinsCredential()) {
                Job<?, ?> job = job(pending.job());
                if (job == null) {
                    throw new AbortException("the job " + pending.job() + " was deleted: its credential '"
                            + cluster.credentialsId() + "' cannot be looked up any more");
                }
                // the build is gone: the credentials the job itself can see, as its builds saw them
                lookup = (id, ignored) -> CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItem(
                        IdCredentials.class, job, ACL.SYSTEM2), CredentialsMatchers.withId(id));
            }
            return ClusterCredentials.resolve(lookup, run, env, cluster.credentialsId(), cluster.serverUrl(),
                    cluster.caCertificate(), cluster.context());
        }

        @Override
        public Where where(PendingRollback pending) {
            String computer = pending.computer();
            if (computer == null) {
                return Where.controller();
            }
            if (pending.cluster().jenkinsCredential() && !connected(computer)) {
                return Where.controller();
            }
            return Where.onComputer(computer);
        }

        private static boolean connected(String computer) {
            Computer found = Jenkins.get().getComputer(computer);
            return found != null && found.getChannel() != null;
        }

        @Override
        public CanaryCluster canary(Where where, ClusterAccess access, CanaryPlan plan) {
            return new RemoteCanaryCluster(where, access, plan);
        }

        @Override
        public BlueGreenCluster blueGreen(Where where, ClusterAccess access, BlueGreenPlan plan) {
            return new RemoteBlueGreenCluster(where, access, plan);
        }

        @Override
        public void systemLog(String line) {
            LOGGER.log(Level.INFO, line);
        }

        /** Asks every running build's program (loading them if need be) which pending rollbacks its steps have. */
        @Override
        public java.util.Set<String> liveSteps() {
            java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try {
                StepExecution.acceptAll(StepExecution.class, execution -> {
                    if (execution instanceof KeepingStep keeping && keeping.pendingRollbackId() != null) {
                        ids.add(keeping.pendingRollbackId());
                    }
                }).get(1, TimeUnit.MINUTES);
                return ids;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOGGER.log(Level.FINE, "the running builds' steps are not known yet", e);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
