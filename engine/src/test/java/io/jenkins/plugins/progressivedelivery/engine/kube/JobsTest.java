package io.jenkins.plugins.progressivedelivery.engine.kube;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobsTest {
    private static MockCluster cluster;
    private Jobs jobs;

    private static final Map<String, Object> MANIFEST = Map.of("spec", Map.of("template", Map.of("spec",
            Map.of("containers", List.of(Map.of("name", "migrate", "image", "m:1"))))));

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void reset() {
        cluster.reset();
        jobs = new Jobs(cluster.client, NS);
    }

    @Test
    void theLogOfAPodInTheMeshIsTheHooksContainerNotTheSidecar() {
        jobs.create("web-expand", MANIFEST, Map.of(), Map.of(), Duration.ofMinutes(1));
        cluster.client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("web-expand-abc")
                .withNamespace(NS).addToLabels("batch.kubernetes.io/job-name", "web-expand").endMetadata()
                .withNewSpec().addNewContainer().withName("migrate").withImage("m:1").endContainer()
                .addNewContainer().withName("istio-proxy").withImage("proxyv2").endContainer().endSpec().build())
                .create();
        cluster.server.expect().get().withPath("/api/v1/namespaces/demo/pods/web-expand-abc/log?pretty=false"
                + "&container=migrate").andReturn(200, "step 1\nstep 2\n").always();

        Jobs.Progress first = jobs.progress("web-expand", 0);
        Jobs.Progress second = jobs.progress("web-expand", first.linesSeen());

        assertThat(first.state()).isEqualTo(Jobs.State.RUNNING);
        assertThat(first.newLines()).containsExactly("web-expand-abc: step 1", "web-expand-abc: step 2");
        assertThat(second.newLines()).isEmpty();
    }

    @Test
    void aJobOfTheSameNameThatIsNotOursIsNotAdopted() {
        cluster.client.batch().v1().jobs().inNamespace(NS).resource(new JobBuilder().withNewMetadata()
                .withName("web-expand").withNamespace(NS).endMetadata().withNewSpec().withNewTemplate().withNewSpec()
                .addNewContainer().withName("x").withImage("x").endContainer().withRestartPolicy("Never").endSpec()
                .endTemplate().endSpec().build()).create();

        assertThatThrownBy(() -> jobs.create("web-expand", MANIFEST, Map.of(), Map.of(), Duration.ofMinutes(1)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("already exists and was not created by progressive-delivery");
    }
}
