package io.jenkins.plugins.progressivedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import io.jenkins.plugins.progressivedelivery.engine.analysis.Condition;
import io.jenkins.plugins.progressivedelivery.engine.analysis.MetricValue;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Jenkins loads parent-first: core's Guava 33.4.8 and the plugins' SnakeYAML 2.3 and Jackson 2.20 win over what CEL
 * was built against (Guava 33.6, SnakeYAML 2.6). This module pins those versions for its tests, so the condition
 * engine below runs on the classes it will get in Jenkins.
 */
class JenkinsClassPathTest {

    @Test
    void theTestsRunOnTheLibraryVersionsJenkinsProvides() throws Exception {
        assertThat(versionOf(ImmutableList.class, "com.google.guava", "guava")).isEqualTo("33.4.8-jre");
        assertThat(versionOf(Yaml.class, "org.yaml", "snakeyaml")).isEqualTo("2.3");
        assertThat(versionOf(com.fasterxml.jackson.databind.ObjectMapper.class, "com.fasterxml.jackson.core",
                "jackson-databind")).isEqualTo("2.20.0");
    }

    @Test
    void celConditionsCompileAndEvaluateOnJenkinsGuava() throws Exception {
        MetricValue vector = MetricValue.vector(List.of(0.97, 0.99));
        assertThat(Condition.compile("result[0] >= 0.95").evaluate(vector)).isTrue();
        assertThat(Condition.compile("result[0] >= 0.98").evaluate(vector)).isFalse();
        assertThat(Condition.compile("result.all(x, x > 0.9)").evaluate(vector)).isTrue();
        assertThat(Condition.compile("size(result) == 2 && result[1] <= 1.0").evaluate(vector)).isTrue();
        assertThat(Condition.compile("isNaN(result) || result < 0.5").evaluate(MetricValue.scalar(Double.NaN)))
                .isTrue();
        assertThat(Condition.compile("result <= 0.01").evaluate(MetricValue.scalar(0.002))).isTrue();
        assertThat(Condition.compile("len(result) == 0").evaluate(MetricValue.vector(List.of()))).isTrue();
    }

    private static String versionOf(Class<?> type, String group, String artifact) throws Exception {
        URL jar = type.getProtectionDomain().getCodeSource().getLocation();
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new URL[] {jar}, null);
             InputStream in = loader.getResourceAsStream("META-INF/maven/" + group + "/" + artifact
                     + "/pom.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
    }
}
