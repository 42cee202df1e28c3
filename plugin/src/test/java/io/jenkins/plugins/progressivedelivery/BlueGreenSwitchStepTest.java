package io.jenkins.plugins.progressivedelivery;

import static io.jenkins.plugins.progressivedelivery.CanaryRolloutStepTest.deserialise;
import static io.jenkins.plugins.progressivedelivery.CanaryRolloutStepTest.serialise;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Item;
import hudson.model.Result;
import io.jenkins.plugins.progressivedelivery.actions.DeliveryAction;
import io.jenkins.plugins.progressivedelivery.actions.Gates;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.fakes.FakeBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.fakes.FakeListener;
import io.jenkins.plugins.progressivedelivery.fakes.FakeRun;
import io.jenkins.plugins.progressivedelivery.fakes.FakeStepContext;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import io.jenkins.plugins.progressivedelivery.parameters.Analysis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.access.AccessDeniedException;

class BlueGreenSwitchStepTest {
    private final FakeRun run = new FakeRun();
    private final FakeListener log = new FakeListener();
    private final FakeStepContext context = new FakeStepContext(run, log, new EnvVars());
    private final FakeBlueGreenCluster cluster = new FakeBlueGreenCluster("payments:2.0");
    private double successRate = 0.999;
    private final Harness harness = harness(Harness.START);

    private Harness harness(Instant start) {
        return new Harness(start, cluster, (metric, at) -> {
            return MetricValue.vector(List.of(successRate));
        }, (id, r) -> null);
    }

    private static BlueGreenSwitchStep step() {
        BlueGreenSwitchStep step = new BlueGreenSwitchStep();
        step.setNamespace("pay");
        step.setDeployment("payments");
        step.setContainer("app");
        step.setImage("payments:2.0");
        step.setActiveService("payments");
        step.setPreviewService("payments-preview");
        return step;
    }

    /** Two measurements, a minute apart, of the success rate of {@code {{args.service}}}. */
    private static Analysis successRate() {
        return Structs.instantiate(BlueGreenSwitchStep.class, Map.of("prePromotionAnalysis", Map.of(
                "args", List.of(Map.of("name", "service")),
                "metrics", List.of(Map.of("name", "success-rate", "interval", "1m", "count", 2,
                        "successCondition", "result[0] >= 0.99",
                        "provider", Map.of("prometheus", Map.of("address", "http://prometheus:9090",
                                "query", "sum(rate(ok{service=\"{{args.service}}\"}[1m]))")))))))
                .getPrePromotionAnalysis();
    }

    private BlueGreenSwitchStep.Execution start(BlueGreenSwitchStep step) throws Exception {
        BlueGreenSwitchStep.Execution execution = new BlueGreenSwitchStep.Execution(step, context, harness.runtime);
        assertThat(execution.start()).as("start() returns at once; the step completes asynchronously").isFalse();
        return execution;
    }

    private DeliveryAction record() {
        return run.getAction(DeliveryAction.class);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> result() {
        assertThat(context.failure()).isNull();
        return (Map<String, Object>) context.success();
    }

    @Test
    void startReturnsAtOnceAndTheGateWaitsForAPersonWithoutAThreadOrATimer() throws Exception {
        start(step());
        assertThat(harness.io.pending()).as("everything that may block was handed to the I/O pool").isEqualTo(1);
        assertThat(cluster.calls()).isEmpty();

        harness.settle();
        assertThat(cluster.image(Colour.GREEN)).isEqualTo("payments:2.0");
        assertThat(cluster.replicas(Colour.GREEN)).as("the new colour at the production size").isEqualTo(4);
        assertThat(cluster.preview()).isEqualTo(Colour.GREEN);
        assertThat(cluster.production()).as("production untouched until promotion").isEqualTo(Colour.BLUE);
        assertThat(log.text()).contains("blue-green switch of payments:2.0 in pay/payments-{blue,green}")
                .contains("Paused at the promotion gate (production on blue, preview on green): Promote or Abort");
        assertThat(record().isAwaitingPromotion()).isTrue();
        assertThat(record().getDisplayName()).isEqualTo("Blue-green: pay/payments: payments:2.0");

        harness.advance(Duration.ofHours(5));
        assertThat(context.completions()).as("an indefinite gate waits").isZero();
        assertThat(harness.scheduler.pendingCount()).as("and holds no timer").isZero();
        assertThat(harness.io.pending()).as("nor a thread").isZero();
    }

    @Test
    void promotionThroughTheGateRecordsTheApproverAndScalesTheOldColourDownOnlyAfterTheDelay() throws Exception {
        BlueGreenSwitchStep step = step();
        step.setScaleDownDelaySeconds(300);
        start(step);
        harness.settle();

        assertThatThrownBy(() -> Gates.promote(record(), "mallory")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("Build");
        harness.settle();
        assertThat(cluster.production()).as("a refused promote changes nothing").isEqualTo(Colour.BLUE);

        run.grant(Item.BUILD);
        Gates.promote(record(), "alice");
        harness.settle();
        assertThat(cluster.production()).isEqualTo(Colour.GREEN);
        assertThat(cluster.productionSwitches()).as("one write moved production").isEqualTo(1);
        assertThat(log.text()).contains("[weight] " + FakeBlueGreenCluster.ACTIVE + ": slot=blue -> slot=green");

        harness.advance(Duration.ofSeconds(299));
        assertThat(cluster.replicas(Colour.BLUE)).as("the old colour stays warm for the delay").isEqualTo(4);
        assertThat(context.completions()).isZero();
        harness.advance(Duration.ofSeconds(1));
        assertThat(cluster.replicas(Colour.BLUE)).isZero();

        assertThat(result()).containsEntry("verdict", "Promoted").containsEntry("promoted", true)
                .containsEntry("activeColour", "green").containsEntry("newColour", "green");
        CanaryRolloutStepTest.assertOnlyJdkTypes(result());
        assertThat(record().getVerdict()).isEqualTo("Promoted");
        assertThat(record().getFinalWeight()).as("no canary weight on a blue-green record").isNull();
        assertThat(record().getFromImage()).as("what production ran at the preflight").isEqualTo("payments:1.0");
        assertThat(record().getDecisions()).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("alice");
            assertThat(e.action().id()).isEqualTo("promote");
        });
        assertThat(context.saves()).as("the engine state is persisted as the switch moves").isPositive();
    }

