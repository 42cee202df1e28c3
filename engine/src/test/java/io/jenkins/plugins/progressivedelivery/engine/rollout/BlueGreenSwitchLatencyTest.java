package io.jenkins.plugins.progressivedelivery.engine.rollout;

import static io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenHarness.ACTIVE_SERVICE;
import static io.jenkins.plugins.progressivedelivery.engine.rollout.BlueGreenHarness.VIRTUAL_SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.progressivedelivery.engine.kube.BlueGreenFixtures;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.MockCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How long a switch and a switch back take against the embedded API server (fabric8's mock, over HTTP on
 * localhost), measured and printed, never asserted: a timing assertion would fail on a busy CI machine without
 * anything being wrong. What is asserted is the behaviour the numbers stand for: each switch is one write.
 *
 * <p>Two measurements: the cluster call alone ({@link KubernetesBlueGreenCluster#switchActiveTo}: one PUT of the
 * Service, or of the VirtualService, as the router last wrote it),
 * and the runner path, from {@link BlueGreenRunner#promote} or {@link BlueGreenRunner#abort} being called to the
 * switch's audit event, which is emitted once the API server accepted the write (the I/O executor runs calls inline
 * here, so no thread hand-off is counted). The selector flip is also set against a baseline measured in the same
 * run, a bare fabric8 GET and PUT of the Service, and reported as a ratio. The results also go to
 * {@code target/bluegreen-switch-latency.txt}.
 */
class BlueGreenSwitchLatencyTest {
    private static final int WARM_UP = 30;
    private static final int SWITCHES = 200;
    private static final int RUNS = 50;
    private static final Path REPORT = Path.of("target", "bluegreen-switch-latency.txt");

    private static MockCluster cluster;

    @BeforeAll
    static void startServer() throws IOException {
        cluster = MockCluster.start();
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, "blue-green switch latency against the fabric8 mock API server (localhost HTTP)\n");
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    private static BlueGreenPlan selectorPlan() {
        return PlanLoader.loadBlueGreen("""
                target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
                activeService: payments
                previewService: payments-preview
                scaleDownDelaySeconds: 600
                """, "bluegreen.yaml");
    }

    private static BlueGreenPlan istioPlan() {
        return PlanLoader.loadBlueGreen("""
                target: {namespace: demo, deployment: payments, container: app, image: "payments:2.0"}
                previewService: payments-preview
                traffic:
                  istio: {virtualService: payments, route: primary, blueService: payments-blue,
                          greenService: payments-green}
                scaleDownDelaySeconds: 600
                """, "bluegreen.yaml");
    }

    @Test
    void theSelectorFlipAloneIsOnePutOfTheServiceLastWritten() throws IOException {
        cluster.reset();
        BlueGreenFixtures.blueInProduction(cluster);
        double engine = measureClusterCalls("service selector", selectorPlan(), ACTIVE_SERVICE);
        double baseline = measureBareGetAndPut();
        String line = String.format(Locale.ROOT, "%-56s %.2f (engine median / bare fabric8 GET+PUT median)%n",
                "service selector, cluster call vs baseline", engine / baseline);
        System.out.print(line);
        Files.writeString(REPORT, line, StandardOpenOption.APPEND);
    }

    /**
     * The baseline: the least any correct switch must do, a bare fabric8 GET of the active Service and a PUT of it
     * with the selector changed, measured in the same run against the same server.
     */
    private static double measureBareGetAndPut() throws IOException {
        List<Double> flips = new ArrayList<>();
        var services = cluster.client.services().inNamespace(MockCluster.NS);
        for (int i = -WARM_UP; i < SWITCHES * 2; i++) {
            long start = System.nanoTime();
            var service = services.withName("payments").get();
            String colour = "blue".equals(service.getSpec().getSelector().get("slot")) ? "green" : "blue";
            service.getSpec().getSelector().put("slot", colour);
            services.resource(service).update();
            double millis = (System.nanoTime() - start) / 1e6;
            if (i >= 0) {
                flips.add(millis);
            }
        }
        report("baseline: bare fabric8 GET + PUT of the Service", flips, 1);
        List<Double> sorted = new ArrayList<>(flips);
        Collections.sort(sorted);
        return percentile(sorted, 50);
    }

    @Test
    void theIstioRouteSwitchAloneIsOnePutOfTheVirtualServiceLastWritten() throws IOException {
        cluster.reset();
        BlueGreenFixtures.blueInProductionBehindIstio(cluster);
        measureClusterCalls("istio host split", istioPlan(), VIRTUAL_SERVICE);
    }

    /** Measures both directions; returns the median of all of them, in milliseconds. */
    private static double measureClusterCalls(String label, BlueGreenPlan plan, String path) throws IOException {
        List<Double> switches = new ArrayList<>();
        List<Double> switchBacks = new ArrayList<>();
        long writes = 0;
        try (KubernetesBlueGreenCluster blueGreen = new KubernetesBlueGreenCluster(cluster.client, plan)) {
            blueGreen.preflight();
            for (int i = -WARM_UP; i < SWITCHES; i++) {
                cluster.takeRequests();
                long start = System.nanoTime();
                blueGreen.switchActiveTo(Colour.GREEN);
                double toGreen = (System.nanoTime() - start) / 1e6;
                long startBack = System.nanoTime();
                blueGreen.switchActiveTo(Colour.BLUE);
                double toBlue = (System.nanoTime() - startBack) / 1e6;
                List<String> requests = cluster.takeRequests();
                assertThat(MockCluster.writes(requests)).containsExactly("PUT " + path, "PUT " + path);
                assertThat(requests).as("no GET: each PUT is of the object last written")
                        .containsExactly("PUT " + path, "PUT " + path);
                if (i >= 0) {
                    switches.add(toGreen);
                    switchBacks.add(toBlue);
                    writes += MockCluster.writes(requests).size();
                }
            }
        }
        report(label + ", cluster call: switch", switches, writes / 2.0 / SWITCHES);
        report(label + ", cluster call: switch back", switchBacks, writes / 2.0 / SWITCHES);
        List<Double> all = new ArrayList<>(switches);
        all.addAll(switchBacks);
        Collections.sort(all);
        return percentile(all, 50);
    }

    @Test
    void throughTheRunnerPromoteAndAbortReturnWithProductionMoved() throws IOException {
        List<Double> switches = new ArrayList<>();
        List<Double> switchBacks = new ArrayList<>();
        for (int run = -10; run < RUNS; run++) {
            BlueGreenHarness harness = new BlueGreenHarness(cluster.reset()).withBlueInProduction();
            List<Long> switchedAt = new ArrayList<>();
            harness.taps.add(event -> {
                if (event.details().containsKey("canaryWeight")) {
                    switchedAt.add(System.nanoTime());
                }
            });
            harness.start(selectorPlan());
            harness.runUntil(() -> harness.runner.status().awaitingPromotion());
            harness.newRequests();

            long start = System.nanoTime();
            harness.runner.promote("bench");
            double toGreen = (switchedAt.get(0) - start) / 1e6;
            assertThat(harness.production()).isEqualTo("slot=green");
            long startBack = System.nanoTime();
            harness.runner.abort("bench", "measuring the switch back");
            double toBlue = (switchedAt.get(1) - startBack) / 1e6;
            assertThat(harness.production()).isEqualTo("slot=blue");

            assertThat(harness.writesTo(ACTIVE_SERVICE)).as("one write each way").hasSize(2);
            if (run >= 0) {
                switches.add(toGreen);
                switchBacks.add(toBlue);
            }
        }
        report("service selector, runner: promote -> switch recorded", switches, 1);
        report("service selector, runner: abort -> switch-back recorded", switchBacks, 1);
    }

    private static void report(String what, List<Double> millis, double writesPerSwitch) throws IOException {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        String line = String.format(Locale.ROOT, "%-56s n=%3d  median %6.2f ms  p95 %6.2f ms  max %6.2f ms  "
                        + "writes/switch %.0f%n", what, sorted.size(), percentile(sorted, 50), percentile(sorted, 95),
                sorted.get(sorted.size() - 1), writesPerSwitch);
        System.out.print(line);
        Files.writeString(REPORT, line, StandardOpenOption.APPEND);
    }

    private static double percentile(List<Double> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
