package io.jenkins.plugins.progressivedelivery.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.security.AccessControlled;
import hudson.security.Permission;
import hudson.util.FormValidation;
import io.jenkins.plugins.progressivedelivery.fakes.Structs;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.verb.POST;
import org.springframework.security.access.AccessDeniedException;

class ProgressiveDeliveryConfigurationTest {
    private static final String TEMPLATE = """
            apiVersion: argoproj.io/v1alpha1
            kind: AnalysisTemplate
            metadata:
              name: success-rate
            spec:
              args:
                - name: service
                - name: window
                  value: 2m
              metrics:
                - name: success-rate
                  successCondition: result[0] >= 0.99
                  provider:
                    prometheus:
                      query: sum(rate(ok{service="{{args.service}}"}[{{args.window}}]))
            """;

    @AfterEach
    void restoreJenkins() {
        Permissions.root = jenkins.model.Jenkins::get;
    }

    /** What the System page (or configuration-as-code) sends for this section. */
    private static Map<String, Object> form() {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("prometheusServers", List.of(
                Map.of("name", "prod", "url", "https://prometheus.example.com", "credentialsId", "prometheus-token",
                        "timeout", "10s", "headers", List.of(Map.of("key", "X-Scope-OrgID", "value", "shop"))),
                Map.of("name", "staging", "url", "http://prometheus.staging:9090")));
        form.put("clusterCredentialsId", "deployer-kubeconfig");
        form.put("analysisTemplates", List.of(Map.of("name", "success-rate", "yaml", TEMPLATE)));
        return form;
    }

    private static ProgressiveDeliveryConfiguration configured() {
        ProgressiveDeliveryConfiguration config = new ProgressiveDeliveryConfiguration();
        Structs.inject(config, form());
        return config;
    }

    @Test
    void theFormBindsAndReadsBackTheSame() {
        ProgressiveDeliveryConfiguration config = configured();
        assertThat(Structs.uninstantiate(config, form().keySet())).isEqualTo(form());
        assertThat(config.getPrometheusServers().get(0).getHeaders().get(0).getKey()).isEqualTo("X-Scope-OrgID");
    }

    @Test
    void aStepNamesAServerOrGetsTheFirst() throws Exception {
        ProgressiveDeliveryConfiguration config = configured();
        assertThat(config.prometheusServer(null).getName()).isEqualTo("prod");
        assertThat(config.prometheusServer("staging").getUrl()).isEqualTo("http://prometheus.staging:9090");
        assertThatThrownBy(() -> config.prometheusServer("qa")).isInstanceOf(AbortException.class)
                .hasMessageContaining("prometheus: no Prometheus server named 'qa'")
                .hasMessageContaining("configured: prod, staging");
        assertThat(new ProgressiveDeliveryConfiguration().prometheusServer(null)).isNull();
    }

    @Test
    void theServerFillsInWhatAQueryDoesNotGive() throws Exception {
        Map<String, Object> own = new LinkedHashMap<>(Map.of("address", "http://own:9090", "query", "up"));
        Map<String, Object> bare = new LinkedHashMap<>(Map.of("query", "up", "headers",
                new ArrayList<>(List.of(Map.of("key", "x-scope-orgid", "value", "mine")))));
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("steps", List.of(Map.of("analysis", Map.of("metrics", List.of(
                Map.of("name", "a", "provider", Map.of("prometheus", own)),
                Map.of("name", "b", "provider", Map.of("prometheus", bare)))))));

        PlanDefaults.apply(plan, configured(), null);

        assertThat(own).as("a query with its own address talks to another server: no defaults")
                .containsEntry("address", "http://own:9090").doesNotContainKeys("headers", "timeout");
        assertThat(bare).containsEntry("address", "https://prometheus.example.com").containsEntry("timeout", "10s");
        assertThat(bare.get("headers")).as("the query's own header wins over the server's of the same name")
                .isEqualTo(List.of(Map.of("key", "x-scope-orgid", "value", "mine")));
    }

