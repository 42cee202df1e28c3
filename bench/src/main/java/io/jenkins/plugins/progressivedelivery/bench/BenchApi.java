package io.jenkins.plugins.progressivedelivery.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.jenkins.plugins.progressivedelivery.engine.kube.KubernetesConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one API server every contender of a row talks to: fabric8's CRUD mock over TLS, requiring a bearer token, with
 * the discovery documents kubectl needs to resolve {@code virtualservice}. Counts requests by method.
 */
final class BenchApi implements AutoCloseable {
    static final String TOKEN = "bench-token";
    private static final boolean VERBOSE = Boolean.getBoolean("bench.verbose");
    /** The bench's own client (seeding, the simulated controller): its reads are not the engine's. */
    static final String ADMIN_AGENT = "progressive-delivery-bench-admin";

    // java.util.logging holds loggers weakly: keep the one whose level is changed
    private final Logger requestLog = Logger.getLogger(MockWebServer.class.getName());
    private final KubernetesMockServer server;
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    /** Every write: {@code PUT deployments/web-canary}, {@code PUT deployments/web/status}, in order. */
    private final List<String> writeLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every read: {@code GET deployments/web}, {@code LIST deployments}, {@code WATCH deployments}, in order. */
    private final List<String> readLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** When each status write (the simulated Deployment controller's) arrived. */
    private final List<java.time.Instant> statusWrites = new java.util.concurrent.CopyOnWriteArrayList<>();

    BenchApi() {
        requestLog.setLevel(Level.WARNING);
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(istioKinds()) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String auth = request.getHeader("Authorization");
                if (auth == null || !auth.equals("Bearer " + TOKEN)) {
                    return json(401, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                            + "\"reason\":\"Unauthorized\",\"code\":401}");
                }
                String path = request.getPath();
                if (VERBOSE) {
                    System.out.println("  " + java.time.Instant.now() + " api: " + request.getMethod() + " " + path
                            + (ADMIN_AGENT.equals(request.getHeader("User-Agent")) ? " (bench)" : ""));
                }
                String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
                if ("GET".equals(request.getMethod())) {
                    String discovery = discovery(bare);
                    if (discovery != null) {
                        if (!ADMIN_AGENT.equals(request.getHeader("User-Agent"))) {
                            readLog.add("DISCOVERY " + bare);
                        }
                        return json(200, discovery);
                    }
                    reads.incrementAndGet();
                    String resource = resourceOf(bare);
                    if (!ADMIN_AGENT.equals(request.getHeader("User-Agent"))) {
                        readLog.add((path.contains("watch=true") ? "WATCH " : resource.contains("/") ? "GET " : "LIST ")
                                + resource);
                    }
                } else {
                    writes.incrementAndGet();
                    writeLog.add(request.getMethod() + " " + resourceOf(bare));
                    if (bare.endsWith("/status")) {
                        statusWrites.add(java.time.Instant.now());
                    }
                }
                return super.dispatch(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), crud, true);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "https://127.0.0.1:" + server.getPort();
    }

    int writes() {
        return writes.get();
    }

    int reads() {
        return reads.get();
    }

    /** The reads so far by clients other than {@link #newClient()}'s (discovery documents left out), each {@code VERB resource[/name]}. */
    List<String> readLog() {
        return List.copyOf(readLog);
    }

    List<java.time.Instant> statusWriteTimes() {
        return List.copyOf(statusWrites);
    }

    /** The writes so far, each {@code VERB resource/name[/subresource]}. */
    List<String> writeLog() {
        return List.copyOf(writeLog);
    }

    /** {@code /apis/apps/v1/namespaces/demo/deployments/web/status} → {@code deployments/web/status}. */
    static String resourceOf(String path) {
        int at = path.indexOf("/namespaces/");
        if (at < 0) {
            return path;
        }
        String rest = path.substring(at + "/namespaces/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(slash + 1);
    }

    /** How the engine reaches it: a token and TLS (the mock's certificate is self-signed, so not verified). */
    KubernetesConnection connection() {
        return KubernetesConnection.token(url(), TOKEN, null).withInsecureSkipTlsVerify(true);
    }

    /** The bench's own client, for seeding and resetting between measurements. */
    KubernetesClient newClient() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url()).withOauthToken(TOKEN)
                .withTrustCerts(true).withDisableHostnameVerification(true).withNamespace("demo")
                .withRequestRetryBackoffLimit(0).withUserAgent(ADMIN_AGENT).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    Path writeKubeconfig(Path dir) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, "apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: "
                + url() + "\n    insecure-skip-tls-verify: true\nusers:\n- name: bench\n  user:\n    token: " + TOKEN
                + "\ncontexts:\n- name: bench\n  context:\n    cluster: bench\n    user: bench\n    namespace: demo\n"
                + "current-context: bench\n");
        return file;
    }

    @Override
    public void close() {
        server.destroy();
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).addHeader("Content-Type", "application/json").setBody(body);
    }

    private static final String ISTIO_RESOURCES = "[" + resource("virtualservices", "VirtualService", "vs") + ","
            + resource("destinationrules", "DestinationRule", "dr") + "]";

    /** What kubectl and fabric8 ask before they address a resource; the CRUD mock would list objects instead. */
    static String discovery(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String istioGroup = "{\"name\":\"networking.istio.io\",\"versions\":["
                + "{\"groupVersion\":\"networking.istio.io/v1\",\"version\":\"v1\"}],"
                + "\"preferredVersion\":{\"groupVersion\":\"networking.istio.io/v1\",\"version\":\"v1\"}}";
        String appsGroup = "{\"name\":\"apps\",\"versions\":[{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],"
                + "\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}}";
        return switch (p) {
            case "/version" -> "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-bench\"}";
            case "/api" -> "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                    + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
            case "/api/v1" -> "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"v1\","
                    + "\"resources\":[" + resource("services", "Service", "svc") + "]}";
            case "/apis" -> "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + appsGroup + ","
                    + istioGroup + "]}";
            case "/apis/apps" -> "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\"," + appsGroup.substring(1);
            case "/apis/networking.istio.io" -> "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\","
                    + istioGroup.substring(1);
            case "/apis/apps/v1" -> "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":"
                    + "\"apps/v1\",\"resources\":[" + resource("deployments", "Deployment", "deploy") + "]}";
            case "/apis/networking.istio.io/v1" -> "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
                    + "\"groupVersion\":\"networking.istio.io/v1\",\"resources\":" + ISTIO_RESOURCES + "}";
            default -> null;
        };
    }

    private static String resource(String plural, String kind, String shortName) {
        return "{\"name\":\"" + plural + "\",\"singularName\":\"" + kind.toLowerCase() + "\",\"namespaced\":true,"
                + "\"kind\":\"" + kind + "\",\"shortNames\":[\"" + shortName + "\"],\"verbs\":[\"create\","
                + "\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}";
    }

    private static List<CustomResourceDefinitionContext> istioKinds() {
        List<CustomResourceDefinitionContext> kinds = new ArrayList<>();
        for (String[] kind : new String[][] {{"VirtualService", "virtualservices"},
                {"DestinationRule", "destinationrules"}}) {
            kinds.add(new CustomResourceDefinitionContext.Builder().withGroup("networking.istio.io")
                    .withVersion("v1").withKind(kind[0]).withPlural(kind[1]).withScope("Namespaced")
                    .withName(kind[1] + ".networking.istio.io").build());
        }
        return kinds;
    }
}
