package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Item;
import hudson.model.Result;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.actions.Gates;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.fakes.FakeCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.Test;
import org.springframework.security.access.AccessDeniedException;

class CanaryRolloutStepTest {
    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    private final FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
    private final FakeCluster cluster = new FakeCluster("web:2.0");
    private final Harness harness = new Harness(cluster, (metric, at) -> MetricValue.vector(List.of(0.999)),
            (id, r) -> null);

    private static CanaryRolloutStep step(List<Object> steps) {
        CanaryRolloutStep step = new CanaryRolloutStep();
        step.setNamespace("demo");
        step.setDeployment("web");
        step.setContainer("web");
        step.setImage("web:2.0");
        step.setVirtualService("web");
        step.setRoute("primary");
        step.setStableService("web-stable");
        step.setCanaryService("web-canary");
        step.setSteps(Structs.instantiate(CanaryRolloutStep.class, Map.of("steps", steps)).getSteps());
        return step;
    }

    private CanaryRolloutStep.Execution start(CanaryRolloutStep step) throws Exception {
        CanaryRolloutStep.Execution execution = new CanaryRolloutStep.Execution(step, context, harness.runtime);
        assertThat(execution.start()).as("start() returns at once; the step completes asynchronously").isFalse();
        return execution;
    }

    private DeliveryAction record() {
        return run.getAction(DeliveryAction.class);
    }

    @Test
    void startReturnsAtOnceAndATimedPauseHoldsNoThread() throws Exception {
        start(step(List.of(Map.of("setWeight", 20), Map.of("pause", "10m"))));
        assertThat(harness.io.pending()).as("everything that may block was handed to the I/O pool").isEqualTo(1);
        assertThat(context.completions()).isZero();

        harness.settle();
        assertThat(cluster.weight()).isEqualTo(20);
        assertThat(harness.io.pending()).as("nothing runs while paused").isZero();
        assertThat(harness.scheduler.nextDueIn()).as("the pause is a timer").contains(Duration.ofMinutes(10));
        assertThat(context.completions()).isZero();
        assertThat(log.text()).contains("stable 80, canary 20");

        harness.advance(Duration.ofMinutes(10));
        assertThat(context.failure()).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.success();
        assertThat(result).containsEntry("verdict", "Promoted").containsEntry("promoted", true);
        assertThat(cluster.stableImage()).isEqualTo("web:2.0");
        assertThat(cluster.weight()).isZero();
        assertThat(cluster.canaryReplicas()).isZero();
        assertThat(record().getVerdict()).isEqualTo("Promoted");
        assertThat(record().getTarget()).contains("demo/web").contains("web:2.0");
        assertThat(context.saves()).as("the engine state is persisted as the rollout moves").isPositive();
    }

    @Test
    void anIndefinitePausePrintsPromoteAndAbortAndWaitsForAPerson() throws Exception {
        run.grant(Item.BUILD);
        start(step(List.of(Map.of("setWeight", 10), Map.of("pause", Map.of()))));
        harness.settle();
        assertThat(log.text()).contains("Paused at step 2/2, canary weight 10: Promote or Abort");
        assertThat(record().isAwaitingPromotion()).isTrue();
        harness.advance(Duration.ofHours(5));
        assertThat(context.completions()).as("an indefinite pause waits").isZero();
        assertThat(harness.scheduler.pendingCount()).as("and holds no timer either").isZero();
    }