    @Test
    void aNamedTemplateIsExpandedWithTheStepsArgumentsOverItsDefaults() throws Exception {
        Map<String, Object> analysis = new LinkedHashMap<>();
        analysis.put("template", "success-rate");
        analysis.put("args", List.of(Map.of("name", "window", "value", "5m")));
        Map<String, Object> plan = new LinkedHashMap<>(Map.of("prePromotionAnalysis", analysis));

        PlanDefaults.apply(plan, configured(), "staging");

        assertThat(analysis).doesNotContainKey("template");
        assertThat(analysis.get("args")).isEqualTo(List.of(Map.of("name", "service"),
                Map.of("name", "window", "value", "5m")));
        @SuppressWarnings("unchecked")
        Map<String, Object> metric = (Map<String, Object>) ((List<?>) analysis.get("metrics")).get(0);
        assertThat(metric).containsEntry("name", "success-rate");
        assertThat(metric.toString()).contains("address=http://prometheus.staging:9090");
        assertThatThrownBy(() -> PlanDefaults.apply(new LinkedHashMap<>(Map.of("analysis",
                new LinkedHashMap<>(Map.of("template", "latency")))), configured(), null))
                .hasMessageContaining("template: no analysis template named 'latency'")
                .hasMessageContaining("configured: success-rate");
    }

    @Test
    void everyWebMethodIsPostAndAsksForAdministerBeforeAnswering() throws Exception {
        List<String> asked = new ArrayList<>();
        Permissions.root = () -> new AccessControlled() {
            @Override
            public void checkPermission(Permission p) {
                asked.add(p.name);
                throw new AccessDeniedException("alice is missing the " + p.name + " permission");
            }
        };
        int methods = 0;
        for (Object owner : List.of(new ProgressiveDeliveryConfiguration(), new PrometheusServer.DescriptorImpl(),
                new AnalysisTemplate.DescriptorImpl())) {
            for (Method method : owner.getClass().getDeclaredMethods()) {
                if (!method.getName().startsWith("do") || !Modifier.isPublic(method.getModifiers())) {
                    continue;
                }
                methods++;
                assertThat(method.isAnnotationPresent(POST.class)).as(method + " is @POST").isTrue();
                Object[] nulls = new Object[method.getParameterCount()];
                assertThatThrownBy(() -> method.invoke(owner, nulls)).as(method.toString())
                        .hasRootCauseInstanceOf(AccessDeniedException.class);
            }
        }
        assertThat(methods).isEqualTo(9);
        assertThat(asked).hasSize(methods).containsOnly("Administer");
    }

    @Test
    void everyFieldHasHelpAndTheNestedTypesHaveForms() {
        for (Class<?> type : List.of(ProgressiveDeliveryConfiguration.class, PrometheusServer.class,
                AnalysisTemplate.class)) {
            assertThat(type.getResource(type.getSimpleName() + "/config.jelly")).as(type + " form").isNotNull();
            List<String> fields = new ArrayList<>(Structs.setters(type).keySet());
            if (type != ProgressiveDeliveryConfiguration.class) {
                fields.addAll(List.of(Structs.parameterNames(Structs.constructor(type))));
            }
            for (String field : fields) {
                assertThat(type.getResource(type.getSimpleName() + "/help-" + field + ".html"))
                        .as(type.getSimpleName() + "." + field + " help").isNotNull();
            }
        }
    }

    @Test
    void theChecksSayWhatIsWrong() {
        assertThat(Checks.url("https://user:secret@prometheus.example.com").getMessage())
                .contains("Do not put credentials in the URL");
        assertThat(Checks.url("prometheus:9090").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(Checks.url("http://prometheus:9090").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(Checks.name("prod east").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(Checks.duration("10 parsecs").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(Checks.analysis(TEMPLATE, "success-rate").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(Checks.analysis("metrics: [{name: m, successCondition: 'result[0] >'}]", "broken").kind)
                .isEqualTo(FormValidation.Kind.ERROR);
    }
}
