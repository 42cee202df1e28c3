package io.jenkins.plugins.progressivedelivery.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.progressivedelivery.engine.plan.Target;
import io.jenkins.plugins.progressivedelivery.engine.rollout.Readiness;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanaryDeploymentsTest {
    private static final Target TARGET = new Target("demo", "web", "app", "web:2.0", null, null);

    private static Deployment stable() {
        Deployment stable = MockCluster.stableDeployment("web", 4);
        stable.getMetadata().setUid("1b6e0c52-stable");
        return stable;
    }

    @Test
    void theCanaryIsTheStableTemplateWithTheNewImageAndCanaryLabels() {
        Deployment stable = stable();
        String before = Serialization.asJson(stable);

        Deployment canary = CanaryDeployments.newCanary(stable, TARGET, 2,
                Map.of(CanaryDeployments.PLAN_ANNOTATION, "setWeight 20"));

        assertThat(Serialization.asJson(stable)).as("the stable object is not modified").isEqualTo(before);
        assertThat(canary.getMetadata().getName()).isEqualTo("web-canary");
        assertThat(canary.getMetadata().getNamespace()).isEqualTo("demo");
        assertThat(canary.getMetadata().getLabels())
                .as("the stable Deployment's own labels (a GitOps tool's, say) are not copied")
                .containsExactly(Map.entry(CanaryDeployments.CANARY_OF_LABEL, "web"));
        assertThat(canary.getMetadata().getAnnotations())
                .containsEntry(CanaryDeployments.IMAGE_ANNOTATION, "web:2.0")
                .containsEntry(CanaryDeployments.PLAN_ANNOTATION, "setWeight 20");
        assertThat(canary.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Deployment");
            assertThat(owner.getName()).isEqualTo("web");
            assertThat(owner.getUid()).isEqualTo("1b6e0c52-stable");
            assertThat(owner.getController()).isNull();
        });
        assertThat(canary.getSpec().getReplicas()).isEqualTo(2);
        assertThat(canary.getSpec().getMinReadySeconds()).isEqualTo(5);
        assertThat(canary.getSpec().getSelector().getMatchLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", "web", "track", "canary"));
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(
                Map.of("app", "web", "track", "canary", "tier", "frontend", CanaryDeployments.CANARY_OF_LABEL, "web"));
        assertThat(canary.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true");
        assertThat(CanaryDeployments.image(canary, "app")).isEqualTo("web:2.0");
        assertThat(CanaryDeployments.image(canary, "log")).as("other containers keep their image")
                .isEqualTo("fluent-bit:3");
        assertThat(canary.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                .isEqualTo(stable.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts());
    }

    @Test
    void customCanaryLabelsOverrideTheStableOnes() {
        Target target = new Target("demo", "web", "app", "web:2.0", null, Map.of("track", "preview", "ring", "1"));

        Deployment canary = CanaryDeployments.newCanary(stable(), target, 1, Map.of());

        assertThat(canary.getSpec().getSelector().getMatchLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", "web", "track", "preview", "ring", "1"));
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("track", "preview").containsEntry("ring", "1").containsEntry("tier", "frontend");
    }

    @Test
    void anExistingCanaryIsUpdatedButKeepsItsSelectorAndStatus() {
        Deployment existing = CanaryDeployments.newCanary(stable(), new Target("demo", "web", "app", "web:1.5",
                null, null), 1, Map.of());
        existing.getMetadata().setResourceVersion("42");
        existing.setStatus(new DeploymentStatusBuilder().withReplicas(1).build());
        Deployment stable = stable();
        stable.getSpec().getTemplate().getSpec().getContainers().get(1).setImage("fluent-bit:4");

        Deployment updated = CanaryDeployments.updatedCanary(existing, stable, TARGET, 3, Map.of());

        assertThat(updated.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(updated.getSpec().getSelector()).isEqualTo(existing.getSpec().getSelector());
        assertThat(updated.getStatus()).isEqualTo(existing.getStatus());
        assertThat(updated.getSpec().getReplicas()).isEqualTo(3);
        assertThat(CanaryDeployments.image(updated, "app")).isEqualTo("web:2.0");
        assertThat(CanaryDeployments.image(updated, "log")).isEqualTo("fluent-bit:4");
        assertThat(updated.getMetadata().getAnnotations()).containsEntry(CanaryDeployments.IMAGE_ANNOTATION,
                "web:2.0");
        assertThat(CanaryDeployments.selectorMismatch(updated, stable, TARGET)).isNull();
        assertThat(CanaryDeployments.selectorMismatch(updated, stable,
                new Target("demo", "web", "app", "web:2.0", null, Map.of("track", "other")))).isNotNull();
    }

    @ParameterizedTest(name = "{0} stable pods at {1}% -> {2} canary pods")
    @CsvSource({"4, 5, 1", "4, 25, 1", "4, 30, 2", "4, 50, 2", "4, 100, 4", "10, 1, 1", "3, 0, 1", "0, 50, 1",
            "1, 1, 1", "7, 50, 4"})
    void canarySizeFollowsTheWeightWithAtLeastOnePod(int stable, int weight, int canary) {
        assertThat(CanaryDeployments.replicasForWeight(stable, weight)).isEqualTo(canary);
    }

    @Test
    void readyOnlyWhenTheLatestGenerationIsObservedAndAllReplicasAreUpdatedReadyAndAvailable() {
        Deployment d = stable();
        d.getMetadata().setGeneration(3L);

        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(2L).withReplicas(4).withUpdatedReplicas(4)
                .withReadyReplicas(4).withAvailableReplicas(4).build());
        Readiness stale = CanaryDeployments.readiness(d);
        assertThat(stale.ready()).isFalse();
        assertThat(stale.status()).contains("generation 3 observed 2").contains("not seen the latest change");

        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(3L).withReplicas(4).withUpdatedReplicas(4)
                .withReadyReplicas(3).withAvailableReplicas(3).build());
        assertThat(CanaryDeployments.readiness(d)).isEqualTo(new Readiness(false,
                "3/4 ready, 4/4 updated, 3/4 available, generation 3 observed 3"));

        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(3L).withReplicas(6).withUpdatedReplicas(4)
                .withReadyReplicas(4).withAvailableReplicas(4).build());
        assertThat(CanaryDeployments.readiness(d).ready()).isFalse();
        assertThat(CanaryDeployments.readiness(d).status()).contains("2 old replicas pending termination");

        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(3L).withReplicas(4).withUpdatedReplicas(4)
                .withReadyReplicas(4).withAvailableReplicas(4).build());
        assertThat(CanaryDeployments.readiness(d)).isEqualTo(new Readiness(true,
                "4/4 ready, 4/4 updated, 4/4 available, generation 3 observed 3"));
    }

    @Test
    void zeroReplicasAreReadyOnceObservedAndAStuckRolloutSaysSo() {
        Deployment d = stable();
        d.getSpec().setReplicas(0);
        d.getMetadata().setGeneration(2L);
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(2L).build());
        assertThat(CanaryDeployments.readiness(d).ready()).isTrue();

        d.getSpec().setReplicas(2);
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(2L).withReplicas(2).withUpdatedReplicas(2)
                .withReadyReplicas(0).addToConditions(new DeploymentConditionBuilder().withType("Progressing")
                        .withStatus("False").withReason("ProgressDeadlineExceeded").build()).build());
        assertThat(CanaryDeployments.readiness(d).status()).contains("progress deadline exceeded");
    }
}