    @Test
    void abortFromTheBuildPageNeedsCancelAndLeavesProductionOnTheOldColour() throws Exception {
        start(step());
        harness.settle();

        assertThatThrownBy(() -> Gates.abort(record(), "bob")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("Cancel");
        run.grant(Item.CANCEL);
        Gates.abort(record(), "bob");
        harness.advance(Duration.ofSeconds(30));

        assertThat(cluster.productionSwitches()).as("production never touched").isZero();
        assertThat(cluster.preview()).as("the preview back on production's colour").isEqualTo(Colour.BLUE);
        assertThat(cluster.replicas(Colour.GREEN)).isZero();
        assertThat(context.failure()).isInstanceOf(AbortException.class).hasMessageStartingWith(
                "blueGreenSwitch aborted").hasMessageContaining("production is on blue");
        assertThat(record().getDecisions()).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("bob"));
    }

    @Test
    void stopInTheScaleDownWindowSwitchesBackInOneWriteAndLogsEachActionBeforeTheStepEnds() throws Exception {
        BlueGreenSwitchStep step = step();
        step.setAutoPromotionSeconds(0);
        step.setScaleDownDelaySeconds(600);
        step.setAbortScaleDownDelaySeconds(60);
        BlueGreenSwitchStep.Execution execution = start(step);
        harness.settle();
        assertThat(cluster.production()).as("promoted at once").isEqualTo(Colour.GREEN);
        harness.advance(Duration.ofMinutes(4));
        assertThat(cluster.replicas(Colour.BLUE)).isEqualTo(4);

        FlowInterruptedException abort = new FlowInterruptedException(Result.ABORTED,
                new CauseOfInterruption.UserInterruption("carol"));
        execution.stop(abort);
        harness.settle();
        assertThat(cluster.production()).as("switched back at once: blue was still at full size").isEqualTo(Colour.BLUE);
        assertThat(cluster.productionSwitches()).as("the switch and the switch back").isEqualTo(2);
        assertThat(context.completions()).as("the step waits for abortScaleDownDelaySeconds").isZero();

        harness.advance(Duration.ofSeconds(60));
        assertThat(context.failure()).isSameAs(abort);
        assertThat(cluster.replicas(Colour.GREEN)).isZero();
        assertThat(cluster.replicas(Colour.BLUE)).as("the old colour was never scaled down").isEqualTo(4);
        String text = log.text();
        assertThat(text).contains("stopping: switching production back to blue (Aborted by carol)")
                .contains("[rollback] " + FakeBlueGreenCluster.ACTIVE + ": slot=green -> slot=blue")
                .contains("[rollback] " + FakeBlueGreenCluster.PREVIEW + ": slot=green -> slot=blue")
                .contains("[rollback] deployment/pay/payments-green: replicas 4, image payments:2.0 -> replicas 0");
        assertThat(text.lastIndexOf("[rollback]")).isLessThan(text.lastIndexOf("Aborted: "));
        assertThat(record().getStatus()).isEqualTo("Aborted");
        assertThat(record().getDecisions()).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("carol"));
    }

    @Test
    void aFailedPostPromotionAnalysisSwitchesBackWithinTheWindow() throws Exception {
        BlueGreenSwitchStep step = step();
        step.setAutoPromotionSeconds(0);
        step.setPostPromotionAnalysis(successRate());
        step.setAnalysisArgs(Structs.instantiate(BlueGreenSwitchStep.class, Map.of("analysisArgs",
                Map.of("service", "payments"))).getAnalysisArgs());
        start(step);
        harness.settle();
        assertThat(cluster.production()).isEqualTo(Colour.GREEN);

        successRate = 0.5;
        harness.advance(Duration.ofMinutes(2));
        assertThat(cluster.production()).isEqualTo(Colour.BLUE);
        assertThat(cluster.productionSwitches()).isEqualTo(2);
        assertThat(cluster.replicas(Colour.BLUE)).isEqualTo(4);
        assertThat(context.failure()).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("blueGreenSwitch rolled back").hasMessageContaining("post-promotion");
        assertThat(record().getRollbackActions()).anySatisfy(e -> assertThat(e.toLogLine())
                .contains(FakeBlueGreenCluster.ACTIVE + ": slot=green -> slot=blue"));
    }

    @Test
    void aFailedPrePromotionAnalysisNeverTouchesProductionAndReturnsTheResultWhenAsked() throws Exception {
        successRate = 0.5;
        BlueGreenSwitchStep step = step();
        step.setPrePromotionAnalysis(successRate());
        step.setAnalysisArgs(Structs.instantiate(BlueGreenSwitchStep.class, Map.of("analysisArgs",
                Map.of("service", "payments-preview"))).getAnalysisArgs());
        step.setReturnResult(true);
        start(step);
        harness.advance(Duration.ofMinutes(3));

        assertThat(cluster.productionSwitches()).isZero();
        assertThat(cluster.replicas(Colour.GREEN)).isZero();
        Map<String, Object> result = result();
        assertThat(result).containsEntry("verdict", "Rolled back").containsEntry("promoted", false)
                .containsEntry("activeColour", "blue");
        assertThat(result.get("analyses")).asList().singleElement()
                .satisfies(a -> assertThat(((Map<?, ?>) a).get("verdict")).isEqualTo("Failed"));
    }

    @Test
    void aSerialisedExecutionResumesInTheScaleDownWindowWithItsOriginalEnd() throws Exception {
        BlueGreenSwitchStep step = step();
        step.setAutoPromotionSeconds(0);
        step.setScaleDownDelaySeconds(600);
        BlueGreenSwitchStep.Execution execution = start(step);
        harness.settle();
        harness.advance(Duration.ofMinutes(2));
        assertThat(cluster.production()).isEqualTo(Colour.GREEN);

        byte[] programState = serialise(execution);
        // the controller goes away with its timers and threads, and comes back 3 minutes later
        Harness restarted = harness(harness.scheduler.now().plus(Duration.ofMinutes(3)));
        BlueGreenSwitchStep.Execution restored = (BlueGreenSwitchStep.Execution) deserialise(programState);
        restored.resume(restarted.runtime);
        restarted.settle();
        assertThat(log.text()).contains("resuming the blue-green switch of payments:2.0 after a restart,"
                + " production on green");
        assertThat(restored.getStatus()).contains("scale down wait").contains("production on green");

        restarted.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertThat(cluster.replicas(Colour.BLUE)).as("still inside the window: 10m after the switch").isEqualTo(4);
        restarted.advance(Duration.ofSeconds(1));
        assertThat(cluster.replicas(Colour.BLUE)).isZero();
        assertThat(result()).containsEntry("verdict", "Promoted");
        assertThat(record().getVerdict()).isEqualTo("Promoted");
    }

    @Test
    void aBadPlanFailsWithTheFieldPathBeforeTheClusterIsTouched() throws Exception {
        BlueGreenSwitchStep step = step();
        step.setPreviewService("payments");
        step.setScaleDownDelaySeconds(-1);
        start(step);
        harness.settle();
        assertThat(context.failure()).isInstanceOf(AbortException.class)
                .hasMessageContaining("previewService").hasMessageContaining("scaleDownDelaySeconds");
        assertThat(cluster.calls()).isEmpty();
        assertThat(record()).as("no record for a switch that never started").isNull();
    }

    @Test
    void aPlanFileFromTheWorkspaceWithTheStepsParametersOverridingIt(@TempDir Path ws) throws Exception {
        Files.createDirectories(ws.resolve("deploy"));
        Files.writeString(ws.resolve("deploy/blue-green.yaml"), """
                target: {namespace: pay, deployment: payments, container: app, image: payments:1.5}
                activeService: payments
                previewService: payments-preview
                previewReplicaCount: 1
                autoPromotionSeconds: 60
                """);
        context.put(new hudson.FilePath(ws.toFile()));
        BlueGreenSwitchStep step = new BlueGreenSwitchStep();
        step.setPlanFile("deploy/blue-green.yaml");
        step.setImage("payments:2.0");
        start(step);
        harness.settle();
        assertThat(record().getTitle()).isEqualTo("pay/payments: payments:2.0");
        assertThat(cluster.replicas(Colour.GREEN)).as("previewReplicaCount from the file").isEqualTo(1);

        harness.advance(Duration.ofSeconds(60));
        assertThat(cluster.production()).as("autoPromotionSeconds from the file").isEqualTo(Colour.GREEN);
        assertThat(cluster.replicas(Colour.GREEN)).as("scaled to full size before the switch").isEqualTo(4);
    }
}
