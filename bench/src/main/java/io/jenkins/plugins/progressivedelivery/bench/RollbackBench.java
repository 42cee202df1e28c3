package io.jenkins.plugins.progressivedelivery.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.jenkins.plugins.progressivedelivery.cli.demo.EmbeddedCluster;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubeClients;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesCanaryCluster;
import io.jenkins.plugins.progressivedelivery.engine.plan.CanaryPlan;
import io.jenkins.plugins.progressivedelivery.engine.plan.PlanLoader;
import io.jenkins.plugins.progressivedelivery.engine.rollout.CanaryCluster;
import io.jenkins.plugins.progressivedelivery.remote.ClusterAccess;
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

    record Result(Map<String, Stats> stats, long channelCallsPerRollback, long channelBytesPerRollback,
                  String kubectl, int planBytes) { }

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
                Map<String, Stats> stats = new LinkedHashMap<>();
                contenders.keySet().forEach(name -> stats.put(name, new Stats(name)));
                List<String> order = new ArrayList<>(contenders.keySet());
                long channelCalls = 0;
                long channelBytes = 0;
                for (int round = -3; round < rounds; round++) { // three warm-up rounds
                    for (int i = 0; i < order.size(); i++) {
                        String name = order.get((i + Math.max(round, 0)) % order.size());
                        Reset reset = resets.getOrDefault(name, () -> reset(admin));
                        reset.reset();
                        channel.reset();
                        long start = System.nanoTime();
                        contenders.get(name).rollback();
                        long took = System.nanoTime() - start;
                        check(admin, name);
                        if (round >= 0) {
                            stats.get(name).add(took);
                            if (name.equals("plugin, via agent channel")) {
                                channelCalls += channel.calls.get();
                                channelBytes += channel.bytesOut.get() + channel.bytesIn.get();
                            }
                        }
                    }
                }
                return new Result(stats, channelCalls / rounds, channelBytes / rounds, kubectl,
                        io.jenkins.plugins.progressivedelivery.remote.Serialized.toBytes(plan).length);
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
        Process p = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(), "--cache-dir",
                cache.toString(), "-n", "demo", "patch", "virtualservice", "web", "--type=json", "-p",
                "[{\"op\":\"replace\",\"path\":\"/spec/http/1/route/0/weight\",\"value\":100},"
                        + "{\"op\":\"replace\",\"path\":\"/spec/http/1/route/1/weight\",\"value\":0}]")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("kubectl patch failed: " + out);
        }
    }
}
