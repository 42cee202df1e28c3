package io.jenkins.plugins.progressivedelivery.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrafficSimulatorTest {
    private EmbeddedCluster cluster;
    private KubernetesClient client;
    private TrafficSimulator simulator;

    @BeforeEach
    void startCluster() {
        cluster = EmbeddedCluster.startSeeded(Clock.systemUTC());
        client = cluster.client();
        Deployment stable = client.apps().deployments().inNamespace("demo").withName("web").get();
        Deployment canary = new DeploymentBuilder(stable).editMetadata().withName("web-canary")
                .withResourceVersion(null).withUid(null).addToLabels("track", "canary").endMetadata()
                .editSpec().withReplicas(1).editSelector().addToMatchLabels("track", "canary").endSelector()
                .editTemplate().editMetadata().addToLabels("track", "canary").endMetadata()
                .editSpec().editFirstContainer().withImage("web:3.0").endContainer().endSpec().endTemplate()
                .endSpec().withStatus(null).build();
        canary = client.apps().deployments().inNamespace("demo").resource(canary).create();
        DeploymentController.markReady(client, canary, Instant.now());
        simulator = new TrafficSimulator(webAt(100), 42);
        simulator.serve();
    }

    /** The canary app's requests, {@code requestsPerSecond} split as the VirtualService says. */
    private Supplier<List<TrafficSimulator.Stream>> webAt(double requestsPerSecond) {
        return () -> MeshRoutes.streams(MeshRoutes.read(client, "demo", "web", "primary"), requestsPerSecond);
    }

    @AfterEach
    void stop() {
        simulator.close();
        cluster.close();
    }

    private void setWeights(int stable, int canary) {
        client.genericKubernetesResources(EmbeddedCluster.VIRTUAL_SERVICE).inNamespace("demo").withName("web")
                .edit(vs -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec = (Map<String, Object>) vs.getAdditionalProperties().get("spec");
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> routes = (List<Map<String, Object>>) spec.get("http");
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> destinations = (List<Map<String, Object>>) routes.stream()
                            .filter(r -> "primary".equals(r.get("name"))).findFirst().orElseThrow().get("route");
                    destinations.get(0).put("weight", stable);
                    destinations.get(1).put("weight", canary);
                    return vs;
                });
    }

    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(simulator.metricsUri()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(TrafficSimulator.CONTENT_TYPE);
        return parse(response.body());
    }

    /** Series to value; also checks that every sample belongs to a family declared by a # TYPE line before it. */
    private static Map<String, Double> parse(String exposition) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                int space = line.lastIndexOf(' ');
                String series = line.substring(0, space);
                String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
                String family = name.replaceFirst("_(bucket|sum|count)$", "");
                assertThat(types).as("TYPE line for " + name).containsKey(types.containsKey(name) ? name : family);
                samples.put(series, Double.valueOf(line.substring(space + 1)));
            }
        }
        assertThat(types).containsEntry("http_requests_total", "counter")
                .containsEntry("http_request_duration_seconds", "histogram");
        return samples;
    }

    @Test
    void sendsRequestsInTheProportionsOfTheVirtualService() throws Exception {
        setWeights(70, 30);

        simulator.tick(Duration.ofSeconds(10)); // 1000 requests

        Map<String, Double> m = scrape();
        double stable = m.get("http_requests_total{version=\"stable\",code=\"200\"}")
                + m.get("http_requests_total{version=\"stable\",code=\"500\"}");
        double canary = m.get("http_requests_total{version=\"canary\",code=\"200\"}")
                + m.get("http_requests_total{version=\"canary\",code=\"500\"}");
        assertThat(stable).isEqualTo(700);
        assertThat(canary).isEqualTo(300);
        assertThat(m.get("http_request_duration_seconds_count{version=\"canary\"}")).isEqualTo(300);
        // web:3.0 fails about 15 % of its requests, web:1.0 about 0.2 %.
        assertThat(m.get("http_requests_total{version=\"canary\",code=\"500\"}") / canary).isBetween(0.10, 0.20);
        assertThat(m.get("http_requests_total{version=\"stable\",code=\"500\"}") / stable).isLessThan(0.02);
    }

    @Test
    void followsAWeightChangeOnTheNextTick() throws Exception {
        setWeights(90, 10);
        simulator.tick(Duration.ofSeconds(10));
        long canaryBefore = simulator.count("canary", "200") + simulator.count("canary", "500");

        setWeights(100, 0);
        simulator.tick(Duration.ofSeconds(10));

        assertThat(canaryBefore).isEqualTo(100);
        assertThat(simulator.count("canary", "200") + simulator.count("canary", "500")).isEqualTo(100);
        assertThat(simulator.count("stable", "200") + simulator.count("stable", "500")).isEqualTo(1900);
    }

    @Test
    void aVersionWithoutReadyPodsAnswers503() throws Exception {
        client.apps().deployments().inNamespace("demo").withName("web-canary").delete();
        setWeights(50, 50);

        simulator.tick(Duration.ofSeconds(2));

        assertThat(scrape()).containsEntry("http_requests_total{version=\"canary\",code=\"503\"}", 100.0)
                .containsEntry("http_requests_total{version=\"canary\",code=\"200\"}", 0.0);
    }

    @Test
    void histogramBucketsAreCumulativeAndEndInTheCount() throws Exception {
        setWeights(50, 50);
        simulator.tick(Duration.ofSeconds(5));

        Map<String, Double> m = scrape();
        for (String version : List.of("stable", "canary")) {
            double previous = 0;
            for (double le : TrafficSimulator.BUCKETS) {
                double bucket = m.get("http_request_duration_seconds_bucket{version=\"" + version + "\",le=\"" + le
                        + "\"}");
                assertThat(bucket).isGreaterThanOrEqualTo(previous);
                previous = bucket;
            }
            assertThat(m.get("http_request_duration_seconds_bucket{version=\"" + version + "\",le=\"+Inf\"}"))
                    .isEqualTo(m.get("http_request_duration_seconds_count{version=\"" + version + "\"}"))
                    .isEqualTo(250.0);
        }
    }

    @Test
    void theSameSeedGivesTheSameNumbers() {
        setWeights(50, 50);
        TrafficSimulator other = new TrafficSimulator(webAt(100), 42);
        simulator.tick(Duration.ofSeconds(20));
        other.tick(Duration.ofSeconds(20));

        assertThat(other.metrics()).isEqualTo(simulator.metrics());
    }

    @Test
    void promtoolAcceptsTheExposition(@TempDir Path dir) throws Exception {
        File promtool = new File("/usr/bin/promtool");
        org.junit.jupiter.api.Assumptions.assumeTrue(promtool.canExecute(), "promtool is not installed");
        setWeights(80, 20);
        simulator.tick(Duration.ofSeconds(3));
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, simulator.metrics());

        Process check = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true)
                .redirectInput(file.toFile()).start();
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).isEmpty();
        assertThat(check.exitValue()).isZero();
    }

    @Test
    void resolvesTheRouteFromTheClusterAsTheMeshWould() {
        setWeights(75, 25);

        assertThat(MeshRoutes.read(client, "demo", "web", "primary")).containsExactly(
                new MeshRoutes.Destination("stable", 75, "web:1.0", 4, "web"),
                new MeshRoutes.Destination("canary", 25, "web:3.0", 1, "web-canary"));
    }

    // --- the blue-green app: requests follow the Services' selectors ---------------------------------------------

    /** The blue-green app's requests: 100/s to Service pay, 20/s to pay-preview. */
    private TrafficSimulator payTraffic() {
        TrafficSimulator pay = new TrafficSimulator(() -> ServiceRoutes.streams("pay", ServiceRoutes.read(client,
                "demo", List.of("pay", "pay-preview"), "slot"), Map.of("pay", 100.0, "pay-preview", 20.0)), 7);
        pay.serve();
        return pay;
    }

    /** Deploys pay-green running {@code image}, 4 ready replicas, as the engine would. */
    private void deployGreen(String image) {
        Deployment green = EmbeddedCluster.colourDeployment("green", image, 4);
        green = client.apps().deployments().inNamespace("demo").resource(green).create();
        DeploymentController.markReady(client, green, Instant.now());
    }

    private void select(String service, String colour) {
        client.services().inNamespace("demo").withName(service).edit(s -> {
            s.getSpec().getSelector().put("slot", colour);
            return s;
        });
    }

    private static Map<String, String> pay(String service, String colour) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", "pay");
        labels.put("service", service);
        labels.put("version", colour);
        return labels;
    }

    private static long total(TrafficSimulator simulator, Map<String, String> labels) {
        return List.of("200", "500", "503").stream().mapToLong(code -> simulator.count(labels, code)).sum();
    }

    @Test
    void productionTrafficGoesToTheColourTheActiveServiceSelects() throws Exception {
        deployGreen("pay:2.0");
        select("pay-preview", "green");
        try (TrafficSimulator pay = payTraffic()) {
            pay.tick(Duration.ofSeconds(10));
            select("pay", "green");
            pay.tick(Duration.ofSeconds(10));

            assertThat(total(pay, pay("pay", "blue"))).as("production before the flip").isEqualTo(1000);
            assertThat(total(pay, pay("pay", "green"))).as("production after the flip").isEqualTo(1000);
            assertThat(total(pay, pay("pay-preview", "green"))).as("the smoke test, all along").isEqualTo(400);
            assertThat(total(pay, pay("pay-preview", "blue"))).isZero();
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(pay.metricsUri()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(parse(metrics.body()))
                    .containsKey("http_requests_total{app=\"pay\",service=\"pay\",version=\"green\",code=\"200\"}")
                    .containsKey("http_request_duration_seconds_count{app=\"pay\",service=\"pay-preview\","
                            + "version=\"green\"}");
        }
    }

    @Test
    void anUndersizedVersionPassesTheSmokeTestButShedsProductionLoad() {
        deployGreen("pay:3.0");
        select("pay-preview", "green");
        try (TrafficSimulator pay = payTraffic()) {
            pay.tick(Duration.ofSeconds(20)); // 400 smoke requests, 5/s per pod of green
            long smokeShed = pay.count(pay("pay-preview", "green"), "503");
            select("pay", "green");
            pay.tick(Duration.ofSeconds(20)); // now 120/s on 4 pods that serve 20/s each

            assertThat(smokeShed).isZero();
            double shed = (double) pay.count(pay("pay", "green"), "503") / total(pay, pay("pay", "green"));
            assertThat(shed).as("a third of production beyond capacity").isBetween(0.28, 0.39);
            assertThat(pay.count(pay("pay", "blue"), "503")).as("pay:1.0 on blue before the flip").isZero();
        }
    }

    @Test
    void aServiceSelectingAColourWithNoReadyPodAnswers503() {
        select("pay", "green"); // there is no pay-green
        try (TrafficSimulator pay = payTraffic()) {
            pay.tick(Duration.ofSeconds(1));

            assertThat(pay.count(pay("pay", "green"), "503")).isEqualTo(100);
            assertThat(ServiceRoutes.read(client, "demo", List.of("pay"), "slot")).containsExactly(
                    new ServiceRoutes.Backend("pay", 1, "green", null, null, 0));
        }
    }

    @Test
    void theCanaryAppsSeriesKeepTheirLabels() {
        setWeights(80, 20);
        TrafficSimulator both = new TrafficSimulator(new DemoTraffic(() -> client), 3);
        both.tick(Duration.ofSeconds(1));

        assertThat(both.metrics()).contains("http_requests_total{version=\"stable\",code=\"200\"} ")
                .contains("http_request_duration_seconds_count{version=\"canary\"} 40")
                .contains("http_requests_total{app=\"pay\",service=\"pay\",version=\"blue\",code=\"200\"} ")
                .doesNotContain("version=\"stable\",app=");
    }
}
