package io.jenkins.plugins.progressivedelivery.engine.traffic.istio;

import static io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeRef;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.Workloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The canary rollback's write against the embedded API server (fabric8's mock, HTTP on localhost), measured and
 * printed, never asserted (a timing assertion fails on a busy machine without anything being wrong). Interleaved in
 * one run: the engine's rollback (one PUT of the VirtualService it last read), the read-modify-write it replaced (a GET
 * then the PUT), and a bare fabric8 GET and PUT as the baseline. What is asserted is what the numbers stand for: the
 * rollback is one request. The results also go to {@code target/canary-rollback-latency.txt}.
 */
class CanaryRollbackLatencyTest {
    private static final int WARM_UP = 30;
    private static final int RUNS = 200;
    private static final Path REPORT = Path.of("target", "canary-rollback-latency.txt");
    private static final String VS_PATH = "/apis/networking.istio.io/v1/namespaces/demo/virtualservices/web";

    private static MockCluster cluster;

    @BeforeAll
    static void startServer() {
        cluster = MockCluster.start();
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @Test
    void theRollbackIsOneRequestAndItsLatencyIsReportedAgainstAGetAndPut() throws IOException {
        cluster.reset().servingIstio("v1");
        cluster.createIstio("v1", IstioVirtualServiceRouterTest.HOST_SPLIT_VS);
        IstioVirtualServiceRouter router = new IstioVirtualServiceRouter(cluster.client, NS,
                IstioVirtualServiceRouterTest.HOST_SPLIT, new Workloads(cluster.client, NS,
                IstioVirtualServiceRouterTest.TARGET));
        IstioObjects istio = new IstioObjects(cluster.client, NS);
        VirtualServiceRoutes.Split split = new VirtualServiceRoutes.Split(IstioVirtualServiceRouterTest.HOST_SPLIT, NS);
        KubeRef ref = KubeRef.virtualService(NS, "web");
        var ops = cluster.client.genericKubernetesResources(
                IstioApi.virtualServices("v1"))
                .inNamespace(NS);

        router.setWeight(20);
        cluster.takeRequests();
        router.restoreStable();
        assertThat(cluster.takeRequests()).as("the rollback").containsExactly("PUT " + VS_PATH);

        List<Long> engine = new ArrayList<>();
        List<Long> readModifyWrite = new ArrayList<>();
        List<Long> bare = new ArrayList<>();
        for (int i = 0; i < WARM_UP + RUNS; i++) {
            boolean kept = i >= WARM_UP;
            router.setWeight(20);
            long start = System.nanoTime();
            router.restoreStable();
            record(kept, engine, start);

            router.setWeight(20);
            start = System.nanoTime();
            istio.setWeights(ref, "primary", split, 0);
            record(kept, readModifyWrite, start);

            router.setWeight(20);
            start = System.nanoTime();
            GenericKubernetesResource current = ops.withName("web").get();
            ops.resource(VirtualServiceRoutes.withWeights(current, VirtualServiceRoutes.locate(current, "primary",
                    split), 0)).update();
            record(kept, bare, start);
        }

        String report = String.format(Locale.ROOT, "canary rollback, median of %d interleaved runs (fabric8 mock,"
                        + " localhost HTTP)%n  engine rollback (1 PUT of the object last read): %.2f ms%n"
                        + "  read-modify-write it replaced (GET + PUT):       %.2f ms  (%.2fx the engine's)%n"
                        + "  bare fabric8 GET + PUT (baseline):               %.2f ms  (engine = %.2fx the baseline)%n",
                RUNS, median(engine), median(readModifyWrite), median(readModifyWrite) / median(engine), median(bare),
                median(engine) / median(bare));
        System.out.print(report);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, report);
    }

    private static void record(boolean kept, List<Long> into, long start) {
        if (kept) {
            into.add(System.nanoTime() - start);
        }
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
