package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditAction;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.Durations;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutPhase;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A blue-green switch of the demo's {@code pay} app to {@code image}: the new version is deployed as the idle colour,
 * checked through the preview Service by the smoke test's error ratio, promoted (by a person, or automatically),
 * switched to by flipping the active Service's selector, and checked again under production traffic, while the old
 * colour stays at full size for {@code scaleDownDelaySeconds}.
 */
final class BlueGreenScenario implements DemoScenario {
    static final String ACTIVE_SERVICE_PATH = "/api/v1/namespaces/" + EmbeddedCluster.NAMESPACE + "/services/"
            + EmbeddedCluster.ACTIVE_SERVICE;

    /** Who promotes the switch that waits for a person. */
    static final String RELEASE_MANAGER = "alice";

    private final String image;
    private final String description;
    private final String fileName;
    private final String expectedOutcome;
    private final boolean autoPromotion;
    private final int expectedProductionMoves;

    /**
     * @param expectedProductionMoves how many times production must move: 1 (the switch) for a promotion, 2 (the
     *                                switch and the switch back) for a version that fails in production
     */
    BlueGreenScenario(String image, String description, String fileName, String expectedOutcome,
                      boolean autoPromotion, int expectedProductionMoves) {
        this.image = image;
        this.description = description;
        this.fileName = fileName;
        this.expectedOutcome = expectedOutcome;
        this.autoPromotion = autoPromotion;
        this.expectedProductionMoves = expectedProductionMoves;
    }

    /** A good version: passes the preview, promoted by {@value #RELEASE_MANAGER}, passes in production. */
    static BlueGreenScenario good() {
        return new BlueGreenScenario("pay:2.0", "a good version, promoted by " + RELEASE_MANAGER,
                "04-bluegreen-good", RolloutPhase.PROMOTED.name(), false, 1);
    }

    /**
     * A version whose pods serve only 20 requests per second each: the preview's smoke test passes, it is promoted
     * automatically, production load makes it shed requests, and it is switched back.
     */
    static BlueGreenScenario bad() {
        return new BlueGreenScenario("pay:3.0", "fine under the smoke test, fails under production load",
                "05-bluegreen-bad", RolloutPhase.ROLLED_BACK.name(), true, 2);
    }

    @Override
    public String title() {
        return "Blue-green switch to " + image + " (" + description + ")";
    }

    @Override
    public String fileName() {
        return fileName;
    }

    @Override
    public String expectedOutcome() {
        return expectedOutcome;
    }

    @Override
    public List<String> trafficFacts(List<AuditEvent> events, List<EmbeddedCluster.ApiWrite> writes) {
        List<String> facts = new ArrayList<>();
        SwitchFacts.promotion(events, writes, ACTIVE_SERVICE_PATH).ifPresent(f -> facts.add("switch: "
                + f.describe()));
        SwitchFacts.switchBack(events, writes, ACTIVE_SERVICE_PATH).ifPresent(f -> facts.add("switch back: "
                + f.describe()));
        return facts;
    }

    boolean autoPromotion() {
        return autoPromotion;
    }

    @Override
    public Running start(DemoEnvironment env, AuditListener audit) {
        String yaml = DemoPlans.blueGreen(image, env.prometheus().toString(), env.timing(), autoPromotion);
        Path planFile = env.outDir().resolve(fileName + ".plan.yaml");
        CanaryScenario.write(planFile, yaml);
        BlueGreenPlan plan = PlanLoader.loadBlueGreen(yaml, planFile.getFileName().toString());
        Colour before = activeColour(env.cluster().client());
        int writesBefore = env.cluster().writes().size();
        KubernetesClient client = env.cluster().newClient();
        CompletableFuture<RolloutResult> ended = new CompletableFuture<>();
        AtomicReference<BlueGreenRunner> runner = new AtomicReference<>();
        AuditListener listener = autoPromotion ? audit : audit.andThen(event -> {
            if (waitsForPromotion(event)) {
                // The release manager looks at the preview for a moment, then promotes. Scheduled, not called from
                // here: the runner is in the middle of emitting this event.
                env.scheduler().schedule(env.timing().promotion(), () -> runner.get().promote(RELEASE_MANAGER));
            }
        });
        runner.set(BlueGreenRunner.start(plan, Map.of("window", Durations.format(env.timing().window())),
                new KubernetesBlueGreenCluster(client, plan), ProviderMeasurementSource.nonBlocking(PrometheusAuth.none()),
                env.scheduler(), env.io(), listener, ended::complete));
        CompletableFuture<Outcome> outcome = ended.thenApply(result -> {
            List<EmbeddedCluster.ApiWrite> writes = env.cluster().writes();
            long moves = productionMoves(writes.subList(writesBefore, writes.size()));
            return new Outcome(result.phase().name(), result.message(),
                    problems(env.cluster().client(), result, before, moves));
        }).whenComplete((o, e) -> client.close());
        return Running.of(outcome, reason -> runner.get().abort("demo", reason));
    }

