package io.jenkins.plugins.progressivedelivery;

import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialLookup;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.JobAccess;
import io.jenkins.plugins.progressivedelivery.remote.PrometheusAccess;
import io.jenkins.plugins.progressivedelivery.remote.RemoteBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.remote.RemoteCanaryCluster;
import io.jenkins.plugins.progressivedelivery.remote.RemoteMeasurementSource;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import io.jenkins.plugins.progressivedelivery.rollback.JenkinsRollbackKeeper;
import io.jenkins.plugins.progressivedelivery.rollback.RollbackKeeper;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What a step execution runs on: timers, the I/O executor, the credential store, and how it reaches the cluster and
 * Prometheus. In Jenkins: {@code jenkins.util.Timer}, one shared cached pool for blocking calls, the credentials
 * plugin, and calls made where the step runs. Tests pass a {@code ManualScheduler}, a direct executor and fakes.
 */
final class StepRuntime {
    final Scheduler scheduler;
    final java.util.concurrent.Executor io;
    final CredentialLookup credentials;
    final CanaryClusterFactory canaryClusters;
    final BlueGreenClusterFactory blueGreenClusters;
    final MetricsFactory metrics;

    /** Who carries on a rollback once the step has ended before traffic was safe; null: nobody (most tests). */
    volatile RollbackKeeper keeper;
    /** Whether a step can still finish its rollback itself. */
    volatile StepLiveness liveness = StepLiveness.ALWAYS;

    StepRuntime(Scheduler scheduler, java.util.concurrent.Executor io, CredentialLookup credentials,
                CanaryClusterFactory canaryClusters, BlueGreenClusterFactory blueGreenClusters,
                MetricsFactory metrics) {
        this.scheduler = scheduler;
        this.io = io;
        this.credentials = credentials;
        this.canaryClusters = canaryClusters;
        this.blueGreenClusters = blueGreenClusters;
        this.metrics = metrics;
    }

    static StepRuntime jenkins() {
        return new StepRuntime(new TimerScheduler(), IoPool.EXECUTOR, CredentialLookup.JENKINS,
                RemoteCanaryCluster::new, RemoteBlueGreenCluster::new, RemoteMeasurementSource::new)
                .withKeeper(JenkinsRollbackKeeper.get(),
                        StepLiveness.JENKINS);
    }

    /** This runtime, with {@code keeper} carrying on rollbacks of steps that {@code liveness} finds ended. */
    StepRuntime withKeeper(RollbackKeeper rollbackKeeper,
                           StepLiveness stepLiveness) {
        this.keeper = rollbackKeeper;
        this.liveness = stepLiveness;
        return this;
    }

    /**
     * Whether a step's execution can still end its rollback itself. Pipeline does not tell a step that its context was
     * completed from outside ({@code timeout} does that a minute after it fired), nor that the build was hard-killed:
     * both are read from the step's node and the build.
     */
    @FunctionalInterface
    interface StepLiveness {
        StepLiveness ALWAYS = (context, run) -> null;

        StepLiveness JENKINS = (context, run) -> {
            if (run != null && !run.isBuilding()) {
                return "the build has ended (killed, or finished without this step)";
            }
            try {
                org.jenkinsci.plugins.workflow.graph.FlowNode node =
                        context.get(org.jenkinsci.plugins.workflow.graph.FlowNode.class);
                if (node != null && !node.isActive()) {
                    return "the step was ended from outside it (timeout's grace period passed, or the build was"
                            + " terminated)";
                }
            } catch (java.io.IOException e) {
                return "the step's context is gone (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };

        /** Why the step can no longer end its rollback; null while it can. */
        String endedBecause(org.jenkinsci.plugins.workflow.steps.StepContext context, hudson.model.Run<?, ?> run);
    }

    @FunctionalInterface
    interface CanaryClusterFactory {
        CanaryCluster create(Where where, ClusterAccess access, CanaryPlan plan);
    }

    @FunctionalInterface
    interface BlueGreenClusterFactory {
        BlueGreenCluster create(Where where, ClusterAccess access, BlueGreenPlan plan);
    }

    @FunctionalInterface
    interface MetricsFactory {
        /** @param jobs where {@code job} metrics run (the rollout's cluster session); null when the step has none */
        MeasurementSource create(Where where, PrometheusAccess access, JobAccess jobs);
    }

    /**
     * Blocking Kubernetes calls, agent round trips and checkpoints run here, never on {@code Timer}'s few threads or
     * the CPS VM thread; queries on the controller do not (they are asynchronous, on the engine's metrics pool).
     * Bounded: at most {@link #IO_THREADS} threads, created on demand and ended after a minute idle; more work waits
     * in the queue instead of adding threads.
     */
    static final int IO_THREADS = 32;

    private static final class IoPool {
        static final ExecutorService EXECUTOR = boundedPool();

        private static ExecutorService boundedPool() {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 1, TimeUnit.MINUTES,
                    new LinkedBlockingQueue<>(),
                    new NamingThreadFactory(new DaemonThreadFactory(), "progressive-delivery I/O"));
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }
}
