package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.analysis.AnalysisPhase;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.kube.BaselineWorkload;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.builtin.IstioSeries;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.CountingProxy;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.testkit.LocalPrometheus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Judge steps and the baseline's lifecycle: against the fabric8 mock API server and a real Prometheus with
 * Istio-shaped series in which the canary of namespace {@code demo} succeeds as often as its baseline but is six
 * times slower ({@link IstioSeries}).
 */
class CanaryJudgeRolloutTest {
    private static MockCluster cluster;
    private static LocalPrometheus prometheus;
    private static CountingProxy proxy;
    private RolloutHarness harness;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start();
        prometheus = LocalPrometheus.builder().backfill(IstioSeries.openMetrics()).start();
        try {
            proxy = new CountingProxy(prometheus.url());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
        proxy.close();
        prometheus.close();
    }

    @BeforeEach
    void freshCluster() {
        harness = new RolloutHarness(cluster.reset()).withHostSplit();
        proxy.clear();
    }

    private static CanaryPlan plan(boolean baseline, String steps) {
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
                abortScaleDownDelay: 30s
                baseline: %s
                metrics:
                  prometheus: {address: '%s'}
                steps:
                %s
                """.formatted(baseline, proxy.url(), steps.indent(2)), "canary.yaml");
    }

    /** The route as it was when each judge verdict was logged. */
    private List<String> routeAtVerdicts() {
        List<String> seen = new ArrayList<>();
        harness.taps.add(event -> {
            if (event.action() == AuditAction.VERDICT && event.details().containsKey("verdict")) {
                seen.add(harness.weights("web", "primary") + "; baseline replicas " + harness.replicas("web-baseline")
                        + ", image " + harness.image("web-baseline"));
            }
        });
        return seen;
    }

    private void assertBaselineGone() {
        assertThat(cluster.deployment("web-baseline")).isNull();
        assertThat(cluster.client.services().inNamespace(NS).withName("web-baseline").get()).isNull();
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void aPassingJudgeContinuesAndThePromotionRemovesTheBaseline() {
        List<String> route = routeAtVerdicts();
        RolloutResult result = harness.start(plan(true, """
                - setWeight: 10
                - judge: {metrics: [success-rate], window: 10m}
                - setWeight: 40
                """)).runToEnd();

        assertThat(result.phase()).as(String.join("\n", harness.log)).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(route).containsExactly("stable 80, canary 10, baseline 10; baseline replicas 1, image web:1.0");
        assertThat(result.analyses()).singleElement().satisfies(judge -> {
            assertThat(judge.name()).isEqualTo("step-2-judge");
            assertThat(judge.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
            assertThat(judge.message()).isEqualTo("score 100 reaches the pass threshold 95; the canary was"
                    + " compared with the baseline");
        });
        assertThat(harness.logged(AuditAction.VERDICT, "judge step-2-judge metric success-rate Pass")).isTrue();
        assertThat(harness.logged(AuditAction.START, "judge step-2-judge metric success-rate: 100 * (sum(rate("
                + "istio_requests_total{reporter=\"destination\",destination_workload_namespace=\"demo\","
                + "destination_workload=\"web-canary\"")).isTrue();
        assertThat(harness.logged(AuditAction.SCALE, "deployment/demo/web-baseline: absent -> replicas 1, image"
                + " web:1.0")).isTrue();
        assertThat(harness.logged(AuditAction.ROUTE, "deployment/demo/web-baseline")).isFalse();
        // the baseline's route writes go from the route as last written: no write of the engine conflicts with its own
        assertThat(harness.log).noneMatch(line -> line.contains("[retry]"));
        assertBaselineGone();
        assertThat(harness.image("web")).isEqualTo("web:2.0");
    }

    @Test
    void aFailingJudgeRollsBackAndTheRollbackRemovesTheBaseline() {
        RolloutResult result = harness.start(plan(true, """
                - setWeight: 10
                - judge: {metrics: [success-rate, latency-p99], window: 10m}
                - setWeight: 40
                """)).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).isEqualTo("rolled back: analysis step-2-judge was Failed: score 50 is below the"
                + " marginal threshold 75 (latency-p99 High); the canary was compared with the baseline; traffic is on"
                + " stable web (web:1.0)");
        AuditEvent latency = harness.trail.events().stream().filter(e -> e.action() == AuditAction.VERDICT
                && "latency-p99".equals(e.details().get("metric"))).findFirst().orElseThrow();
        assertThat(latency.details()).containsEntry("classification", "High").containsEntry("canarySamples", "20")
                .containsEntry("controlSamples", "20").containsKeys("pValue", "estimate", "lower", "upper",
                        "effectSize", "canarySeries", "controlSeries");
        assertThat(Double.parseDouble(latency.details().get("estimate"))).isGreaterThan(100);
        assertThat(harness.logged(AuditAction.ROLLBACK, "virtualservice/demo/web route primary: stable 80, canary"
                + " 10, baseline 10 -> stable 100, canary 0, baseline 0")).isTrue();
        assertThat(harness.logged(AuditAction.ROLLBACK, "deployment/demo/web-baseline")).isTrue();
        assertBaselineGone();
        assertThat(harness.image("web")).isEqualTo("web:1.0");
    }

    @Test
    void anAbortRemovesTheBaseline() {
        harness.start(plan(true, """
                - setWeight: 20
                - pause: {}
                """));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 60, canary 20, baseline 20");
        assertThat(cluster.client.services().inNamespace(NS).withName("web-baseline").get().getSpec().getSelector())
                .containsEntry("track", "baseline").containsEntry("app", "web");
        assertThat(cluster.deployment("web-baseline").getMetadata().getLabels())
                .containsEntry(BaselineWorkload.BASELINE_OF_LABEL, "web");

        harness.runner.abort("alice", "looks wrong");
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertBaselineGone();
    }

    @Test
    void aServiceOfTheBaselinesNameThatIsNotOursStopsTheRolloutBeforeAnyWrite() {
        cluster.createService("web-baseline", "app", "other");

        RolloutResult result = harness.start(plan(true, "- setWeight: 10\n")).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(result.message()).contains("baseline: service web-baseline already exists and is not the"
                + " baseline's");
        assertThat(cluster.deployment("web-canary")).isNull();
        assertThat(cluster.deployment("web-baseline")).isNull();
    }

    @Test
    void withoutABaselineTheJudgeSaysItsComparisonIsBiased() {
        RolloutResult result = harness.start(plan(false, """
                - setWeight: 10
                - judge: {metrics: [latency-p50], window: 10m}
                """)).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(harness.logged(AuditAction.START, "judge step-2-judge compares the canary with the stable"
                + " web over 10m, a sample every 30s; the canary served")).isTrue();
        assertThat(harness.logged(AuditAction.START, "no baseline: the comparison with the stable is biased"))
                .isTrue();
        assertThat(cluster.deployment("web-baseline")).isNull();
    }

    private AuditEvent judgeVerdict() {
        return harness.trail.events().stream().filter(e -> e.action() == AuditAction.VERDICT
                && e.details().containsKey("verdict")).findFirst().orElseThrow();
    }

    /** The instant queries that count the canary's requests, and each side's range queries. */
    private static List<String> rangeQueries() {
        return proxy.to("/api/v1/query_range").stream().map(CountingProxy.Request::form).toList();
    }

    @Test
    void theJudgeWaitsUntilItsWindowCoversTheNewWeightThenAsksForEachSideWithOneRangeQuery() {
        RolloutResult result = harness.start(plan(true, """
                - setWeight: 10
                - judge: {metrics: [success-rate, latency-p99], window: 10m}
                """)).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        java.time.Instant weighted = harness.first(AuditAction.WEIGHT, "-> stable 80, canary 10, baseline 10").time();
        java.time.Instant end = weighted.plus(java.time.Duration.ofMinutes(10));
        assertThat(harness.logged(AuditAction.PAUSE, "judge of step 2/2 collects its 10m window in 10m")).isTrue();
        assertThat(judgeVerdict().time()).isEqualTo(end);

        // two HTTP requests per metric (canary and baseline), plus one instant query counting the canary's requests
        List<String> ranges = rangeQueries();
        assertThat(ranges).hasSize(4).allSatisfy(form -> assertThat(form)
                .contains("&start=" + end.minusSeconds(570).getEpochSecond() + ".000&end=" + end.getEpochSecond()
                        + ".000&step=30.0&"));
        assertThat(ranges).filteredOn(f -> f.contains("destination_workload=\"web-canary\"")).hasSize(2);
        assertThat(ranges).filteredOn(f -> f.contains("destination_workload=\"web-baseline\"")).hasSize(2);
        assertThat(proxy.to("/api/v1/query")).filteredOn(r -> r.form().contains("increase(")).hasSize(1);
        AuditEvent latency = harness.trail.events().stream().filter(e -> e.action() == AuditAction.VERDICT
                && "latency-p99".equals(e.details().get("metric"))).findFirst().orElseThrow();
        assertThat(latency.details()).containsEntry("canarySamples", "20").containsEntry("controlSamples", "20");
    }

    @Test
    void aPauseAsLongAsTheWindowBeforeTheJudgeIsNotWaitedForAgain() {
        harness.start(plan(true, """
                - setWeight: 10
                - pause: 10m
                - judge: {metrics: [success-rate], window: 10m}
                """)).runToEnd();

        java.time.Instant weighted = harness.first(AuditAction.WEIGHT, "-> stable 80, canary 10, baseline 10").time();
        assertThat(harness.logged(AuditAction.PAUSE, "collects its")).isFalse();
        assertThat(judgeVerdict().time()).isEqualTo(weighted.plus(java.time.Duration.ofMinutes(10)));
    }

    @Test
    void aJudgeWaitingForItsWindowResumesAfterARestartAndCollectsTheSameWindow() {
        harness.start(plan(true, """
                - setWeight: 10
                - judge: {metrics: [success-rate, latency-p99], window: 10m}
                """));
        harness.runUntil(() -> harness.logged(AuditAction.PAUSE, "collects its"));
        RolloutState waiting = RolloutState.fromJson(harness.runner.snapshot().toJson());
        assertThat(waiting.stage()).isEqualTo(Stage.JUDGE);
        assertThat(rangeQueries()).isEmpty();

        RolloutHarness restarted = new RolloutHarness(cluster);
        restarted.scheduler.advance(java.time.Duration.between(restarted.scheduler.now(), harness.scheduler.now()
                .plus(java.time.Duration.ofMinutes(3))));
        RolloutResult result = restarted.resume(waiting).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(restarted.trail.events().stream().filter(e -> e.action() == AuditAction.VERDICT
                && e.details().containsKey("verdict")).findFirst().orElseThrow().time()).isEqualTo(waiting.dueAt());
        assertThat(rangeQueries()).hasSize(4).allSatisfy(form -> assertThat(form)
                .contains("&end=" + waiting.dueAt().getEpochSecond() + ".000&"));
        assertBaselineGoneIn(restarted);
    }

    @Test
    void aRestartDuringThePauseBeforeAJudgeLeavesTheJudgesWindowWhereItWouldHaveBeen() throws Exception {
        String steps = """
                - setWeight: 10
                - pause: 4m
                - judge: {metrics: [success-rate], window: 10m}
                """;
        harness.start(plan(true, steps)).runToEnd();
        java.time.Instant weighted = harness.first(AuditAction.WEIGHT, "-> stable 80, canary 10, baseline 10").time();
        List<String> uninterrupted = rangeQueries();
        assertThat(uninterrupted).hasSize(2);
        String window = "&start=" + weighted.plusSeconds(30).getEpochSecond() + ".000&end="
                + weighted.plusSeconds(600).getEpochSecond() + ".000&";
        assertThat(uninterrupted).allSatisfy(form -> assertThat(form).contains(window));

        cluster.reset();
        proxy.clear();
        RolloutHarness first = new RolloutHarness(cluster).withHostSplit();
        first.start(plan(true, steps));
        first.runUntil(() -> first.logged(AuditAction.PAUSE, "for 4m"));
        java.time.Instant weightedAgain = first.first(AuditAction.WEIGHT, "-> stable 80, canary 10, baseline 10")
                .time();
        // saved as Jenkins saves it (Java serialisation) and as the CLI saves it (JSON)
        RolloutState paused = RolloutState.fromJson(javaCopy(first.runner.suspend()).toJson());
        assertThat(paused.weightSince()).isEqualTo(weightedAgain);

        RolloutHarness restarted = first.restarted();
        restarted.scheduler.advance(java.time.Duration.ofMinutes(2));
        restarted.resume(paused).runToEnd();

        assertThat(restarted.logged(AuditAction.PAUSE, "collects its 10m window in 10m")).isFalse();
        String sameWindow = "&start=" + weightedAgain.plusSeconds(30).getEpochSecond() + ".000&end="
                + weightedAgain.plusSeconds(600).getEpochSecond() + ".000&";
        assertThat(rangeQueries()).hasSize(2).allSatisfy(form -> assertThat(form).contains(sameWindow));
    }

    @Test
    void aJudgesFullResultIsSavedWithTheStateAndEndsInTheRolloutsResult() throws Exception {
        harness.start(plan(true, """
                - setWeight: 10
                - judge: {metrics: [success-rate], window: 10m}
                - pause: {}
                """));
        harness.runUntil(() -> harness.runner.status().awaitingPromotion());
        RolloutState paused = RolloutState.fromJson(javaCopy(harness.runner.suspend()).toJson());
        assertThat(paused.judgements()).singleElement().satisfies(judged -> {
            assertThat(judged.analysis().name()).isEqualTo("step-2-judge");
            assertThat(judged.outcome().scorecard().control()).isEqualTo("baseline");
            assertThat(judged.outcome().scorecard().metrics()).singleElement().satisfies(metric -> {
                assertThat(metric.name()).isEqualTo("success-rate");
                assertThat(metric.canarySamples()).isEqualTo(20);
                assertThat(metric.canaryValues()).isEmpty(); // the series stay in the record only
            });
        });

        RolloutHarness restarted = harness.restarted();
        restarted.resume(paused);
        restarted.runUntil(() -> restarted.runner.status().awaitingPromotion());
        assertThat(restarted.runner.promote("alice")).isTrue();
        RolloutResult result = restarted.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(result.judgements()).isEqualTo(paused.judgements());
    }

    private static <T extends java.io.Serializable> T javaCopy(T value) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            T copy = (T) in.readObject();
            return copy;
        }
    }

    private void assertBaselineGoneIn(RolloutHarness h) {
        assertThat(cluster.deployment("web-baseline")).isNull();
        assertThat(h.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    // ---- a baseline with a subset split: subset baseline of the DestinationRule, the route's third destination ----

    private static final String SUBSET_VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web, namespace: demo}
            spec:
              hosts: [web]
              http:
              - name: primary
                route:
                - destination: {host: web, subset: stable}
                  weight: 100
                - destination: {host: web, subset: canary}
                  weight: 0
            """;

    private static String destinationRule(String... subsets) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: web, namespace: demo}
                spec:
                  host: web
                  subsets:
                """);
        for (String subset : subsets) {
            yaml.append("  - name: ").append(subset).append("\n    labels: {version: placeholder}\n");
        }
        return yaml.toString();
    }

    /** Stable web (4 replicas), Service web selecting app=web, the subset-split VirtualService and its rule. */
    private RolloutHarness subsetSplit(String... subsets) {
        RolloutHarness subsetHarness = new RolloutHarness(cluster.reset());
        cluster.servingIstio("v1");
        cluster.create(MockCluster.stableDeployment("web", 4));
        cluster.markRolledOut("web");
        cluster.createService("web", "app", "web");
        cluster.createIstio("v1", SUBSET_VS);
        cluster.createIstio("v1", destinationRule(subsets));
        return subsetHarness;
    }

    private static CanaryPlan subsetPlan(String steps) {
        return PlanLoader.loadCanary("""
                target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
                traffic:
                  istio: {virtualService: web, route: primary, destinationRule: web}
                abortScaleDownDelay: 30s
                baseline: true
                metrics:
                  prometheus: {address: '%s'}
                steps:
                %s
                """.formatted(proxy.url(), steps.indent(2)), "canary.yaml");
    }

    private static String subsetWeights(RolloutHarness h) {
        return h.weights("web", "primary");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> subsetLabels(String subset) {
        Map<String, Object> spec = (Map<String, Object>) cluster.getIstio("v1", "DestinationRule", "web")
                .getAdditionalProperties().get("spec");
        for (Object candidate : (List<Object>) spec.get("subsets")) {
            Map<String, Object> map = (Map<String, Object>) candidate;
            if (subset.equals(map.get("name"))) {
                return (Map<String, Object>) map.get("labels");
            }
        }
        return null;
    }

    private static void assertSubsetBaselineGone(RolloutHarness h) {
        assertThat(cluster.deployment("web-baseline")).isNull();
        assertThat(cluster.client.services().inNamespace(NS).withName("web-baseline").get()).isNull();
        assertThat(subsetWeights(h)).isEqualTo("stable 100, canary 0");
        // the subset is the user's: it stays in the DestinationRule
        assertThat(subsetLabels("baseline")).isNotNull();
    }

    @Test
    void withASubsetSplitTheBaselineIsSubsetBaselineAtTheCanarysWeightAndThePromotionRemovesIt() {
        RolloutHarness h = subsetSplit("stable", "canary", "baseline");
        List<String> seen = new ArrayList<>();
        h.taps.add(event -> {
            if (event.action() == AuditAction.VERDICT && event.details().containsKey("verdict")) {
                seen.add(subsetWeights(h) + "; baseline subset " + subsetLabels("baseline"));
            }
        });
        RolloutResult result = h.start(subsetPlan("""
                - setWeight: 10
                - judge: {metrics: [success-rate], window: 10m}
                - setWeight: 40
                """)).runToEnd();

        assertThat(result.phase()).as(String.join("\n", h.log)).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(seen).containsExactly("stable 80, canary 10, baseline 10; baseline subset {app=web,"
                + " track=baseline}");
        assertThat(h.observedWeights).startsWith("stable 80, canary 10, baseline 10",
                "stable 20, canary 40, baseline 40");
        assertThat(h.logged(AuditAction.ROUTE, "destinationrule/demo/web subset baseline: {version=placeholder} ->"
                + " {app=web, track=baseline}")).isTrue();
        assertThat(h.logged(AuditAction.ROUTE, "baseline destination subset baseline added at weight 0")).isTrue();
        assertThat(subsetLabels("canary")).containsEntry("track", "canary");
        assertSubsetBaselineGone(h);
    }

    @Test
    void withASubsetSplitAFailingJudgeRollsBackAndRemovesTheBaselineDestination() {
        RolloutHarness h = subsetSplit("stable", "canary", "baseline");
        RolloutResult result = h.start(subsetPlan("""
                - setWeight: 20
                - judge: {metrics: [latency-p99], window: 10m}
                """)).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(h.logged(AuditAction.ROLLBACK, "virtualservice/demo/web route primary: stable 60, canary"
                + " 20, baseline 20 -> stable 100, canary 0, baseline 0")).isTrue();
        assertThat(h.logged(AuditAction.ROLLBACK, "deployment/demo/web-baseline")).isTrue();
        assertSubsetBaselineGone(h);
    }

    @Test
    void withASubsetSplitAnAbortRemovesTheBaselineDestination() {
        RolloutHarness h = subsetSplit("stable", "canary", "baseline");
        h.start(subsetPlan("""
                - setWeight: 20
                - pause: {}
                """));
        h.runUntil(() -> h.runner.status().awaitingPromotion());
        assertThat(subsetWeights(h)).isEqualTo("stable 60, canary 20, baseline 20");

        h.runner.abort("alice", "looks wrong");
        RolloutResult result = h.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertSubsetBaselineGone(h);
    }

    @Test
    void withASubsetSplitADestinationRuleWithoutABaselineSubsetStopsTheRolloutBeforeAnyWrite() {
        RolloutHarness h = subsetSplit("stable", "canary");

        RolloutResult result = h.start(subsetPlan("- setWeight: 10\n")).runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(result.message()).contains("baseline: destinationrule web has no subset baseline (its subsets:"
                + " stable, canary); with a subset split the baseline's share goes to it: add '- name: baseline' to"
                + " spec.subsets");
        assertThat(cluster.deployment("web-canary")).isNull();
        assertThat(cluster.deployment("web-baseline")).isNull();
        assertThat(subsetWeights(h)).isEqualTo("stable 100, canary 0");
    }
}
