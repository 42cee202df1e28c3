package io.jenkins.plugins.progressivedelivery.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.jenkins.plugins.progressivedelivery.cli.demo.EmbeddedCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.BlueGreenPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.Colour;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
import io.jenkins.plugins.progressivedelivery.remote.RemoteBlueGreenCluster;
import io.jenkins.plugins.progressivedelivery.remote.RemoteCanaryCluster;
import io.jenkins.plugins.progressivedelivery.remote.Where;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollback's write (all traffic to stable in the VirtualService, acknowledged by the API) made four ways against
 * one TLS + token API, interleaved round by round so that a slower moment of the machine hits every contender:
 * the plugin's call pattern on the controller and through an agent's channel, the engine on a warm client, and the
 * baselines, a bare fabric8 GET+PUT on a warm client and a {@code kubectl patch} process. Before each measured write
 * the route is put back to 70/30 (not timed): by the engine contenders themselves ({@code setWeight(30)}, as the
 * rollout did before its rollback), by another client for the baselines.
 */
final class RollbackBench {
    static final String PLAN = """
            target: {namespace: demo, deployment: web, container: web, image: 'web:2.0'}
            traffic:
              istio: {virtualService: web, route: primary, stableService: web-stable, canaryService: web-canary}
            steps:
              - setWeight: 30
              - pause: 1s
            """;

    /** @param switchBack the blue-green switch back's figures, by contender */
    record Result(Map<String, Stats> stats, long channelCallsPerRollback, long channelBytesPerRollback,
                  String kubectl, int planBytes, Map<String, Stats> switchBack) { }

    static final String BLUE_GREEN_PLAN = """
            target: {namespace: demo, deployment: pay, container: pay, image: 'pay:2.0'}
            colorLabel: slot
            activeService: pay
            previewService: pay-preview
            """;

    /**
     * Runs each contender once per round, in an order that rotates round by round, after three warm-up rounds: before
     * each write its reset (not timed), after it the check.
     *
     * @param measured called after each measured write with the contender's name (for its side figures)
     */
    private static Map<String, Stats> interleave(Map<String, Contender> contenders, Map<String, Reset> resets,
                                                 Reset otherwise, java.util.function.Consumer<String> check,
                                                 int rounds, Runnable beforeEach,
                                                 java.util.function.Consumer<String> measured) throws Exception {
        Map<String, Stats> stats = new LinkedHashMap<>();
        contenders.keySet().forEach(name -> stats.put(name, new Stats(name)));
        List<String> order = new ArrayList<>(contenders.keySet());
        for (int round = -3; round < rounds; round++) {
            for (int i = 0; i < order.size(); i++) {
                String name = order.get((i + Math.max(round, 0)) % order.size());
                resets.getOrDefault(name, otherwise).reset();
                beforeEach.run();
                long start = System.nanoTime();
                contenders.get(name).rollback();
                long took = System.nanoTime() - start;
                check.accept(name);
                if (round >= 0) {
                    stats.get(name).add(took);
                    measured.accept(name);
                }
            }
        }
        return stats;
    }

