package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.Extension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.java.sezpoz.Index;
import net.java.sezpoz.IndexItem;
import org.jenkinsci.Symbol;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code .hpi}, opened as Jenkins opens it. Runs after {@code package} ({@code mvn verify}).
 */
class HpiLayoutTest {
    /** The plugins (and versions) installed in the Jenkins the plugin is tried in. */
    static final Map<String, String> INSTALLED = Map.of(
            "workflow-step-api", "710.v3e456cc85233",
            "workflow-api", "1384.vdc05a_48f535f",
            "workflow-support", "976.vb_d9493c2eb_09",
            "structs", "353.v261ea_40a_80fb_",
            "credentials", "1453.v9b_a_29777a_b_fd",
            "plain-credentials", "199.v9f8e1f741799",
            "kubernetes-client-api", "7.3.1-256.v788a_0b_787114",
            "jackson2-api", "2.20.0-411.v6ef8fdee4fe9",
            "snakeyaml-api", "2.3-125.v4d77857a_b_402");

    /** Packages that Jenkins core or a dependency plugin provides: never bundled (parent-first would hide them). */
    static final List<String> PROVIDED_PACKAGES = List.of("com/google/common/", "com/google/thirdparty/",
            "com/fasterxml/jackson/", "io/fabric8/", "org/yaml/snakeyaml/", "org/snakeyaml/", "okhttp3/", "okio/",
            "org/slf4j/", "org/antlr/v4/", "org/jspecify/", "kotlin/");

    /** The Jenkins API as declared for compilation: Jenkins supplies the real classes. */
    static final List<String> JENKINS_PACKAGES = List.of("hudson/", "jenkins/", "org/jenkinsci/plugins/workflow/",
            "org/jenkinsci/Symbol", "org/jenkinsci/remoting/", "org/kohsuke/stapler/", "com/cloudbees/",
            "org/jenkinsci/plugins/plaincredentials/", "org/jvnet/hudson/", "net/java/sezpoz/",
            "org/springframework/", "jakarta/servlet/");

    static Path hpi;
    static Path pluginJar;
    static Map<String, byte[]> libraries;

