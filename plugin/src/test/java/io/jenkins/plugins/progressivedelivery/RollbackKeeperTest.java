package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.EnvVars;
import hudson.model.Result;
import hudson.model.Run;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.credentials.ClusterCredentials;
import io.jenkins.plugins.progressivedelivery.credentials.CredentialLookup;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.schedule.ManualScheduler;
import io.jenkins.plugins.progressivedelivery.engine.schedule.Scheduler;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.fakes.FakeBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.QueueExecutor;
import io.jenkins.plugins.progressivedelivery.fakes.SecretText;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import io.jenkins.plugins.progressivedelivery.rollback.PendingRollback;
import io.jenkins.plugins.progressivedelivery.rollback.RollbackKeeper;
import io.jenkins.plugins.progressivedelivery.rollback.RollbackStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollback whose step ends before traffic is safe ({@code timeout}'s grace period, a hard kill, a deleted build):
 * the rollback keeper carries it on from the engine's state, persists it without secrets, resumes it after a
 * controller restart (its delayed scale-down too), writes how it ended into the build's record, fails a build still
 * running when {@code rollbackTimeout} ends it, and removes it once the canary is scaled down (a given-up one once
 * dismissed).
 */
class RollbackKeeperTest {
    private static final String TOKEN = "kube-token-do-not-print-7f3a";

    @TempDir
    Path home;

    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    private final FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
    private final FakeCluster cluster = new FakeCluster("web:2.0");
    private final AtomicReference<String> token = new AtomicReference<>(TOKEN);
    private final CredentialLookup credentials = (id, r) -> id.equals("kube") ? new SecretText("kube", token.get())
            : null;
    private final Harness harness = new Harness(cluster, (metric, at) -> MetricValue.vector(List.of(0.999)),
            credentials);
    /** What Pipeline would tell: why the step can no longer finish its rollback (null while it can). */
    private final AtomicReference<String> ended = new AtomicReference<>();
    private final TestHost host = new TestHost(harness.scheduler, harness.io, run, cluster, null);
    private final RollbackKeeper keeper = new RollbackKeeper(host);

    {
        harness.runtime.withKeeper(keeper, (c, r) -> ended.get());
    }

    /** The canary's pods stay this long after traffic is safe: the window a restart can fall into. */
    private String abortScaleDownDelay;

    private CanaryRolloutStep step(String rollbackTimeout) {
        CanaryRolloutStep step = new CanaryRolloutStep();
        step.setAbortScaleDownDelay(abortScaleDownDelay);
        step.setNamespace("demo");
        step.setDeployment("web");
        step.setContainer("web");
        step.setImage("web:2.0");
        step.setVirtualService("web");
        step.setRoute("primary");
        step.setStableService("web-stable");
        step.setCanaryService("web-canary");
        step.setCredentialsId("kube");
        step.setServerUrl("https://api.example.com:6443");
        step.setRollbackTimeout(rollbackTimeout);
        step.setSteps(Structs.instantiate(CanaryRolloutStep.class,
                Map.of("steps", List.of(Map.of("setWeight", 50), Map.of("pause", "1h")))).getSteps());
        return step;
    }

    /** At 50 %, the route's PUTs start failing, and the pipeline stops the step: the rollback retries. */
    private CanaryRolloutStep.Execution retryingRollback(String rollbackTimeout, int failingPuts) throws Exception {
        CanaryRolloutStep.Execution execution = new CanaryRolloutStep.Execution(step(rollbackTimeout), context,
                harness.runtime);
        execution.start();
        harness.settle();
        assertThat(cluster.weight()).isEqualTo(50);
        cluster.failWeights(failingPuts, true);
        execution.stop(new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("ci")));
        harness.advance(Duration.ofSeconds(3));
        assertThat(record().getStatus()).startsWith("ROLLING BACK \u2014 retrying (attempt 3, API unreachable since");
        return execution;
    }

    /** Pipeline's {@code timeout}, its grace period over, completes the step's context from outside. */
    private void timeoutEndsTheStep() {
        context.onFailure(new FlowInterruptedException(Result.ABORTED));
        ended.set("the step was ended from outside it (timeout's grace period passed)");
    }

    private DeliveryAction record() {
        return run.getAction(DeliveryAction.class);
    }

    private List<PendingRollback> onDisk() {
        return host.store().all();
    }

    @Test
    void aTimeoutThatEndsTheStepWhileTheRoutePutKeepsFailingLeavesTheRollbackToTheKeeperWhichMovesTrafficBack()
            throws Exception {
        retryingRollback(null, 10);
        assertThat(onDisk()).singleElement().satisfies(p -> {
            assertThat(p.owner()).as("the step still drives it").isEqualTo(PendingRollback.STEP);
            assertThat(p.job()).isEqualTo("demo");
            assertThat(p.build()).isEqualTo(1);
        });
        assertThat(keeper.status("demo", 1, record().getId())).startsWith("ROLLING BACK \u2014 retrying");

        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        assertThat(onDisk()).singleElement().satisfies(p -> {
            assertThat(p.owner()).isEqualTo(PendingRollback.KEEPER);
            assertThat(p.endedBecause()).contains("timeout's grace period passed");
        });
        assertThat(log.text()).contains("this step has ended before traffic was safe")
                .contains("the Jenkins rollback keeper continues the rollback from attempt 5 on, calls from the"
                        + " controller with credential 'kube' for https://api.example.com:6443");
        assertThat(cluster.weight()).as("the route still refuses the PUT").isEqualTo(50);
        assertThat(record().getStatus()).startsWith("ROLLING BACK \u2014 retrying (attempt");
        assertThat(log.text()).as("the engine's resume line says it was a hand-over, not a restart")
                .contains("resumed at")
                .contains("(handed over to the Jenkins rollback keeper: the step was ended from outside it"
                        + " (timeout's grace period passed), before traffic was safe)")
                .doesNotContain("the process running the rollout restarted");

        harness.advance(Duration.ofMinutes(5));
        assertThat(cluster.weight()).as("stable 100, canary 0").isZero();
        assertThat(onDisk()).as("removed once traffic is safe and the canary scaled down").isEmpty();
        assertThat(keeper.pending()).isEmpty();
        assertThat(context.completions()).as("only timeout ended the step; the keeper never touched it")
                .isEqualTo(1);
        assertThat(host.credentialLookups).as("the credential is looked up again for the keeper's attempts")
                .isGreaterThanOrEqualTo(5);
        String text = log.text();
        assertThat(text).contains("rollback attempt 10 failed");
        assertThat(text).contains("[rollback] " + FakeCluster.ROUTE + ": stable 50, canary 50 -> stable 100, canary 0");
        String[] lines = text.trim().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("[progressive-delivery] Aborted: ")
                .contains("(finished by the Jenkins rollback keeper: the step had ended before traffic was safe,"
                        + " the step was ended from outside it (timeout's grace period passed))");
        assertThat(record().getVerdict()).isEqualTo("Aborted");
        assertThat(cluster.canaryReplicas()).as("and the canary scaled down after abortScaleDownDelay").isZero();
    }

    @Test
    void aControllerRestartAfterTheHandOverResumesTheRollbackFromThePersistedFile() throws Exception {
        retryingRollback(null, 10);
        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        assertThat(onDisk()).singleElement().satisfies(p -> assertThat(p.owner()).isEqualTo(PendingRollback.KEEPER));
        int attemptsBefore = cluster.calls().size();

        // the controller goes away (its timers with it) and comes back a minute later: a new keeper reads the files
        ManualScheduler clock = new ManualScheduler(harness.scheduler.now().plus(Duration.ofMinutes(1)));
        QueueExecutor io = new QueueExecutor();
        TestHost restartedHost = new TestHost(clock, io, run, cluster, null);
        RollbackKeeper restarted = new RollbackKeeper(restartedHost);
        restarted.resumeAll();
        settle(clock, io, Duration.ofMinutes(5));

        assertThat(cluster.calls().size()).isGreaterThan(attemptsBefore);
        assertThat(cluster.weight()).isZero();
        assertThat(restartedHost.store().all()).isEmpty();
        assertThat(restarted.pending()).isEmpty();
        assertThat(String.join("\n", restartedHost.systemLog))
                .as("the build's log is gone with the old JVM: the Jenkins log has the lines")
                .contains("demo #1 (demo/web: web:2.0): resumed by the Jenkins rollback keeper after a controller"
                        + " restart")
                .contains("(the process running the rollout restarted)")
                .contains("rollback attempt 10 failed")
                .contains("finished by the Jenkins rollback keeper");
        assertThat(record().getVerdict()).isEqualTo("Aborted");
    }

    @Test
    void aBuildKilledAndAControllerRestartedBeforeTheKeeperNoticedStillGetsItsRollbackFinished() throws Exception {
        retryingRollback(null, 10);
        run.finish(); // doKill: the build ends without the step, and the controller restarts before the next watch

        ManualScheduler clock = new ManualScheduler(harness.scheduler.now().plus(Duration.ofSeconds(5)));
        QueueExecutor io = new QueueExecutor();
        TestHost restartedHost = new TestHost(clock, io, run, cluster, null);
        RollbackKeeper restarted = new RollbackKeeper(restartedHost);
        restarted.resumeAll();
        assertThat(restartedHost.store().all()).singleElement().satisfies(p -> {
            assertThat(p.owner()).isEqualTo(PendingRollback.KEEPER);
            assertThat(p.endedBecause()).isEqualTo("the build ended before the rollback");
        });
        settle(clock, io, Duration.ofMinutes(5));
        assertThat(cluster.weight()).isZero();
        assertThat(restartedHost.store().all()).isEmpty();
    }

    @Test
    void aStepThatResumesWithItsBuildAfterARestartTakesItsRollbackBackAndTheKeeperLeavesItAlone() throws Exception {
        CanaryRolloutStep.Execution execution = retryingRollback(null, 10);
        byte[] programState = CanaryRolloutStepTest.serialise(execution);

        Harness restarted = new Harness(harness.scheduler.now().plus(Duration.ofSeconds(30)), cluster,
                (metric, at) -> MetricValue.vector(List.of(0.999)), credentials);
        TestHost restartedHost = new TestHost(restarted.scheduler, restarted.io, run, cluster, null);
        RollbackKeeper restartedKeeper = new RollbackKeeper(restartedHost);
        restarted.runtime.withKeeper(restartedKeeper, (c, r) -> null);
        int calls = cluster.calls().size();
        restartedKeeper.resumeAll();
        restarted.advance(Duration.ofMinutes(1));
        assertThat(restartedKeeper.pending()).as("the build runs: its step resumes it").isEmpty();
        assertThat(cluster.calls()).as("the keeper made no call").hasSize(calls);

        CanaryRolloutStep.Execution restored = (CanaryRolloutStep.Execution) CanaryRolloutStepTest.deserialise(
                programState);
        restored.resume(restarted.runtime);
        restarted.advance(Duration.ofMinutes(5));
        assertThat(cluster.weight()).isZero();
        assertThat(restartedHost.store().all()).isEmpty();
        assertThat(context.completions()).isEqualTo(1);
        assertThat(context.failure()).isInstanceOf(FlowInterruptedException.class);
        assertThat(log.text()).doesNotContain("rollback keeper continues");
    }

    @Test
    void aTokenRotatedWhileTheKeeperRetriesIsUsedFromTheNextAttemptOn() throws Exception {
        retryingRollback(null, 10);
        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        token.set("rotated-token-51c2");
        harness.advance(Duration.ofMinutes(1));
        assertThat(log.text()).contains("the cluster credential or where the calls run changed; the rollback goes on"
                + " with credential 'kube' for https://api.example.com:6443 from the controller");
        harness.advance(Duration.ofMinutes(5));
        assertThat(cluster.weight()).isZero();
        assertThat(onDisk()).isEmpty();
        assertThat(log.text()).doesNotContain("rotated-token-51c2");
    }

    @Test
    void aStepEndedByTimeoutJustBeforeARestartWhileItsBuildRunsOnIsTakenOverOnceNoRunningStepHasIt()
            throws Exception {
        retryingRollback(null, 10);
        timeoutEndsTheStep(); // ... and the controller restarts before the keeper's next look: the file says "step"
        assertThat(onDisk()).singleElement().satisfies(p -> assertThat(p.owner()).isEqualTo(PendingRollback.STEP));

        ManualScheduler clock = new ManualScheduler(harness.scheduler.now().plus(Duration.ofSeconds(30)));
        QueueExecutor io = new QueueExecutor();
        TestHost restartedHost = new TestHost(clock, io, run, cluster, null);
        RollbackKeeper restarted = new RollbackKeeper(restartedHost);
        restarted.resumeAll();
        assertThat(restarted.pending()).as("not known yet whether a running step has it: wait").isEmpty();

        restartedHost.liveSteps = java.util.Set.of(); // the programs are loaded; no step has this rollback
        restarted.resumeAll();
        assertThat(restartedHost.store().all()).singleElement().satisfies(p -> {
            assertThat(p.owner()).isEqualTo(PendingRollback.KEEPER);
            assertThat(p.endedBecause()).startsWith("the step is no longer part of its running build");
        });
        settle(clock, io, Duration.ofMinutes(5));
        assertThat(cluster.weight()).isZero();
        assertThat(restartedHost.store().all()).isEmpty();
        assertThat(String.join("\n", restartedHost.systemLog)).contains("finished by the Jenkins rollback keeper");
    }

    @Test
    void thePersistedFileHoldsCredentialIdsAndTheEngineStateButNoSecret() throws Exception {
        retryingRollback(null, 10);
        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        List<Path> files;
        try (var listing = Files.list(host.store().directory())) {
            files = listing.toList();
        }
        assertThat(files).singleElement();
        String json = Files.readString(files.get(0), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain(TOKEN);
        assertThat(json).contains("\"credentialsId\":\"kube\"").contains("\"serverUrl\":\"https://api.example.com:6443\"")
                .contains("\"stage\":\"ROLLBACK_TRAFFIC\"").contains("\"owner\":\"keeper\"");
        assertThat(json).as("while traffic is unsafe the file has the format of before the scale-down and give-up"
                + " fields (which files written then lack)").doesNotContain("scaleDown").doesNotContain("gaveUp");
        assertThat(log.text()).doesNotContain(TOKEN);
    }

    @Test
    void aRollbackTheStepFinishesItselfIsRemovedFromTheKeeperOnceTheCanaryIsScaledDown() throws Exception {
        retryingRollback(null, 3);
        assertThat(onDisk()).hasSize(1);
        harness.advance(Duration.ofSeconds(10));
        assertThat(cluster.weight()).isZero();
        assertThat(cluster.canaryReplicas()).as("abortScaleDownDelay (30s) is not over").isEqualTo(1);
        assertThat(onDisk()).as("traffic is safe; the scale-down is still due").singleElement().satisfies(p -> {
            assertThat(p.owner()).isEqualTo(PendingRollback.STEP);
            assertThat(p.scaleDown().resource()).isEqualTo("deployment/demo/web-canary");
        });
        harness.advance(Duration.ofMinutes(1));
        assertThat(cluster.canaryReplicas()).isZero();
        assertThat(onDisk()).as("nothing pending").isEmpty();
        assertThat(keeper.pending()).isEmpty();
        assertThat(context.completions()).isEqualTo(1);
        assertThat(context.failure()).isInstanceOf(FlowInterruptedException.class);
        assertThat(log.text()).doesNotContain("rollback keeper");
    }

    /** At 50 %, the pipeline stops the step: its rollback makes traffic safe at once, the canary waits for its delay. */
    private CanaryRolloutStep.Execution rollbackWaitingForTheScaleDown() throws Exception {
        abortScaleDownDelay = "10m";
        CanaryRolloutStep.Execution execution = new CanaryRolloutStep.Execution(step(null), context, harness.runtime);
        execution.start();
        harness.settle();
        assertThat(cluster.weight()).isEqualTo(50);
        execution.stop(new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("ci")));
        harness.advance(Duration.ofSeconds(1));
        assertThat(cluster.weight()).as("the step made traffic safe").isZero();
        assertThat(cluster.canaryReplicas()).as("the canary waits for abortScaleDownDelay").isEqualTo(1);
        return execution;
    }

    @Test
    void aStepEndedDuringTheScaleDownDelayAfterItMadeTrafficSafeLeavesTheScaleDownToTheKeeper() throws Exception {
        rollbackWaitingForTheScaleDown();
        PendingRollback.ScaleDown tracked = onDisk().get(0).scaleDown();
        assertThat(onDisk()).as("the step's scale-down is on disk while the step waits for it").singleElement()
                .satisfies(p -> {
                    assertThat(p.owner()).isEqualTo(PendingRollback.STEP);
                    assertThat(p.scaleDown().resource()).isEqualTo("deployment/demo/web-canary");
                    assertThat(p.scaleDown().madeSafeByStep()).isTrue();
                    assertThat(p.scaleDown().dueAt()).isEqualTo(p.scaleDown().trafficSafeAt()
                            .plus(Duration.ofMinutes(10)));
                });
        Instant due = tracked.dueAt();
        harness.advance(Duration.ofMinutes(2));
        assertThat(onDisk()).as("the step runs: the keeper has not taken over").singleElement()
                .satisfies(p -> assertThat(p.owner()).isEqualTo(PendingRollback.STEP));

        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        assertThat(onDisk()).singleElement().satisfies(p -> {
            assertThat(p.owner()).isEqualTo(PendingRollback.KEEPER);
            assertThat(p.endedBecause()).contains("timeout's grace period passed");
            assertThat(p.scaleDown()).as("when traffic became safe and the due time are the step's").isEqualTo(tracked);
        });
        String handOver = "this step has ended after traffic was safe (the step was ended from outside it (timeout's"
                + " grace period passed)): the delayed scale-down of deployment/demo/web-canary, due at " + due
                + ", is handed over to the Jenkins rollback keeper";
        String takeOver = "the Jenkins rollback keeper takes over the delayed scale-down: traffic is already safe,"
                + " deployment/demo/web-canary is scaled down at " + due + " (kept in "
                + host.store().file(onDisk().get(0).id()) + ": a controller restart before"
                + " then still scales it down), calls from the controller with credential 'kube' for"
                + " https://api.example.com:6443";
        assertThat(log.text()).contains("[progressive-delivery] " + handOver).contains("[progressive-delivery] "
                        + takeOver)
                .contains("(handed over to the Jenkins rollback keeper: the step was ended from outside it (timeout's"
                        + " grace period passed), after traffic was safe, before the delayed scale-down)")
                .doesNotContain("before traffic was safe");

        harness.advance(Duration.between(harness.scheduler.now(), due).minusSeconds(1));
        assertThat(cluster.canaryReplicas()).as("not before its time").isEqualTo(1);
        harness.advance(Duration.ofSeconds(2));
        assertThat(cluster.canaryReplicas()).as("the keeper scaled the canary down").isZero();
        assertThat(cluster.weight()).isZero();
        assertThat(onDisk()).isEmpty();
        assertThat(keeper.pending()).isEmpty();
        assertThat(context.completions()).as("only timeout ended the step").isEqualTo(1);
        String finished = "(finished by the Jenkins rollback keeper, which took over the delayed scale-down of"
                + " deployment/demo/web-canary: the step had made traffic safe and ended before it, the step was"
                + " ended from outside it (timeout's grace period passed))";
        String[] lines = log.text().trim().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("[progressive-delivery] Aborted: ").endsWith(finished);
        assertThat(record().getVerdict()).isEqualTo("Aborted");
        assertThat(keeperLines()).as("the build's record says who scaled it down").contains(takeOver)
                .anySatisfy(line -> assertThat(line).startsWith("Aborted: ").endsWith(finished));
        assertThat(record().getEvents()).anySatisfy(e -> assertThat(e.toLogLine())
                .contains("deployment/demo/web-canary: replicas 1 -> replicas 0"));
    }

    @Test
    void aBuildKilledDuringTheStepsScaleDownDelayAndARestartStillGetTheCanaryScaledDown() throws Exception {
        rollbackWaitingForTheScaleDown();
        Instant due = onDisk().get(0).scaleDown().dueAt();
        run.finish(); // doKill, and the controller restarts before the keeper's next look: the file says "step"

        ManualScheduler clock = new ManualScheduler(harness.scheduler.now().plus(Duration.ofMinutes(2)));
        QueueExecutor io = new QueueExecutor();
        TestHost restartedHost = new TestHost(clock, io, run, cluster, null);
        RollbackKeeper restarted = new RollbackKeeper(restartedHost);
        restarted.resumeAll();
        assertThat(restartedHost.store().all()).singleElement().satisfies(p -> {
            assertThat(p.owner()).isEqualTo(PendingRollback.KEEPER);
            assertThat(p.endedBecause()).isEqualTo("the build ended before the rollback");
            assertThat(p.scaleDown().dueAt()).isEqualTo(due);
        });
        settle(clock, io, Duration.ZERO);
        clock.advance(Duration.between(clock.now(), due).minusSeconds(1));
        settle(clock, io, Duration.ZERO);
        assertThat(cluster.canaryReplicas()).as("not before its time").isEqualTo(1);

        settle(clock, io, Duration.ofMinutes(1));
        assertThat(cluster.canaryReplicas()).isZero();
        assertThat(restartedHost.store().all()).isEmpty();
        assertThat(String.join("\n", restartedHost.systemLog))
                .contains("demo #1 (demo/web: web:2.0): resumed by the Jenkins rollback keeper after a controller"
                        + " restart (the build ended before the rollback): traffic was already safe,"
                        + " deployment/demo/web-canary is scaled down at " + due)
                .contains("(finished by the Jenkins rollback keeper, which took over the delayed scale-down of"
                        + " deployment/demo/web-canary: the step had made traffic safe and ended before it, the build"
                        + " ended before the rollback)");
    }

    @Test
    void anUninterruptedRollbackWithALongScaleDownDelayIsTheStepsToTheEndAndLeavesNothingBehind() throws Exception {
        rollbackWaitingForTheScaleDown();
        int linesWhenSafe = log.text().split("\n").length;
        harness.advance(Duration.ofMinutes(9));
        assertThat(onDisk()).singleElement().satisfies(p -> assertThat(p.owner()).isEqualTo(PendingRollback.STEP));
        assertThat(log.text().split("\n")).as("the keeper's watch adds nothing to the log").hasSize(linesWhenSafe);

        harness.advance(Duration.ofMinutes(2));
        assertThat(cluster.canaryReplicas()).isZero();
        assertThat(onDisk()).isEmpty();
        assertThat(keeper.pending()).isEmpty();
        assertThat(context.completions()).isEqualTo(1);
        assertThat(context.failure()).isInstanceOf(FlowInterruptedException.class);
        assertThat(log.text()).doesNotContain("rollback keeper").doesNotContain("handed over")
                .doesNotContain("traffic is safe;");
        assertThat(keeperLines()).as("the keeper never took over").isEmpty();
        assertThat(record().getVerdict()).isEqualTo("Aborted");
    }

    @Test
    void aBlueGreenStepEndedWhileTheRejectedColourWaitsForItsDelayLeavesItsScaleDownToTheKeeper()
            throws Exception {
        FakeRun payRun = new FakeRun();
        FakeListener payLog = new FakeListener();
        FakeStepContext payContext = new FakeStepContext(payRun, payLog, new EnvVars());
        FakeBlueGreenCluster payments = new FakeBlueGreenCluster("payments:2.0");
        Harness bg = new Harness(Harness.START, payments, (metric, at) -> MetricValue.vector(List.of(0.999)),
                credentials);
        TestHost bgHost = new TestHost(bg.scheduler, bg.io, payRun, null, payments);
        bg.runtime.withKeeper(new RollbackKeeper(bgHost), (c, r) -> ended.get());
        BlueGreenSwitchStep step = new BlueGreenSwitchStep();
        step.setNamespace("pay");
        step.setDeployment("payments");
        step.setContainer("app");
        step.setImage("payments:2.0");
        step.setActiveService("payments");
        step.setPreviewService("payments-preview");
        step.setCredentialsId("kube");
        step.setServerUrl("https://api.example.com:6443");
        step.setAutoPromotionSeconds(0);
        step.setScaleDownDelaySeconds(600);
        step.setAbortScaleDownDelaySeconds(600);
        BlueGreenSwitchStep.Execution execution = new BlueGreenSwitchStep.Execution(step, payContext, bg.runtime);
        execution.start();
        bg.settle();
        bg.advance(Duration.ofMinutes(2));
        assertThat(payments.production()).isEqualTo(Colour.GREEN);
        execution.stop(new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("ci")));
        bg.advance(Duration.ofSeconds(1));
        assertThat(payments.production()).as("the step switched back").isEqualTo(Colour.BLUE);
        assertThat(payments.replicas(Colour.GREEN)).as("the rejected colour waits for its delay").isPositive();
        assertThat(bgHost.store().all()).singleElement().satisfies(p -> {
            assertThat(p.owner()).isEqualTo(PendingRollback.STEP);
            assertThat(p.scaleDown().resource()).isEqualTo("deployment/pay/payments-green");
        });
        Instant due = bgHost.store().all().get(0).scaleDown().dueAt();

        payContext.onFailure(new FlowInterruptedException(Result.ABORTED));
        ended.set("the step was ended from outside it (timeout's grace period passed)");
        bg.advance(RollbackKeeper.WATCH);
        assertThat(bgHost.store().all()).singleElement().satisfies(p -> assertThat(p.owner())
                .isEqualTo(PendingRollback.KEEPER));
        assertThat(payLog.text()).contains("this step has ended after traffic was safe (the step was ended from"
                + " outside it (timeout's grace period passed)): the delayed scale-down of"
                + " deployment/pay/payments-green, due at " + due + ", is handed over to the Jenkins rollback keeper");

        bg.advance(Duration.ofMinutes(11));
        assertThat(payments.replicas(Colour.GREEN)).as("the keeper scaled the rejected colour down").isZero();
        assertThat(payments.production()).isEqualTo(Colour.BLUE);
        assertThat(bgHost.store().all()).isEmpty();
        assertThat(payContext.completions()).isEqualTo(1);
        DeliveryAction payRecord = payRun.getAction(DeliveryAction.class);
        assertThat(payRecord.getVerdict()).isEqualTo("Aborted");
        assertThat(payRecord.getEvents()).filteredOn(e -> RollbackKeeper.ACTOR.equals(e.actor()))
                .anySatisfy(e -> assertThat(e.after()).contains("(finished by the Jenkins rollback keeper, which took"
                        + " over the delayed scale-down of deployment/pay/payments-green: the step had made traffic"
                        + " safe and ended before it,"));
    }

    @Test
    void rollbackTimeoutEndsTheKeepersRetriesWithTheOneLineInstructionAndListsItAsFailedUntilDismissed()
            throws Exception {
        retryingRollback("2m", 1000);
        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        run.setResult(Result.SUCCESS);
        run.finish(); // the build ends too (timeout was caught): the keeper's lines go to the Jenkins log
        harness.advance(Duration.ofMinutes(3));

        assertThat(cluster.weight()).isEqualTo(50);
        assertThat(run.getResult()).as("an ended build's result cannot change").isEqualTo(Result.SUCCESS);
        assertThat(record().getVerdict()).isEqualTo("Rollback failed");
        assertThat(keeperLines()).as("the build's record says so, and where it is listed")
                .anySatisfy(line -> assertThat(line).isEqualTo("the build had already ended (SUCCESS) when the"
                        + " Jenkins rollback keeper gave up with traffic NOT safe: Manage Jenkins » Pending rollbacks"
                        + " lists it as failed until an administrator dismisses it"))
                .anySatisfy(line -> assertThat(line).startsWith("Rollback failed: ROLLBACK FAILED, traffic is NOT"
                        + " safe").contains("finish it by hand: kubectl -n demo edit virtualservice web"));
        assertThat(onDisk()).as("kept, marked given up: nothing retries it").singleElement()
                .satisfies(p -> assertThat(p.gaveUp().message()).startsWith("ROLLBACK FAILED, traffic is NOT safe"));
        String id = onDisk().get(0).id();
        assertThat(keeper.pending()).as("the Pending rollbacks page lists it").singleElement()
                .satisfies(p -> assertThat(p.gaveUp()).isNotNull());
        assertThat(keeper.status("demo", 1, record().getId())).startsWith("ROLLBACK FAILED, traffic is NOT safe");

        // a restart: still listed as failed, and not retried
        ManualScheduler clock = new ManualScheduler(harness.scheduler.now().plus(Duration.ofMinutes(1)));
        QueueExecutor io = new QueueExecutor();
        TestHost restartedHost = new TestHost(clock, io, run, cluster, null);
        RollbackKeeper restarted = new RollbackKeeper(restartedHost);
        int calls = cluster.calls().size();
        restarted.resumeAll();
        settle(clock, io, Duration.ofMinutes(5));
        assertThat(cluster.calls()).as("a given-up rollback is not retried after a restart").hasSize(calls);
        assertThat(restarted.pending()).singleElement().satisfies(p -> assertThat(p.gaveUp()).isNotNull());
        assertThat(restarted.status("demo", 1, record().getId())).startsWith("ROLLBACK FAILED, traffic is NOT safe");

        assertThat(restarted.cancel(id, "admin")).isEqualTo("dismissed the given-up rollback of demo #1");
        assertThat(restartedHost.store().all()).isEmpty();
        assertThat(restarted.pending()).isEmpty();
        assertThat(keeperLines()).last().isEqualTo("the given-up rollback was dismissed by admin from Manage Jenkins"
                + " » Pending rollbacks");
        String last = host.systemLog.get(host.systemLog.size() - 1);
        assertThat(last).startsWith("demo #1 (demo/web: web:2.0): Rollback failed: ROLLBACK FAILED, traffic is NOT"
                        + " safe: " + FakeCluster.ROUTE + " still sends 50% of traffic to the canary")
                .contains("rollbackTimeout 2m passed after")
                .contains("finish it by hand: kubectl -n demo edit virtualservice web")
                .contains("(given up by the Jenkins rollback keeper, which had carried the rollback on after the"
                        + " step ended: the step was ended from outside it (timeout's grace period passed))");
    }

    @Test
    void anAdministratorMayCancelOnlyARollbackTheKeeperDrivesAndTheRecordSaysTrafficIsNotSafe() throws Exception {
        retryingRollback(null, 1000);
        String id = onDisk().get(0).id();
        assertThat(keeper.cancel(id, "admin")).contains("still drives this rollback");
        assertThat(onDisk()).hasSize(1);

        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        assertThat(keeper.cancel(id, "admin")).isEqualTo("cancelled the rollback of demo #1");
        int calls = cluster.calls().size();
        harness.advance(Duration.ofMinutes(5));
        assertThat(cluster.calls()).as("no attempt after the cancel").hasSize(calls);
        assertThat(onDisk()).isEmpty();
        assertThat(record().getVerdict()).isEqualTo("Rollback failed");
        assertThat(record().getMessage()).startsWith("ROLLBACK CANCELLED by admin while traffic was NOT safe"
                + " (ROLLING BACK \u2014 retrying (attempt");
    }

    @Test
    void aBlueGreenSwitchBackTheKeeperMadeBeforeARestartStillScalesTheRejectedColourDownAfterIt() throws Exception {
        FakeRun payRun = new FakeRun();
        FakeStepContext payContext = new FakeStepContext(payRun, new FakeListener(), new EnvVars());
        FakeBlueGreenCluster payments = new FakeBlueGreenCluster("payments:2.0");
        Harness bg = new Harness(Harness.START, payments, (metric, at) -> MetricValue.vector(List.of(0.999)),
                credentials);
        TestHost bgHost = new TestHost(bg.scheduler, bg.io, payRun, null, payments);
        bg.runtime.withKeeper(new RollbackKeeper(bgHost), (c, r) -> ended.get());
        BlueGreenSwitchStep step = new BlueGreenSwitchStep();
        step.setNamespace("pay");
        step.setDeployment("payments");
        step.setContainer("app");
        step.setImage("payments:2.0");
        step.setActiveService("payments");
        step.setPreviewService("payments-preview");
        step.setCredentialsId("kube");
        step.setServerUrl("https://api.example.com:6443");
        step.setAutoPromotionSeconds(0);
        step.setScaleDownDelaySeconds(600);
        step.setAbortScaleDownDelaySeconds(600);
        BlueGreenSwitchStep.Execution execution = new BlueGreenSwitchStep.Execution(step, payContext, bg.runtime);
        execution.start();
        bg.settle();
        bg.advance(Duration.ofMinutes(2));
        payments.failSwitches(8);
        execution.stop(new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("ci")));
        bg.advance(Duration.ofSeconds(3));
        payContext.onFailure(new FlowInterruptedException(Result.ABORTED));
        ended.set("the step was ended from outside it (timeout's grace period passed)");
        bg.advance(RollbackKeeper.WATCH);
        bg.advance(Duration.ofMinutes(4));
        assertThat(payments.production()).as("the keeper switched back").isEqualTo(Colour.BLUE);
        assertThat(payments.replicas(Colour.GREEN)).as("the rejected colour waits for its delay").isPositive();
        assertThat(bgHost.store().all()).singleElement().satisfies(p -> assertThat(p.scaleDown().resource())
                .isEqualTo("deployment/pay/payments-green"));

        ManualScheduler clock = new ManualScheduler(bg.scheduler.now().plus(Duration.ofMinutes(1)));
        QueueExecutor io = new QueueExecutor();
        TestHost restartedHost = new TestHost(clock, io, payRun, null, payments);
        new RollbackKeeper(restartedHost).resumeAll();
        settle(clock, io, Duration.ofMinutes(15));
        assertThat(payments.replicas(Colour.GREEN)).as("scaled down after the restart").isZero();
        assertThat(payments.production()).isEqualTo(Colour.BLUE);
        assertThat(restartedHost.store().all()).isEmpty();
    }

    @Test
    void aBlueGreenSwitchBackThatOutlivesItsStepIsFinishedByTheKeeperAfterARestart() throws Exception {
        FakeRun payRun = new FakeRun();
        FakeListener payLog = new FakeListener();
        FakeStepContext payContext = new FakeStepContext(payRun, payLog, new EnvVars());
        FakeBlueGreenCluster payments = new FakeBlueGreenCluster("payments:2.0");
        Harness bg = new Harness(Harness.START, payments, (metric, at) -> MetricValue.vector(List.of(0.999)),
                credentials);
        TestHost bgHost = new TestHost(bg.scheduler, bg.io, payRun, null, payments);
        bg.runtime.withKeeper(new RollbackKeeper(bgHost), (c, r) -> ended.get());
        BlueGreenSwitchStep step = new BlueGreenSwitchStep();
        step.setNamespace("pay");
        step.setDeployment("payments");
        step.setContainer("app");
        step.setImage("payments:2.0");
        step.setActiveService("payments");
        step.setPreviewService("payments-preview");
        step.setCredentialsId("kube");
        step.setServerUrl("https://api.example.com:6443");
        step.setAutoPromotionSeconds(0);
        step.setScaleDownDelaySeconds(600);
        BlueGreenSwitchStep.Execution execution = new BlueGreenSwitchStep.Execution(step, payContext, bg.runtime);
        execution.start();
        bg.settle();
        bg.advance(Duration.ofMinutes(2));
        assertThat(payments.production()).isEqualTo(Colour.GREEN);

        payments.failSwitches(8);
        execution.stop(new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("ci")));
        bg.advance(Duration.ofSeconds(3));
        payContext.onFailure(new FlowInterruptedException(Result.ABORTED));
        ended.set("the step was ended from outside it (timeout's grace period passed)");
        bg.advance(RollbackKeeper.WATCH);
        assertThat(bgHost.store().all()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo("blueGreenSwitch");
            assertThat(p.owner()).isEqualTo(PendingRollback.KEEPER);
        });
        assertThat(payments.production()).as("the switch back keeps failing").isEqualTo(Colour.GREEN);

        ManualScheduler clock = new ManualScheduler(bg.scheduler.now().plus(Duration.ofMinutes(1)));
        QueueExecutor io = new QueueExecutor();
        TestHost restartedHost = new TestHost(clock, io, payRun, null, payments);
        new RollbackKeeper(restartedHost).resumeAll();
        settle(clock, io, Duration.ofMinutes(5));
        assertThat(payments.production()).as("production back on the old colour").isEqualTo(Colour.BLUE);
        assertThat(restartedHost.store().all()).isEmpty();
        assertThat(payRun.getAction(DeliveryAction.class).getVerdict()).isEqualTo("Aborted");
    }

    @Test
    void aRestartAfterTheKeeperMadeTrafficSafeButBeforeTheDelayedScaleDownStillScalesTheCanaryDown()
            throws Exception {
        abortScaleDownDelay = "10m";
        retryingRollback(null, 10);
        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        harness.advance(Duration.ofMinutes(4));
        assertThat(cluster.weight()).as("the keeper has moved traffic back").isZero();
        assertThat(cluster.canaryReplicas()).as("the canary waits for abortScaleDownDelay").isEqualTo(1);
        assertThat(onDisk()).as("the scale-down still due is on disk").singleElement().satisfies(p -> {
            assertThat(p.owner()).isEqualTo(PendingRollback.KEEPER);
            assertThat(p.gaveUp()).isNull();
            assertThat(p.scaleDown().resource()).isEqualTo("deployment/demo/web-canary");
            assertThat(p.scaleDown().dueAt()).isEqualTo(p.scaleDown().trafficSafeAt().plus(Duration.ofMinutes(10)));
            assertThat(p.cluster().credentialsId()).isEqualTo("kube");
        });
        Instant due = onDisk().get(0).scaleDown().dueAt();
        assertThat(onDisk().get(0).scaleDown().madeSafeBy()).isEqualTo(PendingRollback.KEEPER);
        Path file;
        try (var listing = Files.list(host.store().directory())) {
            file = listing.findFirst().orElseThrow();
        }
        String json = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(json).contains("\"stage\":\"ROLLBACK_WAIT\"").doesNotContain(TOKEN);
        // as a file written before madeSafeBy existed (only the keeper wrote a scale-down then)
        Files.writeString(file, json.replace(",\"madeSafeBy\":\"keeper\"", ""), StandardCharsets.UTF_8);
        assertThat(onDisk().get(0).scaleDown().madeSafeBy()).isNull();
        assertThat(log.text()).contains("[progressive-delivery] traffic is safe; deployment/demo/web-canary is scaled"
                + " down at " + due + " (kept in " + host.store().directory());

        // the controller restarts two minutes later: the old keeper's timer is gone with its JVM
        ManualScheduler clock = new ManualScheduler(harness.scheduler.now().plus(Duration.ofMinutes(2)));
        QueueExecutor io = new QueueExecutor();
        TestHost restartedHost = new TestHost(clock, io, run, cluster, null);
        RollbackKeeper restarted = new RollbackKeeper(restartedHost);
        restarted.resumeAll();
        settle(clock, io, Duration.ZERO);
        clock.advance(Duration.between(clock.now(), due).minusSeconds(1));
        settle(clock, io, Duration.ZERO);
        assertThat(cluster.canaryReplicas()).as("not before its time").isEqualTo(1);
        assertThat(restartedHost.store().all()).hasSize(1);

        settle(clock, io, Duration.ofMinutes(1));
        assertThat(cluster.canaryReplicas()).as("scaled down after the restart").isZero();
        assertThat(cluster.weight()).isZero();
        assertThat(restartedHost.store().all()).as("nothing left once the scale-down is done").isEmpty();
        assertThat(restarted.pending()).isEmpty();
        assertThat(String.join("\n", restartedHost.systemLog))
                .contains("demo #1 (demo/web: web:2.0): resumed by the Jenkins rollback keeper after a controller"
                        + " restart: traffic was already safe, deployment/demo/web-canary is scaled down at " + due)
                .contains("(finished by the Jenkins rollback keeper: the step had ended before traffic was safe,");
        assertThat(record().getVerdict()).isEqualTo("Aborted");
    }

    @Test
    void cancellingAPendingScaleDownLeavesTrafficSafeAndTheCanaryRunningAndSaysHowToScaleItDown() throws Exception {
        abortScaleDownDelay = "10m";
        retryingRollback(null, 10);
        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        harness.advance(Duration.ofMinutes(4));
        String id = onDisk().get(0).id();
        assertThat(onDisk().get(0).scaleDown()).isNotNull();

        assertThat(keeper.cancel(id, "admin")).isEqualTo("cancelled the scale-down of demo #1");
        harness.advance(Duration.ofMinutes(15));
        assertThat(cluster.canaryReplicas()).as("left as it was").isEqualTo(1);
        assertThat(cluster.weight()).isZero();
        assertThat(onDisk()).isEmpty();
        assertThat(keeper.pending()).isEmpty();
        assertThat(record().getVerdict()).as("traffic is safe: not a failed rollback").isEqualTo("Aborted");
        assertThat(record().getMessage()).isEqualTo("traffic is safe; the scale-down of deployment/demo/web-canary"
                + " was cancelled by admin, so its pods keep running: scale it down by hand with kubectl -n demo"
                + " scale deployment web-canary --replicas=0");
    }

    @Test
    void aKeeperThatFinishesAfterTheBuildEndedWritesTheRollbackIntoTheBuildsRecord() throws Exception {
        retryingRollback(null, 10);
        timeoutEndsTheStep();
        harness.advance(RollbackKeeper.WATCH);
        run.finish(); // the pipeline went on and ended: its log is closed
        int logLines = log.text().split("\n").length;
        int saves = run.saves();
        harness.advance(Duration.ofMinutes(5));

        assertThat(cluster.weight()).isZero();
        assertThat(cluster.canaryReplicas()).isZero();
        assertThat(log.text().split("\n")).as("nothing written into the ended build's log").hasSize(logLines);
        assertThat(record().getVerdict()).isEqualTo("Aborted");
        assertThat(record().getRollbackActions()).extracting(e -> e.toLogLine())
                .as("the record, as the build page shows it")
                .contains("[rollback] " + FakeCluster.ROUTE + ": stable 50, canary 50 -> stable 100, canary 0 (ok)")
                .anySatisfy(line -> assertThat(line).startsWith("[rollback] deployment/demo/web-canary: traffic is"
                        + " safe; deployment/demo/web-canary is scaled down at"))
                .anySatisfy(line -> assertThat(line).startsWith("[rollback]: Aborted: ").contains("(finished by the"
                        + " Jenkins rollback keeper: the step had ended before traffic was safe"));
        assertThat(record().getEvents()).as("the canary's scale-down")
                .anySatisfy(e -> assertThat(e.toLogLine()).contains("deployment/demo/web-canary: replicas 1 ->"
                        + " replicas 0"));
        assertThat(run.saves()).as("and the build was saved with it").isGreaterThan(saves);
        assertThat(io.jenkins.plugins.progressivedelivery.actions.Deployment.of(run, record()))
                .as("the Deployments page: the verdict, and the rollback actions taken (the keeper's notes are not)")
                .satisfies(row -> {
                    assertThat(row.verdict()).isEqualTo("Aborted");
                    assertThat(row.rollbacks()).isEqualTo((int) record().getRollbackActions().stream()
                            .filter(e -> !RollbackKeeper.ACTOR.equals(e.actor())).count());
                });
        assertThat(String.join("\n", host.systemLog)).as("the Jenkins log has the lines too")
                .contains("demo #1 (demo/web: web:2.0): Aborted: ");
    }

    @Test
    void aKeeperThatGivesUpWhileTheBuildStillRunsFailsTheBuildAndSaysWhy() throws Exception {
        retryingRollback("2m", 1000);
        timeoutEndsTheStep(); // timeout's block ends; the pipeline catches it and goes on
        harness.advance(RollbackKeeper.WATCH);
        harness.advance(Duration.ofMinutes(3));

        assertThat(cluster.weight()).isEqualTo(50);
        assertThat(run.isBuilding()).isTrue();
        assertThat(run.getResult()).as("never SUCCESS with traffic left unsafe").isEqualTo(Result.FAILURE);
        String[] lines = log.text().trim().split("\n");
        assertThat(lines[lines.length - 2]).isEqualTo("[progressive-delivery] the build's result is set to FAILURE:"
                + " the rollback that the Jenkins rollback keeper carried on after the step ended gave up with traffic"
                + " NOT safe");
        assertThat(lines[lines.length - 1]).startsWith("[progressive-delivery] Rollback failed: ROLLBACK FAILED,"
                + " traffic is NOT safe").contains("finish it by hand: kubectl -n demo edit virtualservice web");
        assertThat(keeperLines()).contains("the build's result is set to FAILURE: the rollback that the Jenkins"
                + " rollback keeper carried on after the step ended gave up with traffic NOT safe");
        assertThat(keeper.pending()).singleElement().satisfies(p -> assertThat(p.gaveUp()).isNotNull());
    }

    /** The keeper's own lines in the build's record. */
    private List<String> keeperLines() {
        return record().getEvents().stream().filter(e -> RollbackKeeper.ACTOR.equals(e.actor()))
                .map(e -> e.after()).toList();
    }

    private static void settle(ManualScheduler clock, QueueExecutor io, Duration duration) {
        Instant end = clock.now().plus(duration);
        do {
            io.drain();
            clock.runDue();
        } while (io.pending() > 0);
        while (true) {
            var next = clock.nextDueIn();
            if (next.isEmpty() || clock.now().plus(next.get()).isAfter(end)) {
                break;
            }
            clock.advance(next.get());
            do {
                io.drain();
                clock.runDue();
            } while (io.pending() > 0);
        }
    }

    /** Jenkins as the keeper sees it: the build, its credential, the cluster, the files under the test's home. */
    private final class TestHost implements RollbackKeeper.Host {
        final Scheduler scheduler;
        final Executor io;
        private RollbackStore store;
        final List<String> systemLog = new CopyOnWriteArrayList<>();
        volatile int credentialLookups;
        final FakeRun build;
        final CanaryCluster canary;
        final BlueGreenCluster blueGreen;

        TestHost(Scheduler scheduler, Executor io, FakeRun build, CanaryCluster canary, BlueGreenCluster blueGreen) {
            this.scheduler = scheduler;
            this.io = io;
            this.build = build;
            this.canary = canary;
            this.blueGreen = blueGreen;
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
        public synchronized RollbackStore store() {
            if (store == null) {
                store = new RollbackStore(home.resolve("progressive-delivery/pending-rollbacks"));
            }
            return store;
        }

        @Override
        public Run<?, ?> run(String job, int number) {
            return job.equals("demo") && number == 1 ? this.build : null;
        }

        @Override
        public boolean building(Run<?, ?> r) {
            return r.isBuilding();
        }

        @Override
        public ClusterAccess access(PendingRollback pending, Run<?, ?> r) throws IOException {
            credentialLookups++;
            return ClusterCredentials.resolve(credentials, r, new EnvVars(), pending.cluster().credentialsId(),
                    pending.cluster().serverUrl(), pending.cluster().caCertificate(), pending.cluster().context());
        }

        @Override
        public Where where(PendingRollback pending) {
            return Where.controller();
        }

        @Override
        public CanaryCluster canary(Where where, ClusterAccess access, CanaryPlan plan) {
            return canary;
        }

        @Override
        public BlueGreenCluster blueGreen(Where where, ClusterAccess access, BlueGreenPlan plan) {
            return blueGreen;
        }

        @Override
        public void systemLog(String line) {
            systemLog.add(line);
        }

        /** Every build's program is loaded: these pending rollbacks belong to steps still running. */
        volatile java.util.Set<String> liveSteps;

        @Override
        public java.util.Set<String> liveSteps() {
            return liveSteps;
        }
    }
}
