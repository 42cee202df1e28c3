package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.hooks.KubernetesHooks;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.prometheus.BackfilledPrometheus;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.HooksSpec;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hooks around a canary on the mock API server: the test plays the Job controller (it sets the Jobs' status), and a
 * webhook server listens on 127.0.0.1.
 */
class HooksTest {
    @RegisterExtension
    static final BackfilledPrometheus PROMETHEUS = new BackfilledPrometheus();
    private static MockCluster cluster;
    private RolloutHarness harness;
    private HttpServer webhook;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile int webhookStatus = 200;

    private static final String PLAN = """
            target: {namespace: demo, deployment: web, container: app, image: "web:2.0"}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            steps: [{setWeight: 20}, {setWeight: 100}]
            hooks:
            """;
    private static final String MIGRATE = """
              preRollout:
              - name: migrate
                deadline: 1m
                job:
                  spec:
                    template:
                      spec:
                        containers: [{name: migrate, image: "shop/migrate:2.0", args: [expand]}]
            """;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        harness = new RolloutHarness(cluster.reset()).withHostSplit();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hooks", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = (webhookStatus == 200 ? "ok" : "gate closed: change freeze").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(webhookStatus, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        webhook.start();
    }

    @AfterEach
    void stopWebhook() {
        webhook.stop(0);
    }

    private static String jobName(HooksSpec.Phase phase, String hook) {
        return KubernetesHooks.jobName("web", phase, hook, "web:2.0");
    }

    private Job job(String name) {
        return cluster.client.batch().v1().jobs().inNamespace(NS).withName(name).get();
    }

    /** Plays the Job controller: the Job ends with the condition {@code type} (Complete or Failed). */
    private void finishJob(String name, String type) {
        Job job = job(name);
        job.setStatus(new JobStatusBuilder().withConditions(new JobConditionBuilder().withType(type)
                .withStatus("True").withReason(type.equals("Failed") ? "BackoffLimitExceeded" : null)
                .withMessage(type.equals("Failed") ? "Job has reached the specified backoff limit" : null).build())
                .withSucceeded(type.equals("Complete") ? 1 : 0).withFailed(type.equals("Failed") ? 1 : 0).build());
        cluster.client.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();
    }

    private CanaryPlan start(String hooks) {
        CanaryPlan plan = PlanLoader.loadCanary(PLAN + hooks, "plan.yaml");
        cluster.takeRequests();
        harness.start(plan);
        return plan;
    }

    @Test
    void aPreRolloutJobThatSucceedsGatesTheCanaryAndItsPodLogIsInTheTrail() {
        String name = jobName(HooksSpec.Phase.PRE_ROLLOUT, "migrate");
        cluster.client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name + "-x7k2p")
                .withNamespace(NS).addToLabels("batch.kubernetes.io/job-name", name).endMetadata().build()).create();
        cluster.server.expect().get().withPath("/api/v1/namespaces/demo/pods/" + name + "-x7k2p/log?pretty=false")
                .andReturn(200, "applying 0042_add_nullable_column\ndone\n").always();
        start(MIGRATE);

        harness.runUntil(() -> job(name) != null);
        Job created = job(name);
        assertThat(created.getSpec().getActiveDeadlineSeconds()).isEqualTo(60L);
        assertThat(created.getSpec().getBackoffLimit()).isZero();
        assertThat(harness.weights("web", "primary")).as("no traffic before the hook passed")
                .isEqualTo("stable 100, canary 0");
        harness.runUntil(() -> harness.logged(AuditAction.HOOK, "done"));
        finishJob(name, "Complete");
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(harness.log).contains(
                "[hook] job/demo/" + name + ": preRollout hook 'migrate': Job started, deadline 1m",
                "[hook] job/demo/" + name + ": " + name + "-x7k2p: applying 0042_add_nullable_column",
                "[hook] job/demo/" + name + ": preRollout hook 'migrate' succeeded");
        assertThat(harness.log.stream().filter(l -> l.contains("applying 0042")).count())
                .as("each log line once, however often the Job is polled").isEqualTo(1);
        assertThat(job(name)).as("the Job is deleted after it ran").isNull();
        int hookDone = indexOf("preRollout hook 'migrate' succeeded");
        assertThat(indexOf("[weight]")).as("traffic moved only after the hook").isGreaterThan(hookDone);
    }

    @Test
    void aRolloutResumedDuringAHookFollowsTheSameJob() {
        String name = jobName(HooksSpec.Phase.PRE_ROLLOUT, "migrate");
        start(MIGRATE);
        harness.runUntil(() -> job(name) != null);
        assertThat(job(name).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .extracting(e -> e.getName() + "=" + e.getValue())
                .contains("PD_TARGET=demo/web", "PD_PHASE=preRollout", "PD_IMAGE=web:2.0", "PD_HOOK=migrate");
        RolloutState persisted = harness.runner.snapshot(); // the old process goes away: its timers never fire

        RolloutHarness resumed = new RolloutHarness(cluster);
        resumed.resume(persisted);
        resumed.runUntil(() -> resumed.logged(AuditAction.HOOK, "Job started"));
        finishJob(name, "Complete");
        RolloutResult result = resumed.runToEnd();

        assertThat(result.phase()).as(String.join("\n", resumed.log)).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(resumed.log).contains("[hook] job/demo/" + name + ": preRollout hook 'migrate' succeeded");
    }

    @Test
    void anAbortDuringAHookDeletesItsJob() {
        String name = jobName(HooksSpec.Phase.PRE_ROLLOUT, "migrate");
        start(MIGRATE);
        harness.runUntil(() -> job(name) != null);

        harness.runner.abort("alice", "wrong release");
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(job(name)).isNull();
        assertThat(harness.log).contains("[hook] job/demo/" + name + ": deleted: the rollout stopped waiting for it"
                + " (wrong release)");
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void aFailedPreRolloutJobEndsTheRolloutWithZeroWritesToTheRoute() {
        String name = jobName(HooksSpec.Phase.PRE_ROLLOUT, "migrate");
        start(MIGRATE);
        harness.runUntil(() -> job(name) != null);
        finishJob(name, "Failed");
        RolloutResult result = harness.runToEnd();

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(result.message()).isEqualTo("preRollout hook 'migrate' failed: the Job failed:"
                + " BackoffLimitExceeded: Job has reached the specified backoff limit; no traffic was moved");
        List<String> writes = MockCluster.writes(cluster.takeRequests());
        assertThat(writes).noneMatch(w -> w.contains("virtualservices") || w.contains("destinationrules")
                || w.contains("/deployments"));
        assertThat(writes).filteredOn(w -> w.contains("/jobs")).hasSize(3); // create, the test's status, delete
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
    }

    @Test
    void aJobStillRunningAtItsDeadlineIsDeletedAndFailsTheHook() {
        String name = jobName(HooksSpec.Phase.PRE_ROLLOUT, "migrate");
        start(MIGRATE);
        RolloutResult result = harness.runToEnd(); // nobody finishes the Job: the clock runs to its deadline

        assertThat(result.phase()).isEqualTo(RolloutPhase.FAILED);
        assertThat(result.message()).startsWith("preRollout hook 'migrate' failed: the Job was still running after"
                + " its deadline of 1m");
        assertThat(job(name)).isNull();
        assertThat(harness.scheduler.now()).isAfterOrEqualTo(BackfilledPrometheus.T0.plusSeconds(60));
    }

    @Test
    void webhooksReceiveTheEventAndANon2xxAnswerBlocksThePromotion() {
        String url = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hooks";
        harness.taps.add(event -> {
            if (event.action() == AuditAction.HOOK && event.toLogLine().contains("'announce' passed")) {
                webhookStatus = 503;
            }
        });
        start("""
                  preRollout:
                  - name: announce
                    webhook: {url: "%s"}
                  prePromotion:
                  - name: change-freeze
                    webhook: {url: "%s"}
                """.formatted(url, url));
        RolloutResult result = harness.runToEnd();

        assertThat(received).hasSize(2);
        assertThat(received.get(0)).contains("\"target\":\"demo/web\"", "\"phase\":\"preRollout\"",
                "\"verdict\":\"Progressing\"", "\"image\":\"web:2.0\"", "\"hook\":\"announce\"");
        assertThat(received.get(1)).contains("\"phase\":\"prePromotion\"");
        assertThat(result.phase()).as(String.join("\n", harness.log)).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(result.message()).contains("prePromotion hook 'change-freeze' failed: webhook " + url
                + " answered 503: gate closed: change freeze");
        assertThat(harness.weights("web", "primary")).isEqualTo("stable 100, canary 0");
        assertThat(harness.image("web")).as("never promoted").isEqualTo("web:1.0");
    }

    @Test
    void aPostPromotionJobRunsOnlyAfterTheOldVersionIsGone() {
        String name = jobName(HooksSpec.Phase.POST_PROMOTION, "contract");
        start("""
                  postPromotion:
                  - name: contract
                    job:
                      spec:
                        template:
                          spec:
                            containers: [{name: migrate, image: "shop/migrate:2.0", args: [contract]}]
                """);
        harness.runUntil(() -> job(name) != null);
        assertThat(harness.image("web")).as("stable runs the new version").isEqualTo("web:2.0");
        assertThat(harness.replicas("web-canary")).as("no pod of the old version is left to serve").isZero();
        finishJob(name, "Complete");

        assertThat(harness.runToEnd().phase()).isEqualTo(RolloutPhase.PROMOTED);
    }

    private int indexOf(String text) {
        for (int i = 0; i < harness.log.size(); i++) {
            if (harness.log.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("not logged: " + text + "\n" + String.join("\n", harness.log));
    }
}