    @BeforeAll
    static void open() throws IOException {
        hpi = Path.of(System.getProperty("hpi.file", "target/progressive-delivery.hpi"));
        assertThat(hpi).as("run mvn verify: the .hpi is built in the package phase").exists();
        libraries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(hpi.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                if (entry.getName().startsWith("WEB-INF/lib/") && entry.getName().endsWith(".jar")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        libraries.put(entry.getName().substring("WEB-INF/lib/".length()), in.readAllBytes());
                    }
                }
            }
        }
        pluginJar = Files.createTempFile("progressive-delivery", ".jar");
        Files.write(pluginJar, libraries.get("progressive-delivery.jar"));
    }

    private static Manifest outerManifest() throws IOException {
        try (ZipFile zip = new ZipFile(hpi.toFile()); InputStream in = zip.getInputStream(
                zip.getEntry("META-INF/MANIFEST.MF"))) {
            return new Manifest(in);
        }
    }

    private static Manifest jarManifest(byte[] jar) throws IOException {
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            return in.getManifest();
        }
    }

    private static List<String> entries(byte[] jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }

    @Test
    void theOuterManifestIsAPluginManifestForTheInstalledJenkins() throws IOException {
        Attributes main = outerManifest().getMainAttributes();
        assertThat(main.getValue("Short-Name")).isEqualTo("progressive-delivery");
        assertThat(main.getValue("Long-Name")).isEqualTo("Progressive Delivery");
        assertThat(main.getValue("Group-Id")).isEqualTo("io.jenkins.plugins");
        assertThat(main.getValue("Plugin-Version")).isNotBlank();
        assertThat(main.getValue("Url")).startsWith("https://");
        assertThat(main.getValue("Minimum-Java-Version")).isEqualTo("17");
        assertThat(compareVersions(main.getValue("Jenkins-Version"), "2.516.2")).isLessThanOrEqualTo(0);
        assertThat(main.getValue("Hudson-Version")).isEqualTo(main.getValue("Jenkins-Version"));

        Map<String, String> dependencies = Arrays.stream(main.getValue("Plugin-Dependencies").split(","))
                .map(d -> d.split(":", 2))
                .collect(Collectors.toMap(d -> d[0], d -> d[1]));
        assertThat(dependencies).isEqualTo(INSTALLED);
    }

    @Test
    void thePluginJarCarriesTheSameManifestSoJenkinsClassFilterTrustsIt() throws IOException {
        Attributes outer = outerManifest().getMainAttributes();
        Attributes inner = jarManifest(libraries.get("progressive-delivery.jar")).getMainAttributes();
        for (String name : List.of("Short-Name", "Long-Name", "Group-Id", "Plugin-Version", "Jenkins-Version",
                "Plugin-Dependencies", "Minimum-Java-Version")) {
            assertThat(inner.getValue(name)).as(name).isEqualTo(outer.getValue(name));
        }
    }

    @Test
    void bothIndexesListEveryExtensionAndSymbol() throws Exception {
        Set<String> extensions = new TreeSet<>();
        Set<String> symbols = new TreeSet<>();
        for (String entry : entries(libraries.get("progressive-delivery.jar"))) {
            if (entry.endsWith(".class")) {
                Class<?> type = Class.forName(entry.replace('/', '.').substring(0, entry.length() - 6), false,
                        getClass().getClassLoader());
                if (type.isAnnotationPresent(Extension.class)) {
                    extensions.add(type.getName());
                }
                if (type.isAnnotationPresent(Symbol.class)) {
                    symbols.add(type.getName());
                }
            }
        }
        assertThat(extensions).contains(CanaryRolloutStep.DescriptorImpl.class.getName(),
                BlueGreenSwitchStep.DescriptorImpl.class.getName(), AnalysisGateStep.DescriptorImpl.class.getName(),
                io.jenkins.plugins.progressivedelivery.config.ProgressiveDeliveryConfiguration.class.getName(),
                io.jenkins.plugins.progressivedelivery.actions.DeploymentsActionFactory.class.getName(),
                io.jenkins.plugins.progressivedelivery.actions.ProductionAction.class.getName(),
                io.jenkins.plugins.progressivedelivery.parameters.SetWeightStep.DescriptorImpl.class.getName());

        try (URLClassLoader loader = new URLClassLoader(new URL[] {pluginJar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return findResources(name); // only this jar's index, not the test classpath's
            }
        }) {
            Set<String> indexed = new TreeSet<>();
            for (IndexItem<Extension, Object> item : Index.load(Extension.class, Object.class, loader)) {
                indexed.add(item.className());
            }
            assertThat(indexed).as("META-INF/annotations/hudson.Extension (sezpoz)").isEqualTo(extensions);

            URL symbolIndex = loader.findResource("META-INF/services/annotations/org.jenkinsci.Symbol");
            assertThat(symbolIndex).as("META-INF/services/annotations/org.jenkinsci.Symbol").isNotNull();
            try (InputStream in = symbolIndex.openStream()) {
                Set<String> lines = new TreeSet<>(Arrays.asList(new String(in.readAllBytes(),
                        StandardCharsets.UTF_8).split("\n")));
                assertThat(lines).isEqualTo(symbols);
            }
        }
        assertThat(symbols).contains(CanaryRolloutStep.DescriptorImpl.class.getName(),
                BlueGreenSwitchStep.DescriptorImpl.class.getName(), AnalysisGateStep.DescriptorImpl.class.getName());
    }

    @Test
    void viewsHelpAndTheDescriptionAreInThePluginJar() throws IOException {
        List<String> entries = entries(libraries.get("progressive-delivery.jar"));
        String base = "io/jenkins/plugins/progressivedelivery/";
        assertThat(entries).contains("index.jelly",
                base + "CanaryRolloutStep/config.jelly", base + "BlueGreenSwitchStep/config.jelly",
                base + "AnalysisGateStep/config.jelly",
                base + "actions/DeliveryAction/summary.jelly", base + "actions/DeliveryAction/index.jelly",
                base + "actions/DeploymentsAction/index.jelly", base + "actions/ProductionAction/index.jelly",
                base + "config/ProgressiveDeliveryConfiguration/config.jelly",
                base + "config/PrometheusServer/config.jelly", base + "config/AnalysisTemplate/config.jelly",
                base + "DeliveryDoctorStep/config.jelly", base + "actions/DoctorAction/summary.jelly");
        for (Class<?> step : List.of(CanaryRolloutStep.class, BlueGreenSwitchStep.class, AnalysisGateStep.class,
                DeliveryDoctorStep.class)) {
            assertThat(entries).as("help for " + step.getSimpleName())
                    .contains(base + step.getSimpleName() + "/help.html");
            for (java.lang.reflect.Method setter : step.getMethods()) {
                if (setter.isAnnotationPresent(org.kohsuke.stapler.DataBoundSetter.class)) {
                    String field = java.beans.Introspector.decapitalize(setter.getName().substring(3));
                    assertThat(entries).as("help for " + step.getSimpleName() + "." + field)
                            .contains(base + step.getSimpleName() + "/help-" + field + ".html");
                }
            }
        }
    }

    /**
     * The model structs builds for the Steps Reference, the Snippet Generator and Declarative's validator: every
     * parameter of every step, followed through the nested types, is one it can describe (no {@code Map}, no
     * {@code Object}), readable back, with help; and every nested type has its form in the plugin jar.
     */
    @Test
    void structsCanDescribeEveryParameterOfEveryStep() throws IOException {
        List<String> entries = entries(libraries.get("progressive-delivery.jar"));
        for (Class<?> step : List.of(CanaryRolloutStep.class, BlueGreenSwitchStep.class, AnalysisGateStep.class,
                DeliveryDoctorStep.class)) {
            assertThat(io.jenkins.plugins.progressivedelivery.fakes.ModelWalk.problems(step))
                    .as(step.getSimpleName()).isEmpty();
            for (Class<?> type : io.jenkins.plugins.progressivedelivery.fakes.ModelWalk.types(step)) {
                String views = type.getName().replace('.', '/') + "/";
                assertThat(entries).as(type.getSimpleName() + " in the plugin jar")
                        .contains(views + "config.jelly");
                for (String parameter : io.jenkins.plugins.progressivedelivery.fakes.ModelWalk.parameters(type)
                        .keySet()) {
                    assertThat(entries).contains(views + "help-" + parameter + ".html");
                }
            }
        }
    }

    /** Every view escapes what it prints (names from plans, comments, images): no markup from a Jenkinsfile. */
    @Test
    void everyViewEscapesByDefault() throws IOException {
        int views = 0;
        for (String entry : entries(libraries.get("progressive-delivery.jar"))) {
            if (entry.endsWith(".jelly")) {
                views++;
                assertThat(resource(entry)).as(entry).startsWith("<?jelly escape-by-default='true'?>");
            }
        }
        assertThat(views).isGreaterThan(15);
    }

    @Test
    void everyFieldOfTheSnippetGeneratorFormsIsAParameter() throws IOException {
        for (Class<?> step : List.of(CanaryRolloutStep.class, BlueGreenSwitchStep.class, AnalysisGateStep.class,
                DeliveryDoctorStep.class)) {
            Set<String> parameters = new TreeSet<>();
            for (java.lang.reflect.Method setter : step.getMethods()) {
                if (setter.isAnnotationPresent(org.kohsuke.stapler.DataBoundSetter.class)) {
                    parameters.add(java.beans.Introspector.decapitalize(setter.getName().substring(3)));
                }
            }
            String form = resource("io/jenkins/plugins/progressivedelivery/" + step.getSimpleName() + "/config.jelly");
            java.util.regex.Matcher fields = java.util.regex.Pattern.compile("field=\"([^\"]+)\"").matcher(form);
            int count = 0;
            while (fields.find()) {
                assertThat(parameters).as(step.getSimpleName() + "/config.jelly").contains(fields.group(1));
                count++;
            }
            assertThat(count).as(step.getSimpleName() + "/config.jelly fields").isPositive();
        }
    }

    private static String resource(String name) throws IOException {
        byte[] jar = libraries.get("progressive-delivery.jar");
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (e.getName().equals(name)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError(name + " is not in the plugin jar");
    }

    @Test
    void compiledWithParameterNamesForJava17() throws Exception {
        assertThat(CanaryRolloutStep.class.getMethod("setImage", String.class).getParameters()[0].isNamePresent())
                .isTrue();
        for (Map.Entry<String, byte[]> library : libraries.entrySet()) {
            if (library.getKey().startsWith("progressive-delivery")) {
                try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(library.getValue()))) {
                    for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                        if (e.getName().endsWith(".class")) {
                            byte[] header = in.readNBytes(8);
                            int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
                            assertThat(major).as(e.getName()).isLessThanOrEqualTo(61);
                        }
                    }
                }
            }
        }
    }

    @Test
    void nothingJenkinsOrADependencyPluginProvidesIsBundled() throws IOException {
        assertThat(libraries.keySet()).contains("progressive-delivery.jar")
                .anyMatch(name -> name.startsWith("progressive-delivery-engine-"))
                .anyMatch(name -> name.startsWith("cel-"))
                .anyMatch(name -> name.startsWith("json-path-"))
                .anyMatch(name -> name.startsWith("json-smart-"))
                .anyMatch(name -> name.startsWith("protobuf-java-"))
                .anyMatch(name -> name.startsWith("commons-statistics-inference-"))
                .anyMatch(name -> name.startsWith("commons-statistics-descriptive-"))
                .anyMatch(name -> name.startsWith("commons-numbers-gamma-"))
                .noneMatch(name -> name.contains("jenkins-api"));
        for (Map.Entry<String, byte[]> library : libraries.entrySet()) {
            for (String entry : entries(library.getValue())) {
                for (String provided : PROVIDED_PACKAGES) {
                    assertThat(entry).as(library.getKey() + " bundles a class Jenkins provides")
                            .doesNotStartWith(provided);
                }
                for (String declared : JENKINS_PACKAGES) {
                    assertThat(entry).as(library.getKey() + " bundles a Jenkins API declaration")
                            .doesNotStartWith(declared);
                }
            }
        }
    }

    @Test
    void theGatewayApiModelTheRoutersUseComesFromTheKubernetesClientApiPlugin() throws IOException {
        String engine = libraries.keySet().stream().filter(name -> name.startsWith("progressive-delivery-engine-"))
                .findFirst().orElseThrow();
        assertThat(entries(libraries.get(engine))).as("the engine has the Gateway API routers")
                .contains("io/jenkins/plugins/progressivedelivery/engine/traffic/gatewayapi/GatewayApiRouter.class",
                        "io/jenkins/plugins/progressivedelivery/engine/traffic/nginx/NginxCanaryIngressRouter.class");
        assertThat(libraries.keySet()).as("kubernetes-model-gatewayapi is in kubernetes-client-api, not the .hpi")
                .noneMatch(name -> name.startsWith("kubernetes-model-"));
    }

    @Test
    void theWebResourcesAreAtTheRoot() throws IOException {
        try (ZipFile zip = new ZipFile(hpi.toFile())) {
            assertThat(zip.getEntry("images/progressive-delivery.svg")).isNotNull();
        }
    }

    static int compareVersions(String a, String b) {
        int[] x = Arrays.stream(a.split("\\.")).mapToInt(Integer::parseInt).toArray();
        int[] y = Arrays.stream(b.split("\\.")).mapToInt(Integer::parseInt).toArray();
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? x[i] : 0, i < y.length ? y[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