    /** The promotion gate opened and waits for a person: an indefinite pause. */
    static boolean waitsForPromotion(AuditEvent event) {
        return event.action() == AuditAction.PAUSE && "true".equals(event.details().get("indefinite"));
    }

    /** The colour the active Service selects now. */
    static Colour activeColour(KubernetesClient client) {
        Service active = client.services().inNamespace(EmbeddedCluster.NAMESPACE)
                .withName(EmbeddedCluster.ACTIVE_SERVICE).get();
        return Colour.fromId(active.getSpec().getSelector().get(EmbeddedCluster.COLOUR_LABEL));
    }

    /**
     * What the cluster should look like afterwards: production (and the preview) on the new colour running the new
     * image after a promotion, on the old colour with the old image otherwise; the colour not in production scaled
     * to zero; the one in production at full size; and production moved as often as it should have, so that a
     * version stopped before the switch does not pass for one switched back.
     */
    private List<String> problems(KubernetesClient client, RolloutResult result, Colour before,
                                  long productionMoves) {
        List<String> problems = new ArrayList<>();
        if (productionMoves != expectedProductionMoves) {
            problems.add("production moved in " + productionMoves + " accepted write(s) of service "
                    + EmbeddedCluster.ACTIVE_SERVICE + ", not " + expectedProductionMoves
                    + (expectedProductionMoves == 1 ? " (the switch)" : " (the switch and the switch back)"));
        }
        Colour expected = result.phase() == RolloutPhase.PROMOTED ? before.other() : before;
        Colour active = activeColour(client);
        if (active != expected) {
            problems.add("production (service " + EmbeddedCluster.ACTIVE_SERVICE + ") is on " + active + ", not "
                    + expected);
        }
        Service preview = client.services().inNamespace(EmbeddedCluster.NAMESPACE)
                .withName(EmbeddedCluster.PREVIEW_SERVICE).get();
        String previewColour = preview.getSpec().getSelector().get(EmbeddedCluster.COLOUR_LABEL);
        if (!expected.id().equals(previewColour)) {
            problems.add("the preview (service " + EmbeddedCluster.PREVIEW_SERVICE + ") is on " + previewColour
                    + ", not " + expected);
        }
        Deployment live = deployment(client, expected);
        String liveImage = live == null ? null
                : live.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        if (result.phase() == RolloutPhase.PROMOTED && !image.equals(liveImage)) {
            problems.add("production runs " + liveImage + " after promoting " + image);
        }
        if (result.phase() != RolloutPhase.PROMOTED && image.equals(liveImage)) {
            problems.add("production runs " + image + " although it was not promoted");
        }
        if (live == null || live.getSpec().getReplicas() == null || live.getSpec().getReplicas() == 0) {
            problems.add("the Deployment in production, " + EmbeddedCluster.BLUE_GREEN_APP + "-" + expected
                    + ", has no replicas");
        }
        Deployment idle = deployment(client, expected.other());
        if (idle != null && idle.getSpec().getReplicas() != null && idle.getSpec().getReplicas() != 0) {
            problems.add("the idle colour's Deployment " + idle.getMetadata().getName() + " still has "
                    + idle.getSpec().getReplicas() + " replicas");
        }
        return problems;
    }

    /** Accepted writes of the active Service: each one moved production. */
    static long productionMoves(List<EmbeddedCluster.ApiWrite> writes) {
        return writes.stream().filter(w -> SwitchFacts.pathOf(w).equals(ACTIVE_SERVICE_PATH)
                && !w.method().equals("DELETE") && w.status() / 100 == 2).count();
    }

    private static Deployment deployment(KubernetesClient client, Colour colour) {
        return client.apps().deployments().inNamespace(EmbeddedCluster.NAMESPACE)
                .withName(EmbeddedCluster.BLUE_GREEN_APP + "-" + colour.id()).get();
    }
}
