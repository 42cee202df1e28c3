package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.traffic.istio.IstioApi;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix of issue 9 for canaries: whatever the API server does, a rollback ends with all traffic on stable
 * running the stable version, or says plainly that it did not and how to finish it. Faults come from the mock API
 * server's expectations or from {@link FaultyCanaryCluster}; time is the manual clock.
 */
class RollbackFaultsTest {
    private static final String VS_PATH = "/apis/networking.istio.io/v1/namespaces/demo/virtualservices/web";
    private static final String STABLE_PATH = "/apis/apps/v1/namespaces/demo/deployments/web";

    private static MockCluster cluster;
    private RolloutHarness harness;
    private FaultyCanaryCluster faults;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void freshCluster() {
        harness = new RolloutHarness(cluster.reset()).withHostSplit();
        harness.wrap = real -> faults = new FaultyCanaryCluster(real, harness.scheduler::now);
        harness.metrics = (metric, at) -> MetricValue.vector(List.of(0.5)); // a bad canary's error rate
    }

    private static CanaryPlan plan(String extra, String steps) {
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 30s
                readinessTimeout: 2m
                """ + extra + "steps:\n" + steps, "canary.yaml");
    }

    /** 20 %, then an indefinite pause: where the faults of the matrix strike. */
    private static CanaryPlan pausedAt20(String extra) {
        return plan(extra, """
                  - setWeight: 20
                  - pause: {}
                  - setWeight: 60
                """);
    }

    /**
     * 20 %, then an analysis whose one measurement, 10 s later, fails: the scripted error rate is 0.5 against
     * {@code failureCondition: result[0] > 0.01}. The rollback the faults strike is the one a bad canary causes.
     */
    private static CanaryPlan failingAt20() {
        return plan("", """
                  - setWeight: 20
                  - analysis:
                      metrics:
                        - name: error-rate
                          initialDelay: 10s
                          count: 1
                          failureCondition: result[0] > 0.01
                          provider: {prometheus: {address: "http://prometheus.example:9090", query: error_rate}}
                  - setWeight: 60
                """);
    }

    /** Runs to the analysis at 20 %; returns when its Failed verdict comes, and the rollback starts. */
    private Instant runToTheAnalysis() {
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.ANALYSIS);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 80, canary 20");
        return harness.scheduler.now().plusSeconds(10);
    }

    /** Starts {@link #pausedAt20} and runs it to the pause at 20 %, where an abort or a fault strikes. */
    private void startAndRunToThePause(String extra) {
        harness.start(pausedAt20(extra));
        runToThePause();
    }

    /** A person aborts the paused canary; the rollback runs to its end, whatever the faults make of it. */
    private RolloutResult abortAndRunToEnd() {
        assertThat(harness.runner.abort("alice", "bad canary")).isTrue();
        return harness.runToEnd();
    }

    private void runToThePause() {
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 80, canary 20");
    }

    private List<AuditEvent> rollbackRetries() {
        return harness.trail.events().stream().filter(e -> e.action() == AuditAction.RETRY
                && e.after().startsWith("rollback attempt")).toList();
    }

    private static io.fabric8.kubernetes.api.model.Status status(int code, String reason) {
        return new StatusBuilder().withCode(code).withReason(reason).withMessage(reason).build();
    }

    // ---- a rollback restores what was there --------------------------------------------------------------------

    @Test
    void aPromotedStableThatNeverBecomesReadyGetsItsOldPodTemplateBackBeforeTrafficMovesToIt() {
        List<String> atTrafficRollback = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.SCALE && event.resource().equals("deployment/demo/web")
                    && event.after().contains("web:2.0")) {
                harness.neverReady.add("web"); // the new image never becomes ready in stable
            }
            if (event.action() == AuditAction.ROLLBACK && event.resource().equals("deployment/demo/web")
                    && event.toLogLine().contains("put back")) {
                harness.neverReady.remove("web"); // the old one does
            }
            if (event.action() == AuditAction.ROLLBACK && event.resource().startsWith("virtualservice/")
                    && event.before() != null) {
                Deployment stable = cluster.deployment("web");
                atTrafficRollback.add(harness.image("web") + " ready "
                        + stable.getSpec().getReplicas().equals(stable.getStatus().getReadyReplicas())
                        + " generation observed " + stable.getMetadata().getGeneration()
                        .equals(stable.getStatus().getObservedGeneration()));
            }
        });
        harness.start(plan("", """
                  - setWeight: 20
                  - setWeight: 100
                """));

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(harness.image("web")).isEqualTo("web:1.0");
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(atTrafficRollback).as("stable runs the stable version, ready, when traffic moves to it")
                .containsExactly("web:1.0 ready true generation observed true");
        assertThat(result.message()).contains("was not ready within 2m").contains("traffic is on stable web (web:1.0)");
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[rollback] deployment/demo/web:"
                + " replicas 4, image web:2.0 -> replicas 4, image web:1.0").contains("pod template from before"));
    }

    @Test
    void aRestoredStableThatTakesLongerThanReadinessTimeoutIsWaitedForNeverGivenUpOn() {
        harness.taps.add(event -> {
            if (event.action() == AuditAction.SCALE && event.resource().equals("deployment/demo/web")
                    && event.after().contains("web:2.0")) {
                harness.neverReady.add("web");
            }
        });
        harness.start(plan("", """
                  - setWeight: 20
                  - setWeight: 100
                """));
        harness.runUntil(() -> harness.trail.events().stream().filter(e -> e.after() != null
                && e.after().startsWith("still waiting for web (web:1.0)")).count() == 2);
        assertThat(harness.image("web")).isEqualTo("web:1.0");
        assertThat(harness.weights("web", "primary")).as("traffic stays where pods are ready")
                .isEqualTo("stable 0, canary 100");

        harness.neverReady.remove("web");
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void apiLatencyAfterThePromotionWriteRollsBackToTheOldImageNotJustTheOldWeights() throws Exception {
        // The API server answers the reads of the promoted stable only after the client's request timeout (here
        // 250 ms instead of 30 s, and the answer 1 s late instead of 30 s): real timeouts, not a stand-in exception.
        try (var slowClient = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(cluster.client.getConfiguration())
                        .withRequestTimeout(250).build()).build()) {
            harness.client = slowClient;
            harness.taps.add(event -> {
                if (event.action() == AuditAction.SCALE && event.resource().equals("deployment/demo/web")
                        && event.after().contains("web:2.0")) {
                    // the test's own reads of web (playing its controller) would take the late answers: it pauses
                    harness.neverReady.add("web");
                    Deployment promoted = cluster.deployment("web");
                    cluster.server.expect().get().delay(1, java.util.concurrent.TimeUnit.SECONDS)
                            .withPath(STABLE_PATH).andReturn(200, promoted).times(4);
                }
                if (event.action() == AuditAction.ROLLBACK && event.resource().equals("deployment/demo/web")
                        && event.toLogLine().contains("put back")) {
                    harness.neverReady.remove("web");
                }
            });
            harness.start(plan("", """
                      - setWeight: 20
                      - setWeight: 100
                    """));

            RolloutResult result = harness.runToEnd();

            assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
            assertThat(harness.image("web")).isEqualTo("web:1.0");
            assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
            assertThat(harness.trail.events()).filteredOn(e -> e.action() == AuditAction.RETRY)
                    .as("each late answer is a timeout, retried").hasSize(3)
                    .allSatisfy(e -> assertThat(e.reason()).containsIgnoringCase("timeout"));
            assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[rollback] deployment/demo/web:"
                    + " replicas 4, image web:2.0 -> replicas 4, image web:1.0"));
            assertThat(result.message()).contains("traffic is on stable web (web:1.0)");
        }
    }

    // ---- a rollback retries until traffic is safe --------------------------------------------------------------

    @Test
    void aRollbackIsOneRequestAPutOfTheRouteLastRead() {
        List<String> requests = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.ROLLBACK && event.after().startsWith("moving all traffic")) {
                cluster.takeRequests();
            } else if (event.action() == AuditAction.ROLLBACK && event.resource().startsWith("virtualservice/")) {
                requests.addAll(cluster.takeRequests());
            }
        });
        startAndRunToThePause("");

        harness.runner.abort("alice", "bad");

        // the last request is this harness reading the weights back for the event
        assertThat(requests).containsExactly("PUT " + VS_PATH, "GET " + VS_PATH);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void conflictsOnEveryRollbackPutAreReReadAndRetriedUntilTheOtherWriterStops() {
        harness.start(failingAt20());
        Instant failedAt = runToTheAnalysis();
        // Someone keeps editing the VirtualService: two rounds of five re-reads fail, the third gets through.
        cluster.server.expect().put().withPath(VS_PATH).andReturn(409, status(409, "Conflict")).times(12);

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("analysis step-2 was Failed");
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(rollbackRetries()).hasSize(2).allSatisfy(e -> assertThat(e.reason()).contains("409 Conflict"));
        assertThat(harness.trail.events()).filteredOn(e -> e.action() == AuditAction.ROLLBACK
                && e.resource().startsWith("virtualservice/") && e.before() != null).singleElement()
                .satisfies(e -> assertThat(e.time()).isEqualTo(failedAt.plusSeconds(1 + 2)));
    }

    @Test
    void fourServerErrorsInARowAreRetriedAfter1_2_4_8SecondsAndTheFifthAttemptHolds() {
        harness.start(failingAt20());
        Instant failedAt = runToTheAnalysis();
        cluster.server.expect().put().withPath(VS_PATH).andReturn(500, status(500, "InternalError")).times(4);

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("analysis step-2 was Failed");
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(rollbackRetries()).extracting(AuditEvent::after).containsExactly(
                "rollback attempt 1 failed; next attempt at " + failedAt.plusSeconds(1) + " (in 1s), retrying until"
                        + " traffic is safe",
                "rollback attempt 2 failed; next attempt at " + failedAt.plusSeconds(3) + " (in 2s), retrying until"
                        + " traffic is safe",
                "rollback attempt 3 failed; next attempt at " + failedAt.plusSeconds(7) + " (in 4s), retrying until"
                        + " traffic is safe",
                "rollback attempt 4 failed; next attempt at " + failedAt.plusSeconds(15) + " (in 8s), retrying until"
                        + " traffic is safe");
        assertThat(rollbackRetries()).allSatisfy(e -> assertThat(e.reason()).contains("answered 500"));
        assertThat(harness.first(AuditAction.ROLLBACK, "stable 80, canary 20 -> stable 100, canary 0").time())
                .isEqualTo(failedAt.plusSeconds(15));
    }

    @Test
    void unavailableOnEveryWriteAfterTheShiftRetriesWithTheBackoffCappedAt30SecondsAndSaysSoInTheStatus() {
        harness.start(failingAt20());
        Instant failedAt = runToTheAnalysis();
        cluster.server.expect().put().withPath(VS_PATH).andReturn(503, status(503, "ServiceUnavailable")).times(8);
        cluster.server.expect().put().withPath(STABLE_PATH + "-canary").andReturn(503,
                status(503, "ServiceUnavailable")).times(2);
        List<String> statuses = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.RETRY) {
                statuses.add(harness.runner.status().line());
            }
        });

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("analysis step-2 was Failed");
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(harness.replicas("web-canary")).isZero();
        assertThat(rollbackRetries()).hasSize(8);
        long waited = 1 + 2 + 4 + 8 + 16 + 30 + 30 + 30;
        assertThat(harness.first(AuditAction.ROLLBACK, "-> stable 100, canary 0").time())
                .isEqualTo(failedAt.plusSeconds(waited));
        assertThat(statuses.get(7)).isEqualTo("ROLLING BACK \u2014 retrying (attempt 8, API answering 503 since "
                + failedAt + "), step 2/3, canary 20%");
    }

    @Test
    void theApiUnreachableFor40SecondsDuringThePauseNeitherEndsThePauseNorTheRollback() {
        // The runner reaches the API server through a proxy that is taken down: real refused connections.
        try (var proxy = new io.jenkins.plugins.progressivedelivery.engine.kube.ApiOutageProxy(cluster.server.url("/"));
             var client = KubeClients.create(KubernetesConnection.token(proxy.url(), "test-token", null))) {
            harness.client = client;
            startAndRunToThePause("");
            Instant outage = harness.scheduler.now();
            proxy.down();
            harness.scheduler.schedule(Duration.ofSeconds(40), proxy::up);
            harness.scheduler.advance(Duration.ofSeconds(10));
            assertThat(harness.runner.status().phase()).isEqualTo(RolloutPhase.PAUSED);

            harness.runner.abort("alice", "bad canary");
            assertThat(harness.runner.status().line()).startsWith("ROLLING BACK \u2014 retrying (attempt 1, API"
                    + " unreachable since " + outage.plusSeconds(10) + ")");
            RolloutResult result = harness.runToEnd();

            assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
            assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
            // attempts at +10, 11, 13, 17, 25 fail; the next, 16 s later at +41, holds
            assertThat(rollbackRetries()).hasSize(5).allSatisfy(e -> assertThat(e.reason())
                    .contains("the API server did not answer"));
            assertThat(harness.first(AuditAction.ROLLBACK, "-> stable 100, canary 0").time())
                    .isEqualTo(outage.plusSeconds(41));
        }
    }

    @Test
    void aSecondAbortDoesNotStopARetryingRollback() {
        startAndRunToThePause("");
        faults.unreachableUntil(harness.scheduler.now().plusSeconds(20));
        harness.runner.abort("alice", "bad canary");

        assertThat(harness.runner.abort("alice", "abort harder")).isFalse();
        assertThat(harness.runner.promote("bob")).isFalse();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void aRollbackTimeoutEndsTheRetriesWithOneLineNamingWhatIsLeftAndTheKubectlCommand() {
        startAndRunToThePause("rollbackTimeout: 1m\n");
        Instant abortedAt = harness.scheduler.now();
        faults.unreachableUntil(Instant.MAX);

        RolloutResult result = abortAndRunToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLBACK_FAILED);
        assertThat(result.phase().trafficSafe()).isFalse();
        // +0, 1, 3, 7, 15, 31 and, the last, at the timeout +60
        assertThat(faults.count("restoreStable failed")).isEqualTo(7);
        assertThat(harness.trail.events().get(harness.trail.events().size() - 1).time())
                .isEqualTo(abortedAt.plusSeconds(60));
        assertThat(result.message()).doesNotContain("\n").startsWith("ROLLBACK FAILED, traffic is NOT safe:"
                + " virtualservice/demo/web route primary still sends 20% of traffic to the canary (web:2.0)")
                .contains("rollbackTimeout 1m passed after 7 attempt(s)")
                .endsWith("finish it by hand: kubectl -n demo patch virtualservices.networking.istio.io web"
                        + " --type=json -p='[{\"op\":\"test\",\"path\":\"/spec/http/1/route/0/destination/host\","
                        + "\"value\":\"web-stable\"},{\"op\":\"add\",\"path\":\"/spec/http/1/route/0/weight\","
                        + "\"value\":100},{\"op\":\"add\",\"path\":\"/spec/http/1/route/1/weight\",\"value\":0}]'");
    }

    @Test
    void forbiddenFailsFastWithTheSameOneLineInstruction() {
        startAndRunToThePause("");
        cluster.server.expect().put().withPath(VS_PATH).andReturn(403, status(403, "Forbidden")).always();

        RolloutResult result = abortAndRunToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLBACK_FAILED);
        assertThat(rollbackRetries()).isEmpty();
        assertThat(result.message()).startsWith("ROLLBACK FAILED, traffic is NOT safe: virtualservice/demo/web"
                + " route primary still sends 20% of traffic").contains("403 Forbidden")
                .contains("finish it by hand: kubectl -n demo patch virtualservices.networking.istio.io web");
        assertThat(harness.log.get(harness.log.size() - 1)).contains("ROLLBACK_FAILED")
                .contains("traffic is NOT safe");
    }

    @Test
    void aDeletedRouteFailsFastAndSaysSo() {
        startAndRunToThePause("");
        cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo")
                .withName("web").delete();

        RolloutResult result = abortAndRunToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLBACK_FAILED);
        assertThat(rollbackRetries()).isEmpty();
        assertThat(result.message()).contains("does not exist (404)").contains("finish it by hand");
    }

    @Test
    void aRestartDuringARetryingRollbackResumesItFromTheSerialisedStateAndKeepsCounting() throws Exception {
        startAndRunToThePause("");
        Instant outageEnds = harness.scheduler.now().plusSeconds(40);
        faults.unreachableUntil(outageEnds);
        harness.runner.abort("alice", "bad canary");
        harness.runUntil(() -> rollbackRetries().size() == 3);
        RolloutState state = javaRoundTrip(RolloutState.fromJson(harness.runner.snapshot().toJson()));
        assertThat(state.stage()).isEqualTo(Stage.ROLLBACK_TRAFFIC);
        assertThat(state.attempt()).isEqualTo(3);

        // The process went away; a new one at the same time, the API still down.
        RolloutHarness restarted = harness.restarted();
        List<FaultyCanaryCluster> again = new ArrayList<>();
        restarted.wrap = real -> {
            FaultyCanaryCluster wrapped = new FaultyCanaryCluster(real, restarted.scheduler::now)
                    .unreachableUntil(outageEnds);
            again.add(wrapped);
            return wrapped;
        };
        restarted.resume(state);
        assertThat(restarted.runner.status().line()).startsWith("ROLLING BACK \u2014 retrying (attempt 4,");
        RolloutResult result = restarted.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(restarted.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(restarted.trail.events()).filteredOn(e -> e.action() == AuditAction.RETRY
                && e.after().startsWith("rollback attempt")).extracting(e -> e.after().substring(0, 18))
                .startsWith("rollback attempt 4");
        assertThat(restarted.replicas("web-canary")).isZero();
    }

    // ---- any route shape that still names stable ---------------------------------------------------------------

    @Test
    void aThirdDestinationAddedDuringThePauseIsDriftAndTheRollbackKeepsItAtZero() {
        harness.start(plan("", """
                  - setWeight: 20
                  - pause: 1m
                  - setWeight: 60
                """));
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        editRoute("kubectl-edit", vsYaml("""
                    - destination: {host: web-stable, port: {number: 80}}
                      weight: 70
                    - destination: {host: web-canary, port: {number: 80}}
                      weight: 20
                    - destination: {host: web-mirror, port: {number: 80}}
                      weight: 10
                """));
        harness.runUntil(() -> harness.logged(AuditAction.DRIFT, "web-mirror"));
        assertThat(harness.runner.status().awaitingPromotion()).isTrue();

        assertThat(harness.logged(AuditAction.DRIFT, "changed by kubectl-edit (Update")).isTrue();
        harness.runner.abort("alice", "someone is experimenting");
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0, mirror 0");
        assertThat(harness.log).anySatisfy(line -> assertThat(line).isEqualTo("[rollback] virtualservice/demo/web"
                + " route primary: stable 70, canary 20, web-mirror 10 -> stable 100, canary 0, web-mirror 0 (ok,"
                + " the route also has web-mirror, which the engine did not add: kept, at weight 0)"));
    }

    @Test
    void anAbortAfterAThirdDestinationWasAddedInAnIndefinitePauseRollsBackInsteadOfRefusing() {
        startAndRunToThePause("");
        editRoute("kubectl-edit", vsYaml("""
                    - destination: {host: web-canary, port: {number: 80}}
                      weight: 20
                    - destination: {host: web-stable, port: {number: 80}}
                      weight: 60
                    - destination: {host: web-shadow, port: {number: 80}}
                      weight: 20
                """));

        RolloutResult result = abortAndRunToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.weights("web", "primary")).isEqualTo("canary 0, stable 100, shadow 0");
        assertThat(harness.logged(AuditAction.ROLLBACK, "kept, at weight 0")).isTrue();
    }

    // ---- drift is a person speaking ----------------------------------------------------------------------------

    @Test
    void anOperatorDrainingTheCanaryByHandPausesTheRolloutInsteadOfBeingUndone() {
        harness.start(plan("", """
                  - setWeight: 20
                  - pause: 2m
                  - setWeight: 60
                """));
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        editRoute("kubectl-patch", vsYaml("""
                    - destination: {host: web-stable, port: {number: 80}}
                      weight: 100
                    - destination: {host: web-canary, port: {number: 80}}
                      weight: 0
                """));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        harness.scheduler.advance(Duration.ofMinutes(10));
        harness.scheduler.runDue();

        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(harness.runner.status().waitingFor()).contains("someone else changed");
        assertThat(harness.log).anySatisfy(line -> assertThat(line).startsWith("[drift] virtualservice/demo/web"
                + " route primary: paused: promote to carry on").contains("route primary is now stable 100, canary 0,"
                + " the engine set stable 80, canary 20; changed by kubectl-patch (Update"));
        assertThat(harness.runner.abort("oscar", "drained it on purpose")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void aCanaryScaledByHandIsDriftAndOnDriftAbortRollsBackAtOnce() {
        harness.start(plan("onDrift: abort\n", """
                  - setWeight: 20
                  - pause: 5m
                  - setWeight: 60
                """));
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        Deployment canary = cluster.deployment("web-canary");
        canary.getSpec().setReplicas(3);
        cluster.client.apps().deployments().inNamespace("demo").resource(canary).update();

        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("deployment/demo/web-canary has 3 replicas, the engine left 1");
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void aStableImageChangedByHandIsDriftBeforeTheNextWeightChange() {
        harness.start(plan("", """
                  - setWeight: 20
                  - setWeight: 60
                """));
        harness.taps.add(event -> {
            if (event.action() == AuditAction.WEIGHT && event.after() != null
                    && event.after().equals("stable 80, canary 20")) {
                Deployment stable = cluster.deployment("web");
                stable.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("web:1.1-hotfix");
                cluster.client.apps().deployments().inNamespace("demo").resource(stable).update();
            }
        });
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());

        assertThat(harness.weights("web", "primary")).as("the next weight was not written")
                .isEqualTo("stable 80, canary 20");
        assertThat(harness.logged(AuditAction.DRIFT, "deployment/demo/web runs web:1.1-hotfix in container app,"
                + " the engine left web:1.0")).isTrue();
        assertThat(harness.runner.promote("alice")).isTrue();
        harness.runUntil(() -> harness.observedWeights.contains("stable 40, canary 60"));
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 40, canary 60");
    }

    @Test
    void onDriftOverwriteLogsTheChangeAndCarriesOn() {
        harness.start(plan("onDrift: overwrite\n", """
                  - setWeight: 20
                  - pause: 1m
                  - setWeight: 60
                """));
        harness.runUntil(() -> harness.runner.snapshot().stage() == Stage.PAUSE);
        editRoute("kubectl-edit", vsYaml("""
                    - destination: {host: web-stable, port: {number: 80}}
                      weight: 90
                    - destination: {host: web-canary, port: {number: 80}}
                      weight: 10
                """));
        harness.runUntil(() -> harness.observedWeights.contains("stable 40, canary 60"));

        assertThat(harness.logged(AuditAction.DRIFT, "the next step writes over it (onDrift: overwrite)")).isTrue();
        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
    }

    // ---- writes per rollout --------------------------------------------------------------------------------------

    @Test
    void aRolloutOfKWeightStepsWritesEachObjectOnlyWhenItsSpecChanges() {
        cluster.takeRequests();
        harness.start(plan("", """
                  - setWeight: 5
                  - setWeight: 20
                  - setWeight: 25
                  - setWeight: 50
                """));

        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
        List<String> writes = MockCluster.writes(cluster.takeRequests()).stream()
                .filter(w -> !w.endsWith("/status")).toList();
        // k = 4 weights + the final shift, 1 promotion, 1 scale-down, and the canary created (1 pod for 5..25 %)
        // and resized once (2 pods for 50 %): weights that share a canary size do not write the canary again.
        assertThat(writes.stream().filter(w -> w.endsWith("/virtualservices/web"))).hasSize(5);
        assertThat(writes.stream().filter(w -> w.endsWith("/deployments/web"))).hasSize(1);
        assertThat(writes.stream().filter(w -> w.contains("/deployments"))).hasSize(1 + 1 + 1 + 1);
        System.out.println("writes per rollout of 4 weight steps: " + writes.size() + " " + writes);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String vsYaml(String primaryRoute) {
        return """
                spec:
                  hosts: [web.example.com]
                  http:
                  - name: admin
                    match: [{uri: {prefix: /admin}}]
                    route:
                    - destination: {host: web-stable}
                  - name: primary
                    retries: {attempts: 3}
                    route:
                """ + primaryRoute;
    }

    /** A person's edit of the VirtualService's spec, recorded in managedFields as the API server would. */
    private void editRoute(String manager, String specYaml) {
        var ops = cluster.client.genericKubernetesResources(IstioApi.virtualServices("v1")).inNamespace("demo");
        GenericKubernetesResource current = ops.withName("web").get();
        GenericKubernetesResource edited = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(specYaml,
                GenericKubernetesResource.class);
        current.setAdditionalProperty("spec", edited.getAdditionalProperties().get("spec"));
        current.getMetadata().setManagedFields(List.of(
                new ManagedFieldsEntryBuilder().withManager("progressive-delivery").withOperation("Update")
                        .withTime("2026-01-01T00:00:00Z").build(),
                new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Update")
                        .withTime(harness.scheduler.now().toString()).build()));
        ops.resource(current).update();
    }

    private static RolloutState javaRoundTrip(RolloutState state) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (RolloutState) in.readObject();
        }
    }
}
