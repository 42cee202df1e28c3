package io.jenkins.plugins.progressivedelivery.engine.kube;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** Builds the fabric8 client the engine uses, with the engine's own retry and timeout policy. */
public final class KubeClients {
    private static final Logger LOGGER = Logger.getLogger(KubeClients.class.getName());

    /** Connecting should be quick; a server that does not accept a connection in this time is unreachable. */
    public static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** One request, including a PUT on a busy API server, answered or failed within this. */
    public static final int REQUEST_TIMEOUT_MILLIS = 30_000;

    private KubeClients() {
    }

    /**
     * The client for {@code connection}. The caller closes it.
     *
     * <p>fabric8 retries a 5xx or 429 answer and any I/O error up to ten times by default, waiting 100 ms doubled up
     * to 3.2 s: a rollback against a failing API server would block for about 20 seconds before anyone heard of it,
     * and the retries would never reach the audit trail. The engine turns its own retries on ({@link
     * io.jenkins.plugins.progressivedelivery.engine.rollout.ClusterException#isTransient()}) on its scheduler and
     * logs each, so the client's are off.
     *
     * @throws IllegalArgumentException when the kubeconfig cannot be read or lacks the context asked for
     */
    public static KubernetesClient create(KubernetesConnection connection) {
        Config base = switch (connection.source()) {
            case KUBECONFIG -> fromKubeconfig(connection.kubeconfig(), connection.context());
            case TOKEN -> fromToken(connection);
            case AUTO -> autoConfigure(connection.context());
        };
        boolean insecure = connection.insecureSkipTlsVerify();
        Config config = new ConfigBuilder(base)
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(CONNECT_TIMEOUT_MILLIS)
                .withRequestTimeout(REQUEST_TIMEOUT_MILLIS)
                .withTrustCerts(base.isTrustCerts() || insecure)
                .withDisableHostnameVerification(base.isDisableHostnameVerification() || insecure)
                .build();
        KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(config)
                .withKubernetesSerialization(SharedSerialization.INSTANCE);
        HttpClient.Factory factory = httpClientFactory();
        if (factory != null) {
            builder.withHttpClientFactory(factory);
        }
        return builder.build();
    }

    private static volatile Supplier<HttpClient.Factory> httpClientFactorySource;
    private static volatile HttpClient.Factory httpClientFactory;

    /**
     * The HTTP client factory of the clients built from now on, made once from {@code source} when the next client is
     * built (the plugin's: OkHttp, as Jenkins ships it, with {@code TCP_NODELAY}). Without one, or when it cannot be
     * made (a class missing where the call runs), fabric8 chooses as usual: by ServiceLoader on the context class
     * loader.
     */
    public static void useHttpClientFactory(Supplier<HttpClient.Factory> source) {
        httpClientFactorySource = source;
        httpClientFactory = null;
    }

    private static HttpClient.Factory httpClientFactory() {
        HttpClient.Factory made = httpClientFactory;
        Supplier<HttpClient.Factory> source = httpClientFactorySource;
        if (made != null || source == null) {
            return made;
        }
        try {
            made = source.get();
        } catch (LinkageError | RuntimeException e) {
            LOGGER.log(Level.WARNING, "cannot use the preferred HTTP client for Kubernetes (" + e
                    + "); fabric8 chooses one", e);
            httpClientFactorySource = null;
            return null;
        }
        httpClientFactory = made;
        return made;
    }

    /**
     * One serialization for every client of the JVM. Each fabric8 client otherwise builds its own, and with it an
     * ObjectMapper and the registry of resource types found on the class path: most of a new client's first request
     * (about half of its ~100 ms on a busy 2-core machine, measured). It holds no per-cluster state, and the engine
     * registers no custom types on it, so sharing it changes nothing but the cost.
     */
    private static final class SharedSerialization {
        static final KubernetesSerialization INSTANCE = new KubernetesSerialization();
    }

    private static Config autoConfigure(String context) {
        Config config = Config.autoConfigure(context);
        // fabric8 falls back to the current context when the one asked for is missing: that would deploy elsewhere
        if (context != null && !context.isBlank() && (config.getCurrentContext() == null
                || !context.equals(config.getCurrentContext().getName()))) {
            List<String> names = config.getContexts() == null ? List.of()
                    : config.getContexts().stream().map(NamedContext::getName).sorted().collect(Collectors.toList());
            throw new IllegalArgumentException("context: '" + context + "' is not in the kubeconfig found ("
                    + String.join(", ", Config.getKubeconfigFilenames()) + "); its contexts are "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        return config;
    }

    private static Config fromToken(KubernetesConnection connection) {
        String server = connection.server().endsWith("/") ? connection.server() : connection.server() + "/";
        ConfigBuilder builder = new ConfigBuilder(Config.empty())
                .withMasterUrl(server)
                .withOauthToken(connection.token());
        String ca = connection.caCertificate();
        if (ca != null && !ca.isBlank()) {
            // fabric8 takes certificate data base64-encoded, as kubeconfig's certificate-authority-data
            builder.withCaCertData(Base64.getEncoder().encodeToString(ca.getBytes(StandardCharsets.US_ASCII)));
        }
        return builder.build();
    }

    private static Config fromKubeconfig(String content, String context) {
        io.fabric8.kubernetes.api.model.Config kubeconfig;
        try {
            kubeconfig = Serialization.unmarshal(content, io.fabric8.kubernetes.api.model.Config.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("kubeconfig: cannot be read as a kubeconfig file ("
                    + e.getClass().getSimpleName() + "); give the content of a file kubectl accepts", e);
        }
        if (kubeconfig == null || kubeconfig.getContexts() == null || kubeconfig.getContexts().isEmpty()) {
            throw new IllegalArgumentException("kubeconfig: has no contexts; give a kubeconfig that kubectl can use");
        }
        List<String> names = kubeconfig.getContexts().stream().map(NamedContext::getName)
                .collect(Collectors.toList());
        if (context != null && !context.isBlank()) {
            if (!names.contains(context)) {
                throw new IllegalArgumentException("context: '" + context + "' is not in the kubeconfig; its"
                        + " contexts are " + String.join(", ", names));
            }
            kubeconfig.setCurrentContext(context);
        } else if (kubeconfig.getCurrentContext() == null || !names.contains(kubeconfig.getCurrentContext())) {
            throw new IllegalArgumentException("context: the kubeconfig has no valid current-context; name one of "
                    + String.join(", ", names));
        }
        return Config.fromKubeconfig(Serialization.asYaml(kubeconfig));
    }

    /**
     * The namespace a step works in: the one it names, else the client's (the kubeconfig context's, or the pod's
     * service account's), else {@code default}, as kubectl chooses.
     */
    public static String namespace(KubernetesClient client, String requested) {
        if (requested != null && !requested.isBlank()) {
            return requested.trim();
        }
        String configured = client.getNamespace();
        return configured == null || configured.isBlank() ? "default" : configured;
    }
}