    /**
     * The blue-green rollback: production switched back from green to blue (the active Service's selector), through
     * the plugin's call pattern, against a bare GET+PUT of the Service and a {@code kubectl patch}. Each contender
     * switches to green first (not timed), as a switch would have.
     */
    private static Map<String, Stats> switchBack(BenchApi api, KubernetesClient admin, Path kubeconfig, Path dir,
                                                 boolean withKubectl, int rounds) throws Exception {
        BlueGreenPlan plan = PlanLoader.loadBlueGreen(BLUE_GREEN_PLAN, "bench");
        RemoteBlueGreenCluster onController = new RemoteBlueGreenCluster(Where.controller(),
                ClusterAccess.of(api.connection()), plan);
        onController.preflight();
        try (KubernetesClient bare = KubeClients.create(api.connection())) {
            Resource<Service> active = bare.services().inNamespace("demo").withName("pay");
            Map<String, Contender> contenders = new LinkedHashMap<>();
            Map<String, Reset> resets = new LinkedHashMap<>();
            contenders.put("plugin, controller", () -> onController.switchActiveTo(Colour.BLUE));
            resets.put("plugin, controller", () -> onController.switchActiveTo(Colour.GREEN));
            contenders.put("bare fabric8 GET+PUT", () -> {
                Service service = active.get();
                service.getSpec().getSelector().put("slot", "blue");
                bare.resource(service).update();
            });
            if (withKubectl) {
                contenders.put("kubectl patch", () -> run(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
                        "--cache-dir", dir.resolve("cache").toString(), "-n", "demo", "patch", "service", "pay",
                        "--type=json", "-p", "[{\"op\":\"replace\",\"path\":\"/spec/selector/slot\","
                                + "\"value\":\"blue\"}]")));
            }
            Resource<Service> checked = admin.services().inNamespace("demo").withName("pay");
            return interleave(contenders, resets, () -> {
                Service service = checked.get();
                service.getSpec().getSelector().put("slot", "green");
                admin.resource(service).update();
            }, name -> {
                if (!"blue".equals(checked.get().getSpec().getSelector().get("slot"))) {
                    throw new IllegalStateException(name + " did not switch production back to blue");
                }
            }, rounds, () -> { }, name -> { });
        }
    }

    private interface Contender {
        void rollback() throws Exception;
    }

    /** Puts the route at 70/30 the way the contender would have: the engine's own write, or another client's. */
    private interface Reset {
        void reset() throws Exception;
    }

    static Result run(int rounds) throws Exception {
        Path dir = Files.createTempDirectory("pd-bench");
        try (BenchApi api = new BenchApi(); KubernetesClient admin = api.newClient()) {
            EmbeddedCluster.seed(admin, Clock.systemUTC());
            CanaryPlan plan = PlanLoader.loadCanary(PLAN, "bench");
            ClusterAccess access = ClusterAccess.of(api.connection());
            CountingChannel channel = new CountingChannel();
            CanaryCluster onController = new RemoteCanaryCluster(Where.controller(), access, plan);
            CanaryCluster onAgent = new RemoteCanaryCluster(Where.agent(channel, "bench"), access, plan);
            try (KubernetesClient warm = KubeClients.create(api.connection());
                 KubernetesClient bare = KubeClients.create(api.connection())) {
                CanaryCluster engine = new KubernetesCanaryCluster(warm, plan);
                Resource<GenericKubernetesResource> route = bare.genericKubernetesResources(
                        EmbeddedCluster.VIRTUAL_SERVICE).inNamespace("demo").withName("web");
                Path kubeconfig = api.writeKubeconfig(dir);
                String kubectl = kubectlVersion();

                // The engine's rollback is restoreStable(): one PUT of the route as the router last read or wrote
                // it, so each engine contender sets 70/30 itself first, as a rollout would have.
                Map<String, Contender> contenders = new LinkedHashMap<>();
                Map<String, Reset> resets = new LinkedHashMap<>();
                contenders.put("plugin, controller", onController::restoreStable);
                resets.put("plugin, controller", () -> onController.setWeight(30));
                contenders.put("plugin, via agent channel", onAgent::restoreStable);
                resets.put("plugin, via agent channel", () -> onAgent.setWeight(30));
                contenders.put("engine, warm client", engine::restoreStable);
                resets.put("engine, warm client", () -> engine.setWeight(30));
                contenders.put("bare fabric8 GET+PUT", () -> {
                    GenericKubernetesResource vs = route.get();
                    setPrimary(vs, 100, 0);
                    bare.resource(vs).update();
                });
                if (kubectl != null) {
                    contenders.put("kubectl patch", () -> kubectlPatch(kubeconfig, dir.resolve("cache")));
                }
                long[] channelTotals = new long[2];
                Map<String, Stats> stats = interleave(contenders, resets, () -> reset(admin),
                        name -> check(admin, name), rounds, channel::reset, name -> {
                            if (name.equals("plugin, via agent channel")) {
                                channelTotals[0] += channel.calls.get();
                                channelTotals[1] += channel.bytesOut.get() + channel.bytesIn.get();
                            }
                        });
                return new Result(stats, channelTotals[0] / rounds, channelTotals[1] / rounds, kubectl,
                        io.jenkins.plugins.progressivedelivery.remote.Serialized.toBytes(plan).length,
                        switchBack(api, admin, kubeconfig, dir, kubectl != null, rounds));
            }
        }
    }

    private static void reset(KubernetesClient admin) {
        Resource<GenericKubernetesResource> route = admin.genericKubernetesResources(EmbeddedCluster.VIRTUAL_SERVICE)
                .inNamespace("demo").withName("web");
        GenericKubernetesResource vs = route.get();
        setPrimary(vs, 70, 30);
        admin.resource(vs).update();
    }

    private static void check(KubernetesClient admin, String who) {
        GenericKubernetesResource vs = admin.genericKubernetesResources(EmbeddedCluster.VIRTUAL_SERVICE)
                .inNamespace("demo").withName("web").get();
        if (weights(vs).get(1) != 0) {
            throw new IllegalStateException(who + " did not move all traffic to stable: " + weights(vs));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> primaryRoute(GenericKubernetesResource vs) {
        Map<String, Object> spec = (Map<String, Object>) vs.getAdditionalProperties().get("spec");
        for (Map<String, Object> http : (List<Map<String, Object>>) spec.get("http")) {
            if (EmbeddedCluster.ROUTE.equals(http.get("name"))) {
                return (List<Map<String, Object>>) http.get("route");
            }
        }
        throw new IllegalStateException("no route " + EmbeddedCluster.ROUTE);
    }

    private static void setPrimary(GenericKubernetesResource vs, int stable, int canary) {
        List<Map<String, Object>> route = primaryRoute(vs);
        route.get(0).put("weight", stable);
        route.get(1).put("weight", canary);
    }

    private static List<Integer> weights(GenericKubernetesResource vs) {
        return primaryRoute(vs).stream().map(d -> ((Number) d.get("weight")).intValue()).toList();
    }

    static String kubectlVersion() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out.lines().findFirst().orElse("kubectl") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The primary route is {@code spec.http[1]} (after the {@code /admin} route), as the demo seeds it. */
    private static void kubectlPatch(Path kubeconfig, Path cache) throws Exception {
        run(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "--cache-dir", cache.toString(), "-n", "demo",
                "patch", "virtualservice", "web", "--type=json", "-p",
                "[{\"op\":\"replace\",\"path\":\"/spec/http/1/route/0/weight\",\"value\":100},"
                        + "{\"op\":\"replace\",\"path\":\"/spec/http/1/route/1/weight\",\"value\":0}]"));
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, 1)) + " failed: " + out);
        }
    }
}
