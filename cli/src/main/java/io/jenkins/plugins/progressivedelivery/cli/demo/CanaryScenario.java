package io.jenkins.plugins.progressivedelivery.cli.demo;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditEvent;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.audit.AuditListener;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.metrics.PrometheusAuth;
import io.jenkins.plugins.progressivedelivery.engine.metrics.ProviderMeasurementSource;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryRunner;
import io.jenkins.plugins.progressivedelivery.engine.rollout.RolloutResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * A canary of {@code image} over the demo's Istio VirtualService, with a baseline next to it, judged against the
 * baseline on the built-in success rate and p99 latency: no query and no threshold in the plan.
 */
final class CanaryScenario implements DemoScenario {
    private final String image;
    private final String description;
    private final String fileName;
    private final String expectedOutcome;

    CanaryScenario(String image, String description, String fileName, String expectedOutcome) {
        this.image = image;
        this.description = description;
        this.fileName = fileName;
        this.expectedOutcome = expectedOutcome;
    }

    /** A good version: passes the judge at 10 % and is promoted through 30, 60 and 100 %. */
    static CanaryScenario good() {
        return new CanaryScenario("web:2.0", "a good version", "01-canary-good", "PROMOTED");
    }

    /** A bad version with about 15 % 5xx and slow: the judge fails it at 10 % and the canary is rolled back. */
    static CanaryScenario bad() {
        return new CanaryScenario("web:3.0", "a bad version, ~15% 5xx", "02-canary-bad", "ROLLED_BACK");
    }

    @Override
    public String title() {
        return "Canary of " + image + " (" + description + ")";
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
        return RollbackFacts.of(events, writes).map(facts -> List.of("rollback: " + facts.describe()))
                .orElse(List.of());
    }

    @Override
    public Running start(DemoEnvironment env, AuditListener audit) {
        return start(env, audit, fileName, DemoPlans.canary(image, env.prometheus().toString(), env.timing()),
                Map.of(), ProviderMeasurementSource.nonBlocking(PrometheusAuth.none()), this::problems);
    }

    /**
     * Writes the plan {@code yaml} next to the report as {@code fileName.plan.yaml}, and starts a canary of it on its
     * own client of the embedded cluster; when it has ended, {@code problems} says what is not as it should be.
     */
    static Running start(DemoEnvironment env, AuditListener audit, String fileName, String yaml,
                         Map<String, String> analysisArgs, MeasurementSource metrics,
                         BiFunction<KubernetesClient, RolloutResult, List<String>> problems) {
        Path planFile = env.outDir().resolve(fileName + ".plan.yaml");
        write(planFile, yaml);
        CanaryPlan plan = PlanLoader.loadCanary(yaml, planFile.getFileName().toString());
        KubernetesClient client = env.cluster().newClient();
        KubernetesCanaryCluster cluster = new KubernetesCanaryCluster(client, plan);
        CompletableFuture<RolloutResult> ended = new CompletableFuture<>();
        CanaryRunner runner = CanaryRunner.start(plan, analysisArgs, cluster, metrics, env.scheduler(), env.io(),
                audit, ended::complete);
        CompletableFuture<Outcome> outcome = ended.thenApply(result -> new Outcome(result.phase().name(),
                result.message(), problems.apply(env.cluster().client(), result)))
                .whenComplete((o, e) -> client.close());
        return Running.of(outcome, reason -> runner.abort("demo", reason));
    }

    /**
     * What the cluster should look like afterwards, whichever way it went: all traffic on stable, the canary
     * scaled to zero; the stable running the new image only after a promotion.
     */
    private List<String> problems(KubernetesClient client, RolloutResult result) {
        List<String> problems = new ArrayList<>();
        for (MeshRoutes.Destination d : MeshRoutes.read(client, EmbeddedCluster.NAMESPACE, EmbeddedCluster.APP,
                EmbeddedCluster.ROUTE)) {
            int expectedWeight = d.version().equals("stable") ? 100 : 0;
            if (d.weight() != expectedWeight) {
                problems.add("the VirtualService sends " + d.weight() + "% to " + d.version() + ", not "
                        + expectedWeight + "%");
            }
        }
        problems.addAll(workloadProblems(client, EmbeddedCluster.APP, image, result.promoted()));
        if (client.apps().deployments().inNamespace(EmbeddedCluster.NAMESPACE)
                .withName(EmbeddedCluster.APP + "-baseline").get() != null) {
            problems.add("the baseline Deployment is still there");
        }
        return problems;
    }

    /**
     * What a canary of {@code image} must leave behind in the Deployments of {@code app}, whichever way it went: the
     * canary scaled to zero, and the stable running the new image exactly when it was promoted.
     */
    static List<String> workloadProblems(KubernetesClient client, String app, String image, boolean promoted) {
        List<String> problems = new ArrayList<>();
        Deployment stable = client.apps().deployments().inNamespace(EmbeddedCluster.NAMESPACE).withName(app).get();
        String stableImage = stable.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        if (promoted && !stableImage.equals(image)) {
            problems.add("the stable Deployment runs " + stableImage + " after promoting " + image);
        }
        if (!promoted && stableImage.equals(image)) {
            problems.add("the stable Deployment runs " + image + " although it was not promoted");
        }
        Deployment canary = client.apps().deployments().inNamespace(EmbeddedCluster.NAMESPACE)
                .withName(app + "-canary").get();
        if (canary != null && canary.getSpec().getReplicas() != null && canary.getSpec().getReplicas() != 0) {
            problems.add("the canary Deployment still has " + canary.getSpec().getReplicas() + " replicas");
        }
        return problems;
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