    @Test
    void promoteNeedsBuildPermissionAndRecordsWhoPromoted() throws Exception {
        start(step(List.of(Map.of("setWeight", 10), Map.of("pause", Map.of()))));
        harness.settle();

        assertThatThrownBy(() -> Gates.promote(record(), "mallory")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("Build");
        harness.settle();
        assertThat(record().isAwaitingPromotion()).as("a refused promote changes nothing").isTrue();

        run.grant(Item.BUILD);
        Gates.promote(record(), "alice");
        harness.settle();
        assertThat(context.success()).isNotNull();
        assertThat(cluster.stableImage()).isEqualTo("web:2.0");
        assertThat(record().getDecisions()).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("alice");
            assertThat(e.action().id()).isEqualTo("promote");
        });
    }

    @Test
    void abortNeedsCancelPermissionAndRollsBack() throws Exception {
        run.grant(Item.BUILD);
        start(step(List.of(Map.of("setWeight", 30), Map.of("pause", Map.of()))));
        harness.settle();

        assertThatThrownBy(() -> Gates.abort(record(), "bob")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("Cancel");
        assertThat(cluster.weight()).isEqualTo(30);

        run.grant(Item.CANCEL);
        Gates.abort(record(), "bob");
        harness.advance(Duration.ofMinutes(1));
        assertThat(cluster.weight()).as("traffic back on stable").isZero();
        assertThat(cluster.canaryReplicas()).isZero();
        assertThat(context.failure()).isInstanceOf(AbortException.class).hasMessageContaining("aborted");
        assertThat(record().getRollbackActions()).isNotEmpty();
        assertThat(record().getDecisions()).anySatisfy(e -> assertThat(e.actor()).isEqualTo("bob"));
    }

    @Test
    void stopRollsTrafficBackToStableAndLogsEachRollbackActionBeforeTheStepEnds() throws Exception {
        CanaryRolloutStep.Execution execution = start(step(List.of(Map.of("setWeight", 50), Map.of("pause", "1h"))));
        harness.settle();
        assertThat(cluster.weight()).isEqualTo(50);

        FlowInterruptedException abort = new FlowInterruptedException(Result.ABORTED,
                new CauseOfInterruption.UserInterruption("carol"));
        execution.stop(abort);
        harness.settle();
        assertThat(cluster.weight()).isZero();
        assertThat(context.completions()).as("the step waits for the canary's scale-down delay").isZero();

        harness.advance(Duration.ofMinutes(1));
        assertThat(context.failure()).isSameAs(abort);
        assertThat(cluster.canaryReplicas()).isZero();
        String text = log.text();
        assertThat(text).contains("[rollback] " + FakeCluster.ROUTE + ": stable 50, canary 50 -> stable 100, canary 0");
        assertThat(text).contains("[rollback] deployment/demo/web-canary: replicas 1 -> replicas 0");
        assertThat(text.indexOf("[rollback]")).isLessThan(text.lastIndexOf("Aborted"));
        assertThat(record().getDecisions()).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("carol");
            assertThat(e.reason()).isEqualTo("Aborted by carol");
        });
    }

    @Test
    void aStopDuringARetryingRollbackKeepsRetryingAcrossARestartAndTheStepEndsOnlyWhenTrafficIsSafe()
            throws Exception {
        CanaryRolloutStep.Execution execution = start(step(List.of(Map.of("setWeight", 50), Map.of("pause", "1h"))));
        harness.settle();
        cluster.failWeights(6, true);
        FlowInterruptedException abort = new FlowInterruptedException(Result.ABORTED,
                new CauseOfInterruption.UserInterruption("carol"));
        execution.stop(abort);
        harness.settle();
        harness.advance(Duration.ofSeconds(3));
        execution.stop(abort); // a second stop
        assertThat(cluster.weight()).isEqualTo(50);
        assertThat(context.completions()).as("traffic is not safe yet").isZero();
        assertThat(record().getStatus()).startsWith("ROLLING BACK \u2014 retrying (attempt 3, API unreachable since");

        byte[] programState = serialise(execution);
        Harness restarted = new Harness(harness.scheduler.now().plus(Duration.ofSeconds(10)), cluster,
                (metric, at) -> MetricValue.vector(List.of(0.999)), (id, r) -> null);
        CanaryRolloutStep.Execution restored = (CanaryRolloutStep.Execution) deserialise(programState);
        restored.resume(restarted.runtime);
        restarted.settle();
        assertThat(context.completions()).isZero();
        restarted.advance(Duration.ofMinutes(2));

        assertThat(cluster.weight()).isZero();
        assertThat(cluster.canaryReplicas()).isZero();
        assertThat(context.completions()).isEqualTo(1);
        assertThat(context.failure()).isInstanceOf(FlowInterruptedException.class);
        assertThat(log.text()).contains("rollback attempt 6 failed");
    }

    @Test
    void aRollbackThatCannotFinishFailsTheStepSayingTrafficIsNotSafeEvenWithReturnResult() throws Exception {
        CanaryRolloutStep step = step(List.of(Map.of("setWeight", 20), Map.of("pause", Map.of())));
        step.setReturnResult(true);
        CanaryRolloutStep.Execution execution = start(step);
        harness.settle();
        cluster.failWeights(1, false);

        assertThat(execution.abort("carol", "bad")).isTrue();
        harness.settle();

        assertThat(cluster.weight()).isEqualTo(20);
        assertThat(context.success()).as("never SUCCESS").isNull();
        assertThat(context.failure()).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("canaryRollout: TRAFFIC IS NOT SAFE - ROLLBACK FAILED, traffic is NOT safe:")
                .hasMessageContaining("finish it by hand: kubectl -n demo edit virtualservice web");
        assertThat(record().getStatus()).isEqualTo("Rollback failed");
        String[] lines = log.text().trim().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("[progressive-delivery] Rollback failed: ROLLBACK FAILED");
    }

    @Test
    void aStopBeforeTheRolloutStartedEndsTheStepWithoutTouchingTheCluster() throws Exception {
        CanaryRolloutStep.Execution execution = start(step(List.of(Map.of("setWeight", 50))));
        InterruptedException cause = new InterruptedException("build aborted");
        execution.stop(cause);
        assertThat(context.failure()).isSameAs(cause);
        harness.settle();
        assertThat(cluster.calls()).isEmpty();
        assertThat(context.completions()).isEqualTo(1);
    }

    @Test
    void aSerialisedExecutionResumesFromItsSnapshotAfterARestart() throws Exception {
        CanaryRolloutStep.Execution execution = start(step(List.of(Map.of("setWeight", 25), Map.of("pause", "10m"),
                Map.of("setWeight", 60), Map.of("pause", "10m"))));
        harness.settle();
        harness.advance(Duration.ofMinutes(3));
        assertThat(cluster.weight()).isEqualTo(25);

        byte[] programState = serialise(execution);
        // the controller goes away: its timers and threads with it; it comes back 2 minutes later
        Harness restarted = new Harness(harness.scheduler.now().plus(Duration.ofMinutes(2)), cluster,
                (metric, at) -> MetricValue.vector(List.of(0.999)), (id, r) -> null);
        CanaryRolloutStep.Execution restored = (CanaryRolloutStep.Execution) deserialise(programState);
        restored.resume(restarted.runtime);
        restarted.settle();
        assertThat(log.text()).contains("resuming the canary of web:2.0");
        assertThat(cluster.weight()).as("still paused at the first step").isEqualTo(25);

        restarted.advance(Duration.ofMinutes(5));
        assertThat(cluster.weight()).as("the pause kept its original end: 10m after it began").isEqualTo(60);
        restarted.advance(Duration.ofMinutes(10));
        assertThat(context.success()).isNotNull();
        assertThat(cluster.stableImage()).isEqualTo("web:2.0");
    }

    @Test
    void aBuildStoppedWhileJenkinsWasDownRollsBackWhenTheStepResumes() throws Exception {
        CanaryRolloutStep.Execution execution = start(step(List.of(Map.of("setWeight", 30), Map.of("pause", Map.of()))));
        harness.settle();
        byte[] programState = serialise(execution);

        Harness restarted = new Harness(harness.scheduler.now().plus(Duration.ofMinutes(1)), cluster,
                (metric, at) -> MetricValue.vector(List.of(0.999)), (id, r) -> null);
        CanaryRolloutStep.Execution restored = (CanaryRolloutStep.Execution) deserialise(programState);
        FlowInterruptedException abort = new FlowInterruptedException(Result.ABORTED,
                new CauseOfInterruption.UserInterruption("dave"));
        restored.stop(abort);
        assertThat(context.completions()).as("the rollback comes first").isZero();

        restored.resume(restarted.runtime);
        restarted.advance(Duration.ofMinutes(1));
        assertThat(cluster.weight()).isZero();
        assertThat(cluster.canaryReplicas()).isZero();
        assertThat(context.failure()).isSameAs(abort);
        assertThat(record().getStatus()).isEqualTo("Aborted");
    }

    @Test
    void aBuildStoppedBeforeARestartStillEndsAsStoppedAfterIt() throws Exception {
        CanaryRolloutStep step = step(List.of(Map.of("setWeight", 30), Map.of("pause", Map.of())));
        step.setReturnResult(true);
        CanaryRolloutStep.Execution execution = start(step);
        harness.settle();
        execution.stop(new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("erin")));
        harness.settle();
        assertThat(cluster.weight()).as("traffic moved back; the canary waits for its scale-down").isZero();
        byte[] programState = serialise(execution); // Jenkins goes down during the abortScaleDownDelay

        Harness restarted = new Harness(harness.scheduler.now().plus(Duration.ofMinutes(1)), cluster,
                (metric, at) -> MetricValue.vector(List.of(0.999)), (id, r) -> null);
        CanaryRolloutStep.Execution restored = (CanaryRolloutStep.Execution) deserialise(programState);
        restored.resume(restarted.runtime);
        restarted.advance(Duration.ofMinutes(1));

        assertThat(cluster.canaryReplicas()).isZero();
        assertThat(context.success()).as("returnResult must not turn a stopped build into a result").isNull();
        assertThat(context.failure()).isInstanceOfSatisfying(FlowInterruptedException.class,
                e -> assertThat(e.getResult()).isEqualTo(Result.ABORTED));
        assertThat(context.completions()).isEqualTo(1);
    }

    @Test
    void aBadPlanFailsWithTheFieldPathBeforeTheClusterIsTouched() throws Exception {
        start(step(List.of(Map.of("setWeight", 140))));
        harness.settle();
        assertThat(context.failure()).isInstanceOf(AbortException.class).hasMessageContaining("setWeight")
                .hasMessageContaining("140");
        assertThat(cluster.calls()).isEmpty();
    }

    @Test
    void aPlanFileFromTheWorkspaceWithTheStepsParametersOverridingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path ws)
            throws Exception {
        java.nio.file.Files.createDirectories(ws.resolve("deploy"));
        java.nio.file.Files.writeString(ws.resolve("deploy/canary.yaml"), """
                target: {namespace: demo, deployment: web, container: web, image: web:1.5}
                traffic:
                  istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
                steps:
                  - setWeight: 40
                  - pause: 1m
                """);
        context.put(new hudson.FilePath(ws.toFile()));
        CanaryRolloutStep step = new CanaryRolloutStep();
        step.setPlanFile("deploy/canary.yaml");
        step.setImage("web:2.0");
        start(step);
        harness.settle();
        assertThat(cluster.weight()).isEqualTo(40);
        assertThat(record().getTitle()).isEqualTo("demo/web: web:2.0");
        harness.advance(Duration.ofMinutes(1));
        assertThat(cluster.stableImage()).as("the step's image overrides the file's").isEqualTo("web:2.0");
    }

    @Test
    void theBaselineAndAJudgeStepArriveInThePlanFromTheJenkinsfile() throws Exception {
        CanaryRolloutStep step = step(List.of(Map.of("setWeight", 10), Map.of("judge", Map.of(
                "metrics", List.of("success-rate", Map.of("name", "latency-p99", "critical", true)),
                "prometheus", Map.of("address", "http://prometheus:9090")))));
        step.setBaseline(true);

        io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan plan = step.loadPlan(null);

        assertThat(plan.effectiveBaseline()).isTrue();
        var judge = (io.jenkins.plugins.progressivedelivery.engine.plan.PlanStep.Judge) plan.steps().get(1);
        assertThat(judge.judge().metrics()).extracting(m -> m.name()).containsExactly("success-rate", "latency-p99");
        assertThat(judge.judge().metrics().get(1).effectiveCritical()).isTrue();
        assertThat(judge.judge().prometheus().address()).isEqualTo("http://prometheus:9090");
    }

    @Test
    void aPlanFileNeedsAWorkspace() throws Exception {
        CanaryRolloutStep step = new CanaryRolloutStep();
        step.setPlanFile("deploy/canary.yaml");
        start(step);
        harness.settle();
        assertThat(context.failure()).isInstanceOf(AbortException.class)
                .hasMessageContaining("planFile: needs a workspace");
    }

    /** When each range query was evaluated (its window's end). */
    private final List<java.time.Instant> rangeEnds = new java.util.ArrayList<>();

    /** The canary web-canary is six times slower than the stable web (no baseline), and as successful. */
    private MetricValue slowCanary(io.jenkins.plugins.progressivedelivery.engine.plan.MetricSpec metric,
                                   java.time.Instant at) {
        var prometheus = metric.provider().prometheus();
        if (prometheus.rangeQuery() == null) {
            return MetricValue.vector(List.of(1200.0));
        }
        rangeEnds.add(at);
        boolean canary = prometheus.query().contains("web-canary");
        List<Double> series = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            series.add(prometheus.query().contains("histogram_quantile") ? (canary ? 180.0 : 30.0) + i % 7
                    : 99.5 + (i % 5) * 0.1);
        }
        return MetricValue.vector(series);
    }

    @Test
    void aRestartDuringThePauseBeforeAJudgeLeavesItsWindowWhereAnUninterruptedRunHasIt() throws Exception {
        List<Object> steps = List.of(Map.of("setWeight", 10), Map.of("pause", "4m"), Map.of("judge", Map.of(
                "metrics", List.of("success-rate"), "window", "10m",
                "prometheus", Map.of("address", "http://prometheus:9090"))));
        Harness uninterrupted = new Harness(cluster, this::slowCanary, (id, r) -> null);
        assertThat(new CanaryRolloutStep.Execution(step(steps), new FakeStepContext(new FakeRun(), new FakeListener(),
                new EnvVars()), uninterrupted.runtime).start()).isFalse();
        uninterrupted.settle();
        uninterrupted.advance(Duration.ofMinutes(10));
        List<java.time.Instant> expected = List.copyOf(rangeEnds);
        assertThat(expected).hasSize(2).containsOnly(Harness.START.plus(Duration.ofMinutes(10)));
        rangeEnds.clear();

        Harness first = new Harness(cluster, this::slowCanary, (id, r) -> null);
        CanaryRolloutStep.Execution execution = new CanaryRolloutStep.Execution(step(steps), context, first.runtime);
        assertThat(execution.start()).isFalse();
        first.settle();
        first.advance(Duration.ofMinutes(2));
        byte[] programState = serialise(execution);
        // the controller goes away during the pause and comes back a minute later
        Harness restarted = new Harness(first.scheduler.now().plus(Duration.ofMinutes(1)), cluster,
                this::slowCanary, (id, r) -> null);
        CanaryRolloutStep.Execution restored = (CanaryRolloutStep.Execution) deserialise(programState);
        restored.resume(restarted.runtime);
        restarted.settle();
        restarted.advance(Duration.ofMinutes(7));

        assertThat(rangeEnds).as("the same window as the uninterrupted run's").isEqualTo(expected);
        assertThat(log.text()).doesNotContain("collects its 10m window in 10m");
    }

    @Test
    void aJudgeStepsFullResultIsInTheReturnedMap() throws Exception {
        Harness judged = new Harness(cluster, this::slowCanary, (id, r) -> null);
        CanaryRolloutStep step = step(List.of(Map.of("setWeight", 10), Map.of("judge", Map.of(
                "metrics", List.of("success-rate", Map.of("name", "latency-p99", "weight", 3)),
                "window", "10m", "prometheus", Map.of("address", "http://prometheus:9090")))));
        step.setReturnResult(true);
        assertThat(new CanaryRolloutStep.Execution(step, context, judged.runtime).start()).isFalse();
        judged.settle();
        judged.advance(Duration.ofMinutes(10));
        judged.advance(Duration.ofMinutes(5)); // the rollback's abortScaleDownDelay

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context.success();
        assertOnlyJdkTypes(result);
        assertThat(result).containsEntry("verdict", "Rolled back").containsEntry("promoted", false);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> judgements = (List<Map<String, Object>>) result.get("judgements");
        assertThat(judgements).singleElement().satisfies(judgement -> {
            assertThat(judgement).containsEntry("name", "step-2-judge").containsEntry("verdict", "Failed")
                    .containsEntry("judgement", "Fail").containsEntry("score", 25.0).containsEntry("pass", 95.0)
                    .containsEntry("marginal", 75.0).containsEntry("compared", "stable")
                    .containsEntry("control", "web").containsEntry("experimentRequests", 1200L);
            assertThat((String) judgement.get("bias")).contains("the comparison with the stable is biased");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> metrics = (List<Map<String, Object>>) judgement.get("metrics");
            assertThat(metrics).extracting(m -> m.get("name") + " " + m.get("classification"))
                    .containsExactly("success-rate Pass", "latency-p99 High");
            assertThat(metrics.get(1)).containsEntry("weight", 3.0).containsEntry("critical", false)
                    .containsEntry("experimentSamples", 20).containsEntry("controlSamples", 20)
                    .containsKeys("pValue", "estimate", "lower", "upper", "effectSize", "reason");
            assertThat((Double) metrics.get(1).get("pValue")).isLessThan(0.02);
            assertThat((Double) metrics.get(1).get("lower")).isGreaterThan(100);
        });
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> analyses = (List<Map<String, Object>>) result.get("analyses");
        assertThat(analyses).extracting(a -> a.get("name")).containsExactly("step-2-judge");
        assertThat(log.text()).contains("metric latency-p99 High");
    }

    @Test
    void theResultHandedToGroovyHoldsOnlyJdkTypes() throws Exception {
        start(step(List.of(Map.of("setWeight", 20))));
        harness.settle();
        assertOnlyJdkTypes(context.success());
    }

    static void assertOnlyJdkTypes(Object value) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                assertThat(k).isInstanceOf(String.class);
                assertOnlyJdkTypes(v);
            });
        } else if (value instanceof List<?> list) {
            list.forEach(CanaryRolloutStepTest::assertOnlyJdkTypes);
        } else if (value != null) {
            assertThat(value.getClass().getName()).startsWith("java.");
        }
    }

    static byte[] serialise(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    static Object deserialise(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }
}
